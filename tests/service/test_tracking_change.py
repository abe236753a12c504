"""Seed 000: switching a product to lot or serial tracking with stock on hand, and the repair."""

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from lotline.app import Lotline
from lotline.errors import (
    InvalidInput,
    InvalidQuantity,
    InvalidState,
    MissingLot,
    SerialAlreadyInStock,
    UnknownLocation,
    UnknownProduct,
)
from lotline.models import Quant
from lotline.store.schema import lots, move_lines, operations
from tests.conftest import StatementCounter
from tests.support import move

ADJUSTMENT = "Virtual Locations/Inventory adjustment"
BACKROOM = "WH/Backroom"
WARNING = (
    "You have product(s) in stock that have no lot/serial number. You can assign "
    "lot/serial numbers by doing an inventory adjustment."
)


@pytest.fixture
def untracked(app: Lotline) -> Lotline:
    """PAINT (to become lot-tracked) and LAMP (to become serial-tracked) stocked without lots."""
    app.locations.create(BACKROOM)
    app.products.create("PAINT", "Paint 5 l")
    app.products.create("LAMP", "Desk lamp")
    app.adjustments.set_quantity("PAINT", "WH/Stock", "12.5")
    app.adjustments.set_quantity("PAINT", BACKROOM, 4)
    app.adjustments.set_quantity("LAMP", "WH/Stock", 3)
    app.adjustments.set_quantity("LAMP", BACKROOM, 2)
    return app


def snapshot(app: Lotline) -> tuple[Any, ...]:
    """Everything a refused call must leave as it was."""
    with app.db.transaction() as conn:
        lines = conn.execute(select(func.count()).select_from(move_lines)).scalar_one()
        documents = conn.execute(select(func.count()).select_from(operations)).scalar_one()
        lot_names = sorted(conn.execute(select(lots.c.name)).scalars())
    products = [(p.code, p.tracking) for p in app.products.list()]
    return app.stock.quants(), lines, documents, lot_names, products


def where(app: Lotline, product: str) -> list[tuple[str, str | None, Decimal]]:
    return [(q.location, q.lot, q.quantity) for q in app.stock.quants(product=product)]


# --- the warning and the list of stock to repair ------------------------------------


def test_switching_to_lots_with_stock_on_hand_warns_and_says_where(untracked: Lotline) -> None:
    warnings = untracked.products.set_tracking("PAINT", "lot")
    assert warnings == [WARNING, "WH/Backroom: 4 Units", "WH/Stock: 12.5 Units"]
    assert untracked.products.get("PAINT").tracking == "lot"
    assert untracked.stock.on_hand("PAINT") == Decimal("16.5")
    assert untracked.check().ok


def test_switching_to_serials_with_stock_on_hand_warns_too(untracked: Lotline) -> None:
    warnings = untracked.products.set_tracking("LAMP", "serial")
    assert warnings == [WARNING, "WH/Backroom: 2 Units", "WH/Stock: 3 Units"]


def test_switching_without_stock_or_to_the_same_tracking_has_no_warning(app: Lotline) -> None:
    app.products.create("PEN", "Pen")
    assert app.products.set_tracking("PEN", "lot") == []
    assert app.products.set_tracking("PEN", "lot") == []


def test_untracked_lists_tracked_products_stock_without_a_lot(untracked: Lotline) -> None:
    assert untracked.stock.untracked() == []
    untracked.products.set_tracking("PAINT", "lot")
    untracked.products.set_tracking("LAMP", "serial")
    untracked.adjustments.set_quantity("PAINT", "WH/Stock", 3, lot="P-1")
    assert [(q.product, q.location, q.lot, q.quantity) for q in untracked.stock.untracked()] == [
        ("LAMP", BACKROOM, None, 2),
        ("LAMP", "WH/Stock", None, 3),
        ("PAINT", BACKROOM, None, 4),
        ("PAINT", "WH/Stock", None, Decimal("12.5")),
    ]
    assert all(isinstance(q, Quant) for q in untracked.stock.untracked())
    assert [q.location for q in untracked.stock.untracked("PAINT")] == [BACKROOM, "WH/Stock"]


def test_switching_back_to_none_with_lots_on_hand_warns(untracked: Lotline) -> None:
    untracked.products.set_tracking("PAINT", "lot")
    untracked.adjustments.assign_lots("PAINT", "WH/Stock", {"P-1": 10, "P-2": "2.5"})
    warnings = untracked.products.set_tracking("PAINT", "none")
    assert warnings[0].startswith("You have product(s) in stock that still have a lot/serial")
    assert warnings[1:] == ["WH/Stock: 12.5 Units in 2 lot/serial numbers"]
    assert untracked.stock.untracked() == []
    untracked.adjustments.set_quantity("PAINT", "WH/Stock", 0, lot="P-1")
    with pytest.raises(InvalidInput, match=r"PAINT is no longer tracked: lot P-2"):
        untracked.adjustments.set_quantity("PAINT", "WH/Stock", 3, lot="P-2")
    assert untracked.stock.on_hand("PAINT", "WH/Stock") == Decimal("2.5")
    assert untracked.check().ok


