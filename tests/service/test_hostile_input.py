"""Hostile arguments: wrong types, numbers out of range, text no database can store.

Each call is refused with a lotline error (never a driver or Python error), and
nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

import lotline
from lotline.app import Lotline
from lotline.errors import (
    DatabaseUnavailable,
    InvalidInput,
    InvalidLotName,
    InvalidQuantity,
    LotlineError,
    MissingLot,
    UnknownLocation,
    UnknownOperation,
    UnknownPartner,
    UnknownProduct,
    UnknownToken,
    UnknownUser,
)
from lotline.models import ManufacturingOrder
from lotline.store.schema import metadata
from tests.support import receive

NUL, SURROGATE = "a\x00", "a\udc80"


def rows(app: Lotline) -> dict[str, int]:
    """The number of rows of every table."""
    with app.db.transaction() as conn:
        return {
            table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in metadata.sorted_tables
        }


@pytest.fixture
def shop(app: Lotline) -> Iterator[tuple[Lotline, ManufacturingOrder]]:
    """A serial product FS made of lot-tracked PL, an untracked PN, and a confirmed order."""
    app.products.create("FS", "Frame", "serial")
    app.products.create("PL", "Plank", "lot")
    app.products.create("PN", "Panel", "none")
    receive(app, "PL", [("L1", 100)])
    app.manufacturing.bom("FS", {"PL": 1})
    app.manufacturing.bom("PN", {"PL": 1})
    yield app, app.manufacturing.confirm(app.manufacturing.order("FS", 3))


def refused(app: Lotline, call: Callable[[], object], error: type[LotlineError]) -> LotlineError:
    """Run ``call``: it must raise ``error`` and leave every table as it was."""
    before = rows(app)
    with pytest.raises(error) as caught:
        call()
    assert rows(app) == before
    return caught.value


def test_ids_out_of_the_64_bit_range_are_refused_naming_the_field(shop: tuple) -> None:
    app, _ = shop
    for document_id in (2**63, -(2**63) - 1, 2**31):
        error = refused(app, lambda i=document_id: app.transfers.get(i), InvalidInput)
        assert error.details["field"] == "document id"
        refused(app, lambda i=document_id: app.manufacturing.get(i), InvalidInput)
    error = refused(app, lambda: app.products.update("PL", alert_days=10**20), InvalidInput)
    assert error.details == {"field": "alert_days", "value": str(10**20)}
    error = refused(app, lambda: app.products.create("NEW", "New", use_days=10**20), InvalidInput)
    assert error.details["field"] == "use_days"
    assert app.products.get("PL").alert_days == 0


def test_options_and_filters_of_the_wrong_type_are_refused(shop: tuple) -> None:
    app, mo = shop
    refused(app, lambda: app.locations.list({}), InvalidInput)  # type: ignore[arg-type]
    refused(app, lambda: app.manufacturing.list(["done"]), InvalidInput)  # type: ignore[arg-type]
    refused(app, lambda: app.stock.quants(lot={"a": 1}), InvalidLotName)  # type: ignore[arg-type]
    refused(app, lambda: app.adjustments.apply(0), InvalidInput)  # type: ignore[arg-type]
    refused(app, lambda: app.adjustments.apply([1]), InvalidInput)  # type: ignore[list-item]
    refused(app, lambda: app.manufacturing.bom("FS", 1.5), InvalidInput)  # type: ignore[arg-type]
    refused(app, lambda: app.manufacturing.set_component_lots(mo.name, "PL", 27), MissingLot)
    refused(app, lambda: app.manufacturing.order("PN", 35, bom=("t",)), InvalidInput)  # type: ignore[arg-type]
    refused(app, lambda: app.settings.update(lots_and_serials="no"), InvalidInput)  # type: ignore[arg-type]
    refused(app, lambda: app.lots.create_next("PL", "3"), InvalidQuantity)  # type: ignore[arg-type]
    refused(app, lambda: app.lots.find("PL", 7), InvalidInput)  # type: ignore[arg-type]
    assert app.settings.get().lots_and_serials


def test_batch_production_checks_the_type_of_what_it_is_given(shop: tuple) -> None:
    app, mo = shop
    batch = app.manufacturing.batch_produce
    refused(app, lambda: batch(mo.name, count="3"), InvalidQuantity)  # type: ignore[arg-type]
    refused(app, lambda: batch(mo.name, text=5), InvalidInput)  # type: ignore[arg-type]
    refused(app, lambda: batch(mo.name, names=["S1", 2]), InvalidInput)  # type: ignore[list-item]
    refused(app, lambda: batch(mo.name, complete="no"), InvalidInput)  # type: ignore[arg-type]
    error = refused(app, lambda: batch(mo.name, names="XYZ"), InvalidInput)
    assert "must be a list" in str(error)
    assert app.lots.find("FS") == []
    assert app.manufacturing.get(mo.name).state == "confirmed"


def test_lines_whose_lots_are_given_with_the_wrong_types_are_refused(shop: tuple) -> None:
    app, _ = shop
    receipt = app.transfers.receipt
    refused(app, lambda: receipt([{"product": "FS", "scans": 5}]), InvalidInput)
    refused(app, lambda: receipt([{"product": "FS", "first": 10**5000, "count": 2}]), InvalidInput)
    refused(app, lambda: receipt([{"product": "FS", "serials_text": 10**5000}]), InvalidInput)
    refused(app, lambda: receipt([{"product": "PN", "quantity": 1, 10**5000: 1}]), InvalidInput)
    refused(app, lambda: receipt([{"product": "PN", "quantity": 10**5000}]), InvalidQuantity)
    with pytest.raises(InvalidInput, match="must be a list"):
        app.trace.to_csv(5)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="Item 1 of the recall rows must be a recall row"):
        app.trace.to_csv(["a"])  # type: ignore[list-item]


def test_a_database_url_with_a_nul_is_refused_as_unusable() -> None:
    with pytest.raises(DatabaseUnavailable, match="not a database URL"):
        lotline.open("sqlite:///\x00x.db")


@pytest.mark.parametrize("bad", [NUL, SURROGATE])
def test_lookups_of_text_no_database_can_store_are_refused_before_it(shop: tuple, bad: str) -> None:
    app, mo = shop
    refused(app, lambda: app.products.get(bad), UnknownProduct)
    refused(app, lambda: app.locations.get(bad), UnknownLocation)
    refused(app, lambda: app.transfers.get(bad), UnknownOperation)
    refused(app, lambda: app.manufacturing.get(bad), UnknownOperation)
    refused(app, lambda: app.lots.get("PL", bad), InvalidLotName)
    refused(app, lambda: app.lots.list(bad), UnknownProduct)
    refused(app, lambda: app.stock.quants(lot=bad), InvalidLotName)
    refused(app, lambda: app.stock.quants(location=bad), UnknownLocation)
    refused(app, lambda: app.stock.on_hand(bad), UnknownProduct)
    refused(app, lambda: app.trace.history("PL", bad), InvalidLotName)
    refused(app, lambda: app.adjustments.history(bad), UnknownProduct)
    refused(app, lambda: app.manufacturing.list(bad), InvalidInput)
    refused(app, lambda: app.locations.list(bad), InvalidInput)
    refused(app, lambda: app.transfers.list(state=bad), InvalidInput)
    refused(app, lambda: app.manufacturing.cancel(bad), UnknownOperation)
    refused(app, lambda: app.transfers.receipt([{"product": bad, "quantity": 1}]), UnknownProduct)
    refused(app, lambda: app.users.get(bad), UnknownUser)
    refused(app, lambda: app.users.token(bad), UnknownUser)
    assert app.users.check_password(bad, "secret") is None
    assert app.manufacturing.get(mo.name).state == "confirmed"


def test_users_and_tokens_check_what_they_are_given(shop: tuple) -> None:
    app, _ = shop
    app.users.add("ann", "viewer")
    refused(app, lambda: app.users.revoke(2**63), InvalidInput)
    refused(app, lambda: app.users.set_role("ann", 10**5000), InvalidInput)
    refused(app, lambda: app.users.find_token(5), UnknownToken)  # type: ignore[arg-type]
    assert app.users.authenticate(5) is None  # type: ignore[arg-type]
    assert app.users.check_password("ann", 5) is None  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [NUL, SURROGATE])
def test_text_inputs_no_database_can_store_are_refused(shop: tuple, bad: str) -> None:
    app, _ = shop
    line = [{"product": "PN", "quantity": 1}]
    refused(app, lambda: app.transfers.receipt(line, partner=bad), InvalidInput)
    refused(app, lambda: app.transfers.receipt(line, origin=bad), InvalidInput)
    refused(app, lambda: app.transfers.delivery(line, source=bad), UnknownLocation)
    refused(
        app, lambda: app.adjustments.set_quantity("PN", "WH/Stock", 1, reason=bad), InvalidInput
    )
    refused(app, lambda: app.products.create(bad, "Name"), InvalidInput)
    refused(app, lambda: app.locations.create(f"WH/Stock/{bad}"), InvalidInput)
    refused(app, lambda: lotline.open(app.db.url.render_as_string(False), user=bad), InvalidInput)
    refused(app, lambda: app.lots.create("PL", "N1", ref=bad), InvalidInput)
    refused(app, lambda: app.lots.create("PL", "N1", note=bad), InvalidInput)
    refused(app, lambda: app.products.update("PL", lot_prefix=bad), InvalidInput)
    assert app.check().ok


def test_a_lot_takes_dates_as_dates_and_a_note_on_several_lines(shop: tuple) -> None:
    app, _ = shop
    for value in ("tomorrow", 10**30, 1.5):
        error = refused(app, lambda v=value: app.lots.create("PL", "N1", use_date=v), InvalidInput)
        assert error.details["field"] == "use date"
    noted = app.lots.create(
        "PL", "N1", note="line 1\nline 2", expiration_date=datetime(2030, 1, 1, tzinfo=UTC)
    )
    assert (noted.note, noted.expiration_date) == ("line 1\nline 2", datetime(2030, 1, 1))


@pytest.mark.parametrize("bad", [NUL, SURROGATE])
def test_partners_labels_and_exports_check_their_lookups_and_periods(shop: tuple, bad: str) -> None:
    app, _ = shop
    refused(app, lambda: app.partners.get(bad), UnknownPartner)
    refused(app, lambda: app.labels.lots_of_order("FS", bad), UnknownOperation)
    refused(app, lambda: app.exports.fsma204(start=bad), InvalidInput)  # type: ignore[arg-type]
    refused(app, lambda: app.exports.epcis(end=10**30), InvalidInput)  # type: ignore[arg-type]
    refused(app, lambda: app.exports.fsma204(products="FS"), InvalidInput)  # type: ignore[arg-type]
    refused(app, lambda: app.exports.epcis(identifiers=10**5000), InvalidInput)  # type: ignore[arg-type]
    refused(app, lambda: app.exports.set_company_prefix_length(10**5000), InvalidInput)
    refused(app, lambda: app.labels.render("PL", ["L1"], format=10**5000), InvalidInput)  # type: ignore[arg-type]
