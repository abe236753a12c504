from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select, update

from lotline.app import Lotline
from lotline.errors import (
    InsufficientStock,
    InvalidInput,
    InvalidQuantity,
    InvalidState,
    MissingLot,
    OutdatedCount,
    SerialAlreadyInStock,
    UnknownCount,
    UnknownLocation,
    UnknownLot,
    UnknownOperation,
    UnknownProduct,
)
from lotline.store.schema import lots, move_lines, operations
from tests.conftest import StatementCounter
from tests.support import move, post_lots, receive

ADJUSTMENT = "Virtual Locations/Inventory adjustment"


@pytest.fixture
def stocked(app: Lotline) -> Lotline:
    app.products.create("CHAIR", "Chair", "serial")
    app.products.create("WOOD", "Wood", "lot")
    app.products.create("SCREW", "Screw", "none")
    app.locations.create("WH/Stock/Shelf 1")
    return app


def snapshot(app: Lotline) -> tuple[Any, ...]:
    """Everything a refused call must leave as it was."""
    with app.db.transaction() as conn:
        lines = conn.execute(select(func.count()).select_from(move_lines)).scalar_one()
        documents = conn.execute(select(func.count()).select_from(operations)).scalar_one()
        lot_names = sorted(conn.execute(select(lots.c.name)).scalars())
    return app.stock.quants(), app.adjustments.pending(), lines, documents, lot_names


# --- Update Quantity ---------------------------------------------------------------


def test_set_quantity_posts_the_difference_as_one_done_adjustment(stocked: Lotline) -> None:
    first = stocked.adjustments.set_quantity("SCREW", "WH/Stock", 100)
    assert first is not None
    assert (first.kind, first.state, first.reference) == (
        "adjustment",
        "done",
        "Product Quantity Updated",
    )
    assert (first.source, first.destination) == (ADJUSTMENT, "WH/Stock")
    second = stocked.adjustments.set_quantity("SCREW", "WH/Stock", "62.5")
    assert second is not None and (second.source, second.destination) == ("WH/Stock", ADJUSTMENT)
    assert stocked.stock.on_hand("SCREW") == Decimal("62.5")
    [taken, added] = stocked.adjustments.history("SCREW")
    assert (taken.quantity, taken.source, taken.destination) == (
        Decimal("37.5"),
        "WH/Stock",
        ADJUSTMENT,
    )
    assert (added.quantity, added.operation, added.user) == (100, first.name, "tester")
    assert stocked.check().ok


def test_setting_the_quantity_already_on_hand_posts_nothing(stocked: Lotline) -> None:
    stocked.adjustments.set_quantity("WOOD", "WH/Stock", 4, lot="W-1")
    before = snapshot(stocked)
    assert stocked.adjustments.set_quantity("WOOD", "WH/Stock", "4.000", lot="W-1") is None
    assert stocked.adjustments.set_quantity("SCREW", "WH/Stock", 0) is None
    assert stocked.adjustments.set_quantity("WOOD", "WH/Stock", 0, lot="W-NEVER") is None
    assert snapshot(stocked) == before


def test_a_reason_replaces_the_default_reference(stocked: Lotline) -> None:
    done = stocked.adjustments.set_quantity("SCREW", "WH/Stock", 3, reason="Found behind rack")
    assert done is not None and done.reference == "Found behind rack"
    assert stocked.adjustments.history("SCREW")[0].reference == "Found behind rack"


def test_a_new_lot_name_is_created_like_the_new_line_of_update_quantity(
    stocked: Lotline,
) -> None:
    stocked.adjustments.set_quantity("WOOD", "WH/Stock/Shelf 1", "7.25", lot="  W-NEW ")
    assert stocked.lots.get("WOOD", "W-NEW").product == "WOOD"
    assert stocked.stock.on_hand("WOOD", "WH/Stock/Shelf 1", lot="W-NEW") == Decimal("7.25")
    assert stocked.check().ok