# --- seed 000 by hand: two inventory adjustments ------------------------------------------


def test_seed_by_hand_zero_everywhere_switch_to_lots_then_restore_from_history(
    untracked: Lotline,
) -> None:
    for location in ("WH/Stock", BACKROOM):
        untracked.adjustments.set_quantity("PAINT", location, 0)
        assert untracked.check().ok
    assert untracked.stock.on_hand("PAINT") == 0
    assert untracked.products.set_tracking("PAINT", "lot") == []
    untracked.adjustments.set_quantity("PAINT", "WH/Stock", "12.5", lot="PAINT-001")
    untracked.adjustments.set_quantity("PAINT", BACKROOM, 4, lot="PAINT-002")
    assert untracked.check().ok
    assert where(untracked, "PAINT") == [
        (BACKROOM, "PAINT-002", 4),
        ("WH/Stock", "PAINT-001", Decimal("12.5")),
    ]
    zeroing = [
        line
        for line in untracked.adjustments.history("PAINT", location="WH/Stock")
        if line.lot is None and line.destination == ADJUSTMENT
    ]
    assert [(z.reference, z.quantity, z.source) for z in zeroing] == [
        ("Product Quantity Updated", Decimal("12.5"), "WH/Stock")
    ]


@pytest.mark.parametrize(
    ("product", "tracking", "restock"),
    [
        ("PAINT", "lot", {"WH/Stock": {"P-A": "12.5"}, BACKROOM: {"P-B": 4}}),
        ("LAMP", "serial", {"WH/Stock": {"L1": 1, "L2": 1, "L3": 1}, BACKROOM: {"L4": 1, "L5": 1}}),
    ],
)
def test_seed_by_hand_after_switching_the_untracked_quantity_is_set_to_zero_then_lots_added(
    untracked: Lotline, product: str, tracking: str, restock: dict[str, dict[str, Any]]
) -> None:
    total = untracked.stock.on_hand(product)
    assert untracked.products.set_tracking(product, tracking)[0] == WARNING
    for location in ("WH/Stock", BACKROOM):
        zeroed = untracked.adjustments.set_quantity(product, location, 0)
        assert zeroed is not None and zeroed.reference == "Product Quantity Updated"
        assert untracked.check().ok
    assert untracked.stock.untracked(product) == []
    for location, lots_at in restock.items():
        for name, quantity in lots_at.items():
            untracked.adjustments.set_quantity(product, location, quantity, lot=name)
        assert untracked.check().ok
    assert untracked.stock.on_hand(product) == total
    assert untracked.stock.on_hand(product, BACKROOM) == sum(
        Decimal(q) for q in restock[BACKROOM].values()
    )
    history = untracked.adjustments.history(product, location=BACKROOM)
    [zeroing] = [line for line in history if line.lot is None and line.source == BACKROOM]
    assert zeroing.quantity == untracked.stock.on_hand(product, BACKROOM)


# --- seed 000 in one call: assign_lots ---------------------------------------------------------


def test_assign_lots_gives_lots_to_untracked_stock_in_one_adjustment(untracked: Lotline) -> None:
    untracked.products.set_tracking("PAINT", "lot")
    first = untracked.adjustments.assign_lots("PAINT", "WH/Stock", {"P-1": 10, "P-2": "2.5"})
    assert untracked.check().ok
    second = untracked.adjustments.assign_lots("PAINT", BACKROOM, {"P-2": 4})
    assert untracked.check().ok
    assert (first.kind, first.state, first.reference) == (
        "adjustment",
        "done",
        "Product Quantity Updated",
    )
    assert untracked.stock.on_hand("PAINT") == Decimal("16.5")
    assert untracked.stock.untracked() == []
    assert where(untracked, "PAINT") == [
        (BACKROOM, "P-2", 4),
        ("WH/Stock", "P-1", 10),
        ("WH/Stock", "P-2", Decimal("2.5")),
    ]
    history = untracked.adjustments.history("PAINT")
    assert {line.operation for line in history[:2]} == {second.name}
    [zeroing] = [line for line in history if line.operation == first.name and line.lot is None]
    assert (zeroing.source, zeroing.destination, zeroing.quantity) == (
        "WH/Stock",
        ADJUSTMENT,
        Decimal("12.5"),
    )


