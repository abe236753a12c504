"""Partners as records, our sites' descriptions, GS1 names and identifiers of lots."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, select, text

import lotline
from lotline.app import Lotline
from lotline.errors import (
    DuplicatePartner,
    InvalidIdentifier,
    InvalidInput,
    InvalidLotName,
    UnknownPartner,
)
from lotline.store import migrate
from lotline.store.schema import operations, partners


def test_a_partner_is_a_record_with_a_verified_gln_and_an_address(app: Lotline) -> None:
    made = app.partners.create(
        "Nordic Timber", gln="0614141123452", city="Oslo", country="NO", phone="+47 1234"
    )
    assert made.place.gln == "0614141123452" and made.place.city == "Oslo"
    assert app.partners.get("0614141123452").name == "Nordic Timber"
    updated = app.partners.update("Nordic Timber", address="Kai 1", postal_code="0150")
    assert (updated.place.address, updated.place.postal_code, updated.place.city) == (
        "Kai 1",
        "0150",
        "Oslo",
    )
    with pytest.raises(InvalidIdentifier, match="should end in 2"):
        app.partners.create("Other", gln="0614141123451")
    with pytest.raises(DuplicatePartner, match="already belongs to Nordic Timber"):
        app.partners.create("Other", gln="0614141123452")
    with pytest.raises(DuplicatePartner):
        app.partners.create("Nordic Timber")
    with pytest.raises(UnknownPartner):
        app.partners.get("Nobody")
    with pytest.raises(InvalidInput, match="Unknown address field"):
        app.partners.create("Other", fax="1")


def test_a_transfer_refers_to_its_partner_record_created_from_the_name(app: Lotline) -> None:
    app.products.create("W", "Wood", "lot")
    receipt = app.transfers.receipt(
        [{"product": "W", "quantity": 1, "lots": {"L1": 1}}], partner="Acme"
    )
    again = app.transfers.receipt(
        [{"product": "W", "quantity": 1, "lots": {"L2": 1}}], partner="Acme"
    )
    assert [p.name for p in app.partners.list()] == ["Acme"]
    acme = app.partners.get("Acme").id
    ids = app.db.run(
        lambda conn: set(
            conn.execute(
                select(operations.c.partner_id).where(operations.c.id.in_([receipt.id, again.id]))
            ).scalars()
        )
    )
    assert ids == {acme}


def test_our_sites_get_a_description_their_children_share(app: Lotline) -> None:
    app.locations.create("WH/Stock/Shelf 1")
    app.partners.describe_site("WH", gln="0614141000012", city="Springfield", state="IL")
    site = app.partners.site("WH/Stock/Shelf 1")
    assert (site.place.gln, site.place.city) == ("0614141000012", "Springfield")
    with pytest.raises(DuplicatePartner):
        app.partners.create("Copy", gln="0614141000012")
    assert app.partners.site("Partners/Vendors").place.gln is None


def test_an_older_database_gets_a_partner_per_distinct_name(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/old.db"
    engine = create_engine(url)
    with engine.begin() as conn:
        command.upgrade(migrate.config(conn), "0002")
        conn.execute(
            text(
                "INSERT INTO locations (id, full_name, name, usage, parent_path, active) "
                "VALUES (1, 'A', 'A', 'internal', '1/', 1), (2, 'B', 'B', 'supplier', '2/', 1)"
            )
        )
        now = datetime(2026, 1, 1, tzinfo=UTC).replace(tzinfo=None)
        for number, partner in enumerate(["Acme", "Beta", "Acme", None], start=1):
            conn.execute(
                text(
                    "INSERT INTO operations (name, kind, state, source_id, destination_id, "
                    "partner, created_at, user_name) VALUES (:n, 'receipt', 'done', 2, 1, :p, "
                    ":at, 'u')"
                ),
                {"n": f"WH/IN/{number:05}", "p": partner, "at": now},
            )
    engine.dispose()
    with lotline.open(url) as app:
        assert [p.name for p in app.partners.list()] == ["Acme", "Beta"]
        rows = app.db.run(
            lambda conn: conn.execute(
                select(operations.c.name, partners.c.name)
                .outerjoin(partners, partners.c.id == operations.c.partner_id)
                .order_by(operations.c.name)
            ).all()
        )
    assert [tuple(r) for r in rows] == [
        ("WH/IN/00001", "Acme"),
        ("WH/IN/00002", "Beta"),
        ("WH/IN/00003", "Acme"),
        ("WH/IN/00004", None),
    ]


def test_lots_of_a_product_with_a_gtin_must_fit_a_gs1_barcode(app: Lotline) -> None:
    app.products.create("G", "With GTIN", "lot", gtin="9506000134352")
    app.products.create("F", "Free names", "lot")
    app.lots.create("F", "Lot #1 ümlaut")
    with pytest.raises(InvalidLotName, match="'#' at character 4"):
        app.lots.create("G", "Lot#1")
    receipt = app.transfers.receipt([{"product": "G", "quantity": 1, "lots": {"L" * 21: 1}}])
    with pytest.raises(InvalidLotName, match="at most 20"):
        app.transfers.validate(receipt)
    assert app.lots.create("G", "AB/12").name == "AB/12"


def test_digital_link_and_epc_of_a_lot_and_a_serial(app: Lotline) -> None:
    app.products.create("G", "Lot item", "lot", gtin="9506000134352")
    app.products.create("S", "Serial item", "serial", gtin="80614141123458")
    app.products.create("N", "No GTIN", "lot")
    app.lots.create("G", "AB/12")
    app.lots.create("S", "6789AB")
    app.lots.create("N", "X1")
    assert app.lots.digital_link("G", "AB/12") == "https://id.gs1.org/01/09506000134352/10/AB%2F12"
    assert app.lots.digital_link("S", "6789AB") == "https://id.gs1.org/01/80614141123458/21/6789AB"
    assert app.lots.epc("S", "6789AB", 7) == "urn:epc:id:sgtin:0614141.812345.6789AB"
    with pytest.raises(InvalidInput, match="company prefix"):
        app.lots.epc("G", "AB/12")
    app.exports.set_company_prefix_length(7)
    assert app.lots.epc("G", "AB/12") == "urn:epc:class:lgtin:9506000.013435.AB%2F12"
    with pytest.raises(InvalidInput, match="has no GTIN"):
        app.lots.digital_link("N", "X1")
    lot = app.lots.set_tlc_source_reference("G", "AB/12", "FEI 1234567")
    assert lot.tlc_source_reference == "FEI 1234567"