def test_a_serial_is_set_to_one_and_back_to_zero(stocked: Lotline) -> None:
    stocked.adjustments.set_quantity("CHAIR", "WH/Stock", 1, lot="SN1")
    assert stocked.stock.on_hand("CHAIR", lot="SN1") == 1
    stocked.adjustments.set_quantity("CHAIR", "WH/Stock", 0, lot="SN1")
    assert stocked.stock.on_hand("CHAIR") == 0
    assert stocked.check().ok


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        (-1, "cannot be negative"),
        ("-0.5", "cannot be negative"),
        (1.5, "float"),
        ("lots", "not a number"),
        ("1.0000001", "decimal places"),
        ("NaN", "finite"),
        (True, "bool"),
    ],
)
def test_bad_quantities_are_refused_and_nothing_changes(
    stocked: Lotline, quantity: Any, message: str
) -> None:
    stocked.adjustments.set_quantity("WOOD", "WH/Stock", 5, lot="W-1")
    before = snapshot(stocked)
    with pytest.raises(InvalidQuantity, match=message):
        stocked.adjustments.set_quantity("WOOD", "WH/Stock", quantity, lot="W-1")
    with pytest.raises(InvalidQuantity, match=message):
        stocked.adjustments.count("WOOD", "WH/Stock", quantity, lot="W-1")
    assert snapshot(stocked) == before


def test_a_serial_cannot_be_set_or_counted_to_two(stocked: Lotline) -> None:
    before = snapshot(stocked)
    with pytest.raises(InvalidQuantity, match=r"SN1 of CHAIR is one unit.*not 2"):
        stocked.adjustments.set_quantity("CHAIR", "WH/Stock", 2, lot="SN1")
    with pytest.raises(InvalidQuantity, match=r"SN1 of CHAIR is one unit.*not 2"):
        stocked.adjustments.count("CHAIR", "WH/Stock", 2, lot="SN1")
    assert snapshot(stocked) == before


def test_a_serial_on_hand_elsewhere_cannot_be_added_again(stocked: Lotline) -> None:
    stocked.adjustments.set_quantity("CHAIR", "WH/Stock", 1, lot="SN1")
    before = snapshot(stocked)
    with pytest.raises(SerialAlreadyInStock, match=r"SN1.*already in stock at WH/Stock"):
        stocked.adjustments.set_quantity("CHAIR", "WH/Stock/Shelf 1", 1, lot="SN1")
    assert snapshot(stocked) == before


def test_unknown_product_location_and_virtual_location_are_refused(stocked: Lotline) -> None:
    before = snapshot(stocked)
    with pytest.raises(UnknownProduct, match="'NOPE'"):
        stocked.adjustments.set_quantity("NOPE", "WH/Stock", 1)
    with pytest.raises(UnknownLocation, match="'WH/Nowhere'"):
        stocked.adjustments.set_quantity("SCREW", "WH/Nowhere", 1)
    with pytest.raises(InvalidInput, match="Partners/Vendors is not an internal location"):
        stocked.adjustments.set_quantity("SCREW", "Partners/Vendors", 1)
    with pytest.raises(UnknownLocation, match="'WH/Nowhere'"):
        stocked.adjustments.count("SCREW", "WH/Nowhere", 1)
    assert snapshot(stocked) == before


def test_a_lot_for_an_untracked_product_is_refused(stocked: Lotline) -> None:
    before = snapshot(stocked)
    with pytest.raises(InvalidInput, match="SCREW is not tracked"):
        stocked.adjustments.set_quantity("SCREW", "WH/Stock", 5, lot="L-1")
    assert snapshot(stocked) == before


def test_a_tracked_product_cannot_gain_stock_without_a_lot(stocked: Lotline) -> None:
    before = snapshot(stocked)
    with pytest.raises(MissingLot, match=r"WOOD is tracked by lot.*0 on hand, 5 asked"):
        stocked.adjustments.set_quantity("WOOD", "WH/Stock", 5)
    with pytest.raises(MissingLot, match="WOOD is tracked by lot"):
        stocked.adjustments.count("WOOD", "WH/Stock", 5)
    assert snapshot(stocked) == before


# --- counts ---------------------------------------------------------------------------