def test_assign_lots_takes_one_serial_per_unit(untracked: Lotline) -> None:
    untracked.products.set_tracking("LAMP", "serial")
    untracked.adjustments.assign_lots("LAMP", "WH/Stock", ["LMP-1", "LMP-2", "LMP-3"])
    assert untracked.check().ok
    untracked.adjustments.assign_lots("LAMP", BACKROOM, first="LMP-0004", count=2)
    assert untracked.check().ok
    assert where(untracked, "LAMP") == [
        (BACKROOM, "LMP-0004", 1),
        (BACKROOM, "LMP-0005", 1),
        ("WH/Stock", "LMP-1", 1),
        ("WH/Stock", "LMP-2", 1),
        ("WH/Stock", "LMP-3", 1),
    ]
    [zeroing] = [
        line
        for line in untracked.adjustments.history("LAMP", location=BACKROOM)
        if line.lot is None and line.source == BACKROOM
    ]
    assert (zeroing.quantity, zeroing.source) == (2, BACKROOM)


def test_assign_lots_of_thousands_of_serials_posts_in_bulk(app: Lotline) -> None:
    app.products.create("TAG", "Tag")
    app.adjustments.set_quantity("TAG", "WH/Stock", 2000)
    app.products.set_tracking("TAG", "serial")
    with StatementCounter(app.db.engine) as counter:
        app.adjustments.assign_lots("TAG", "WH/Stock", [f"T{i:05d}" for i in range(2000)])
    assert counter.count(lambda s: s.startswith("INSERT INTO move_lines")) == 1
    assert counter.count(lambda s: s.startswith("INSERT INTO lots")) == 1
    assert counter.count() < 30
    assert app.stock.on_hand("TAG") == 2000
    assert app.check().ok


# --- refusals ------------------------------------------------------------------------------


def test_assign_lots_refuses_a_total_other_than_the_untracked_quantity(untracked: Lotline) -> None:
    untracked.products.set_tracking("PAINT", "lot")
    before = snapshot(untracked)
    with pytest.raises(
        InvalidQuantity, match=r"add up to 12, but 12.5 is on hand at WH/Stock"
    ) as caught:
        untracked.adjustments.assign_lots("PAINT", "WH/Stock", {"P-1": 10, "P-2": 2})
    assert caught.value.details == {
        "product": "PAINT",
        "location": "WH/Stock",
        "given": "12",
        "on_hand": "12.5",
    }
    with pytest.raises(InvalidQuantity, match=r"add up to 3, but 4 is on hand at WH/Backroom"):
        untracked.adjustments.assign_lots("PAINT", BACKROOM, {"P-1": 1, "P-2": 1, "P-3": 1})
    assert snapshot(untracked) == before


def test_assign_lots_reads_lots_as_transfers_do(untracked: Lotline) -> None:
    untracked.products.set_tracking("PAINT", "lot")
    before = snapshot(untracked)
    with pytest.raises(InvalidInput, match=r"PAINT is tracked by lot: give each lot with its"):
        untracked.adjustments.assign_lots("PAINT", BACKROOM, ["P-1", "P-2", "P-3", "P-4"])
    assert snapshot(untracked) == before


def test_assign_lots_refuses_a_serial_of_several_units_or_named_twice(untracked: Lotline) -> None:
    untracked.products.set_tracking("LAMP", "serial")
    before = snapshot(untracked)
    with pytest.raises(InvalidQuantity, match=r"serial L1 is one unit, not 2"):
        untracked.adjustments.assign_lots("LAMP", BACKROOM, {"L1": 2})
    with pytest.raises(InvalidInput, match=r"L1 of LAMP is given twice"):
        untracked.adjustments.assign_lots("LAMP", BACKROOM, ["L1", " L1"])
    assert snapshot(untracked) == before


def test_assign_lots_refuses_a_serial_already_on_hand(untracked: Lotline) -> None:
    untracked.products.set_tracking("LAMP", "serial")
    untracked.adjustments.assign_lots("LAMP", "WH/Stock", ["L1", "L2", "L3"])
    before = snapshot(untracked)
    with pytest.raises(SerialAlreadyInStock, match=r"L2 of product LAMP is already in stock"):
        untracked.adjustments.assign_lots("LAMP", BACKROOM, ["L2", "L4"])
    assert snapshot(untracked) == before