def test_a_count_records_the_quantity_without_moving_stock(stocked: Lotline) -> None:
    stocked.adjustments.set_quantity("WOOD", "WH/Stock", 10, lot="W-1")
    counted = stocked.adjustments.count("WOOD", "WH/Stock", 8, lot="W-1")
    assert (counted.counted, counted.on_hand, counted.difference) == (8, 10, -2)
    assert stocked.stock.on_hand("WOOD") == 10
    [pending] = stocked.adjustments.pending()
    assert (pending.product, pending.location, pending.lot, pending.user) == (
        "WOOD",
        "WH/Stock",
        "W-1",
        "tester",
    )
    assert (pending.counted, pending.on_hand, pending.difference, pending.outdated) == (
        8,
        10,
        -2,
        False,
    )


def test_counting_again_replaces_the_earlier_count(stocked: Lotline) -> None:
    stocked.adjustments.count("SCREW", "WH/Stock", 8)
    stocked.adjustments.count("SCREW", "WH/Stock", 9)
    assert [c.counted for c in stocked.adjustments.pending()] == [9]


def test_applying_counts_is_one_adjustment_with_bulk_postings(stocked: Lotline) -> None:
    stocked.adjustments.set_quantity("WOOD", "WH/Stock", 10, lot="W-1")
    stocked.adjustments.set_quantity("CHAIR", "WH/Stock", 1, lot="SN1")
    stocked.adjustments.count("WOOD", "WH/Stock", 7, lot="W-1")
    stocked.adjustments.count("WOOD", "WH/Stock/Shelf 1", 3, lot="W-2")
    stocked.adjustments.count("CHAIR", "WH/Stock", 0, lot="SN1")
    stocked.adjustments.count("CHAIR", "WH/Stock/Shelf 1", 1, lot="SN2")
    stocked.adjustments.count("SCREW", "WH/Stock/Shelf 1", 40)
    with StatementCounter(stocked.db.engine) as counter:
        done = stocked.adjustments.apply()
    assert counter.count(lambda s: s.startswith("INSERT INTO move_lines")) == 1
    assert done is not None and (done.reference, done.kind) == ("Quantity Updated", "adjustment")
    assert stocked.adjustments.pending() == []
    assert stocked.stock.on_hand("WOOD", "WH/Stock", lot="W-1") == 7
    assert stocked.stock.on_hand("WOOD", "WH/Stock/Shelf 1", lot="W-2") == 3
    assert [(q.location, q.lot) for q in stocked.stock.quants(product="CHAIR")] == [
        ("WH/Stock/Shelf 1", "SN2")
    ]
    assert stocked.stock.on_hand("SCREW") == 40
    assert {line.operation for line in stocked.adjustments.history("WOOD")[:2]} == {done.name}
    assert stocked.check().ok


def test_a_serial_counted_in_a_new_place_moves_there_in_one_apply(stocked: Lotline) -> None:
    stocked.adjustments.set_quantity("CHAIR", "WH/Stock", 1, lot="SN1")
    stocked.adjustments.count("CHAIR", "WH/Stock/Shelf 1", 1, lot="SN1")
    stocked.adjustments.count("CHAIR", "WH/Stock", 0, lot="SN1")
    stocked.adjustments.apply()
    assert [q.location for q in stocked.stock.quants(product="CHAIR")] == ["WH/Stock/Shelf 1"]
    assert stocked.check().ok


def test_a_serial_counted_twice_is_refused_at_apply_and_nothing_changes(
    stocked: Lotline,
) -> None:
    stocked.adjustments.set_quantity("CHAIR", "WH/Stock", 1, lot="SN1")
    stocked.adjustments.count("CHAIR", "WH/Stock/Shelf 1", 1, lot="SN1")
    before = snapshot(stocked)
    with pytest.raises(SerialAlreadyInStock, match="SN1"):
        stocked.adjustments.apply()
    assert snapshot(stocked) == before


def test_apply_with_chosen_counts_keeps_the_others(stocked: Lotline) -> None:
    stocked.adjustments.count("SCREW", "WH/Stock", 5)
    stocked.adjustments.count("SCREW", "WH/Stock/Shelf 1", 6)
    chosen = [c for c in stocked.adjustments.pending() if c.location == "WH/Stock"]
    done = stocked.adjustments.apply(chosen, reason="Cycle count A")
    assert done is not None and done.reference == "Cycle count A"
    assert [c.location for c in stocked.adjustments.pending()] == ["WH/Stock/Shelf 1"]
    assert stocked.stock.on_hand("SCREW") == 5
    with pytest.raises(UnknownCount, match="SCREW at WH/Stock"):
        stocked.adjustments.apply(chosen)


def test_counts_equal_to_on_hand_are_dropped_without_a_document(stocked: Lotline) -> None:
    stocked.adjustments.set_quantity("SCREW", "WH/Stock", 5)
    stocked.adjustments.count("SCREW", "WH/Stock", 5)
    lines = len(stocked.adjustments.history("SCREW"))
    assert stocked.adjustments.apply() is None
    assert stocked.adjustments.pending() == []
    assert len(stocked.adjustments.history("SCREW")) == lines


def test_an_outdated_count_is_refused_naming_the_quant_and_both_quantities(
    stocked: Lotline,
) -> None:
    stocked.adjustments.set_quantity("WOOD", "WH/Stock", 10, lot="W-1")
    stocked.adjustments.count("WOOD", "WH/Stock", 9, lot="W-1")
    move(stocked, "WOOD", [("W-1", 4)], "WH/Stock", "Partners/Customers")
    [count] = stocked.adjustments.pending()
    assert count.outdated and (count.on_hand, count.on_hand_at_count) == (6, 10)
    before = snapshot(stocked)
    with pytest.raises(
        OutdatedCount, match=r"WOOD lot W-1 at WH/Stock: 10 on hand when counted, 6 now"
    ):
        stocked.adjustments.apply()
    assert snapshot(stocked) == before
    stocked.adjustments.apply(force=True)
    assert stocked.stock.on_hand("WOOD") == 9
    assert stocked.check().ok


def test_set_copies_on_hand_into_counts_and_clear_drops_them(stocked: Lotline) -> None:
    stocked.adjustments.set_quantity("WOOD", "WH/Stock", 10, lot="W-1")
    stocked.adjustments.set_quantity("WOOD", "WH/Stock/Shelf 1", 2, lot="W-2")
    stocked.adjustments.set_quantity("SCREW", "WH/Stock", 50)
    stocked.adjustments.count("SCREW", "WH/Stock", 45)
    assert stocked.adjustments.set_counts(location="WH/Stock/Shelf 1") == 1
    assert stocked.adjustments.set_counts() == 1
    pending = {(c.product, c.location, c.lot): c.counted for c in stocked.adjustments.pending()}
    assert pending == {
        ("SCREW", "WH/Stock", None): 45,
        ("WOOD", "WH/Stock", "W-1"): 10,
        ("WOOD", "WH/Stock/Shelf 1", "W-2"): 2,
    }
    quants = stocked.stock.quants()
    assert stocked.adjustments.clear(product="WOOD") == 2
    assert stocked.adjustments.clear() == 1
    assert stocked.adjustments.pending() == []
    assert stocked.stock.quants() == quants


# --- revert ---------------------------------------------------------------------------


def test_revert_posts_the_opposite_and_keeps_the_original_in_history(stocked: Lotline) -> None:
    stocked.adjustments.set_quantity("WOOD", "WH/Stock", 10, lot="W-1")
    done = stocked.adjustments.set_quantity("WOOD", "WH/Stock", 4, lot="W-1")
    assert done is not None
    reverted = stocked.adjustments.revert(done.name)
    assert reverted.reference == "Product Quantity Updated [reverted]"
    assert reverted.origin == done.name
    assert stocked.stock.on_hand("WOOD") == 10
    newest, original, _ = stocked.adjustments.history("WOOD")
    assert (newest.operation, newest.source, newest.quantity) == (reverted.name, ADJUSTMENT, 6)
    assert (original.operation, original.destination) == (done.name, ADJUSTMENT)
    assert stocked.check().ok