def test_assign_lots_refuses_bad_targets_and_changes_nothing(untracked: Lotline) -> None:
    untracked.products.set_tracking("LAMP", "serial")
    before = snapshot(untracked)
    with pytest.raises(UnknownProduct, match="'NOPE'"):
        untracked.adjustments.assign_lots("NOPE", "WH/Stock", ["L1"])
    with pytest.raises(UnknownLocation, match="'WH/Nowhere'"):
        untracked.adjustments.assign_lots("LAMP", "WH/Nowhere", ["L1"])
    with pytest.raises(InvalidInput, match="PAINT is not tracked"):
        untracked.adjustments.assign_lots("PAINT", "WH/Stock", {"P-1": "12.5"})
    with pytest.raises(InvalidInput, match="not an internal location"):
        untracked.adjustments.assign_lots("LAMP", ADJUSTMENT, ["L1"])
    with pytest.raises(InvalidInput, match="either the lots, or a first serial"):
        untracked.adjustments.assign_lots("LAMP", "WH/Stock", ["L1"], first="L1", count=3)
    with pytest.raises(InvalidInput, match="both the first serial number and the count"):
        untracked.adjustments.assign_lots("LAMP", "WH/Stock", first="L1")
    with pytest.raises(InvalidQuantity, match="count of serial numbers must be 1 or more"):
        untracked.adjustments.assign_lots("LAMP", "WH/Stock", first="L1", count=0)
    with pytest.raises(InvalidInput, match="a list of its serial numbers"):
        untracked.adjustments.assign_lots("LAMP", "WH/Stock", "L1")
    with pytest.raises(InvalidQuantity, match="greater than zero"):
        untracked.adjustments.assign_lots("LAMP", "WH/Stock", {"L1": 0})
    assert snapshot(untracked) == before


def test_assign_lots_where_nothing_is_untracked_is_refused(untracked: Lotline) -> None:
    untracked.products.set_tracking("PAINT", "lot")
    untracked.adjustments.assign_lots("PAINT", BACKROOM, {"P-1": 4})
    before = snapshot(untracked)
    with pytest.raises(InvalidState, match=r"no stock of PAINT without a lot.*WH/Backroom"):
        untracked.adjustments.assign_lots("PAINT", BACKROOM, {"P-1": 4})
    assert snapshot(untracked) == before


def test_untracked_stock_of_a_tracked_product_can_be_lowered_but_never_raised(
    untracked: Lotline,
) -> None:
    untracked.products.set_tracking("PAINT", "lot")
    untracked.adjustments.set_quantity("PAINT", "WH/Stock", 10)
    assert untracked.stock.on_hand("PAINT", "WH/Stock") == 10
    before = snapshot(untracked)
    with pytest.raises(MissingLot, match=r"10 on hand, 11 asked"):
        untracked.adjustments.set_quantity("PAINT", "WH/Stock", 11)
    assert snapshot(untracked) == before


def test_reverting_the_zeroing_after_the_switch_is_refused(untracked: Lotline) -> None:
    untracked.products.set_tracking("PAINT", "lot")
    zeroed = untracked.adjustments.set_quantity("PAINT", BACKROOM, 0)
    assert zeroed is not None
    before = snapshot(untracked)
    with pytest.raises(MissingLot, match=rf"Cannot revert {zeroed.name}.*4 of PAINT"):
        untracked.adjustments.revert(zeroed)
    assert snapshot(untracked) == before


def test_serial_tracking_is_refused_while_a_lot_holds_several_units(untracked: Lotline) -> None:
    untracked.products.set_tracking("PAINT", "lot")
    untracked.adjustments.assign_lots("PAINT", BACKROOM, {"P-1": 3, "P-2": 1})
    before = snapshot(untracked)
    with pytest.raises(InvalidState, match=r"lot P-1 holds 3 in WH/Backroom"):
        untracked.products.set_tracking("PAINT", "serial")
    assert snapshot(untracked) == before


def test_serial_tracking_is_refused_while_a_lot_is_in_two_places(untracked: Lotline) -> None:
    untracked.products.set_tracking("LAMP", "lot")
    untracked.adjustments.assign_lots("LAMP", BACKROOM, {"L-1": 1, "L-2": 1})
    untracked.adjustments.set_quantity("LAMP", "WH/Stock", 0)
    move(untracked, "LAMP", [("L-1", 1)], "Partners/Vendors", "WH/Stock")
    before = snapshot(untracked)
    with pytest.raises(InvalidState, match=r"lot L-1 holds 1 in WH/Backroom and 1 in WH/Stock"):
        untracked.products.set_tracking("LAMP", "serial")
    assert snapshot(untracked) == before


def test_tracking_is_refused_while_untracked_stock_is_negative(app: Lotline) -> None:
    app.products.create("NUT", "Nut")
    move(app, "NUT", [(None, 5)], "WH/Stock", "Partners/Customers", allow_negative=True)
    before = snapshot(app)
    with pytest.raises(InvalidState, match=r"WH/Stock holds -5 Units \(negative stock\)"):
        app.products.set_tracking("NUT", "lot")
    assert snapshot(app) == before
    app.adjustments.set_quantity("NUT", "WH/Stock", 0)
    assert app.products.set_tracking("NUT", "lot") == []