def test_reverting_twice_or_a_non_adjustment_is_refused(stocked: Lotline) -> None:
    done = stocked.adjustments.set_quantity("SCREW", "WH/Stock", 3)
    assert done is not None
    reverted = stocked.adjustments.revert(done)
    receipt = stocked.db.run(lambda conn: post_lots(conn, "SCREW", [(None, 2)]))
    receipt_name = stocked.db.run(
        lambda conn: conn.execute(
            select(operations.c.name).where(operations.c.id == receipt)
        ).scalar_one()
    )
    before = snapshot(stocked)
    with pytest.raises(InvalidState, match=f"{done.name} was already reverted by {reverted.name}"):
        stocked.adjustments.revert(done.name)
    with pytest.raises(InvalidState, match="not an inventory adjustment"):
        stocked.adjustments.revert(receipt_name)
    with pytest.raises(UnknownOperation, match="INV/99999"):
        stocked.adjustments.revert("INV/99999")
    assert snapshot(stocked) == before


def test_only_a_done_adjustment_is_reverted_and_the_refusal_names_it(stocked: Lotline) -> None:
    done = stocked.adjustments.set_quantity("SCREW", "WH/Stock", 3)
    assert done is not None
    with stocked.db.transaction() as conn:
        conn.execute(update(operations).where(operations.c.id == done.id).values(state="cancelled"))
    before = snapshot(stocked)
    with pytest.raises(InvalidState, match=f"Cannot revert {done.name}: it is cancelled") as caught:
        stocked.adjustments.revert(done)
    assert caught.value.details["document"] == done.name
    assert caught.value.details["state"] == "cancelled"
    assert snapshot(stocked) == before


def test_a_revert_that_needs_stock_already_gone_is_refused(stocked: Lotline) -> None:
    done = stocked.adjustments.set_quantity("WOOD", "WH/Stock", 5, lot="W-1")
    assert done is not None
    move(stocked, "WOOD", [("W-1", 3)], "WH/Stock", "Partners/Customers")
    before = snapshot(stocked)
    with pytest.raises(InsufficientStock, match=r"W-1.*2 on hand, 5 needed"):
        stocked.adjustments.revert(done)
    assert snapshot(stocked) == before


# --- history --------------------------------------------------------------------------


def test_history_is_newest_first_and_filters_by_lot_and_location_subtree(
    stocked: Lotline,
) -> None:
    stocked.adjustments.set_quantity("WOOD", "WH/Stock", 10, lot="W-1")
    stocked.adjustments.set_quantity("WOOD", "WH/Stock/Shelf 1", 3, lot="W-2")
    receive(stocked, "WOOD", [("W-1", 2)])
    every = stocked.adjustments.history("WOOD")
    assert [(line.lot, line.quantity) for line in every] == [("W-1", 2), ("W-2", 3), ("W-1", 10)]
    assert [line.date for line in every] == sorted((line.date for line in every), reverse=True)
    assert [line.quantity for line in stocked.adjustments.history("WOOD", lot="W-2")] == [3]
    shelf = stocked.adjustments.history("WOOD", location="WH/Stock/Shelf 1")
    assert [line.lot for line in shelf] == ["W-2"]
    assert len(stocked.adjustments.history("WOOD", location="WH")) == 3
    vendors = stocked.adjustments.history("WOOD", location="Partners/Vendors")
    assert [line.reference for line in vendors] == [every[0].operation]
    with pytest.raises(UnknownLot, match="W-9"):
        stocked.adjustments.history("WOOD", lot="W-9")


def test_history_reads_its_lines_with_one_query(stocked: Lotline) -> None:
    for quantity in range(1, 30):
        stocked.adjustments.set_quantity("SCREW", "WH/Stock", quantity)
    with StatementCounter(stocked.db.engine) as counter:
        lines = stocked.adjustments.history("SCREW", location="WH/Stock")
    assert len(lines) == 29
    assert counter.count(lambda s: s.startswith("SELECT")) <= 4
