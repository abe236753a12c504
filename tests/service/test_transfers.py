"""Receipts, deliveries and internal transfers with lots and serial numbers."""

from collections.abc import Callable, Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

import lotline
from lotline.app import Lotline
from lotline.errors import (
    Conflict,
    InsufficientStock,
    InvalidInput,
    InvalidQuantity,
    InvalidState,
    MissingLot,
    SerialAlreadyInStock,
)
from lotline.models import Operation
from lotline.store.schema import move_details, move_lines, operations, quants
from tests.support import race, receive


@pytest.fixture
def wh(app: Lotline) -> Iterator[Lotline]:
    app.products.create("CHAIR", "Chair", "serial")
    app.products.create("WOOD", "Wood", "lot")
    app.products.create("SCREW", "Screw", "none")
    app.locations.create("WH/Stock/Shelf 1")
    yield app
    assert app.check().ok


def ledger_size(app: Lotline) -> tuple[int, int, int]:
    with app.db.transaction() as conn:
        return (
            conn.execute(select(func.count()).select_from(move_lines)).scalar_one(),
            conn.execute(select(func.sum(quants.c.quantity))).scalar_one() or 0,
            conn.execute(select(func.sum(quants.c.reserved_quantity))).scalar_one() or 0,
        )


def stock(app: Lotline, product: str, location: str | None = None) -> dict[str | None, Decimal]:
    return {
        q.lot: q.quantity
        for q in app.stock.quants(product=product, location=location)
        if q.quantity
    }


def reserved(app: Lotline, product: str) -> dict[str | None, Decimal]:
    return {
        q.lot: q.reserved_quantity for q in app.stock.quants(product=product) if q.reserved_quantity
    }


def lines(op: Operation) -> list[tuple[str, Decimal, Decimal, dict[str, Decimal]]]:
    return [(ln.product, ln.quantity, ln.done_quantity, ln.lots) for ln in op.lines]


# --- receipts -----------------------------------------------------------------------


def test_receipt_with_lots_creates_unknown_lots_and_adds_to_known_ones(wh: Lotline) -> None:
    wh.lots.create("WOOD", "A-0001")
    receive(wh, "WOOD", [("A-0001", 5)])
    op = wh.transfers.receipt(
        [{"product": "WOOD", "quantity": 80, "lots": {"A-0001": 40, "A-0002": 40}}],
        partner="Wood Corp",
        origin="PO0001",
    )
    assert (op.name, op.kind, op.state, op.source, op.destination) == (
        "WH/IN/00001",
        "receipt",
        "ready",
        "Partners/Vendors",
        "WH/Stock",
    )
    assert stock(wh, "WOOD") == {"A-0001": 5}
    done = wh.transfers.validate(op)
    assert done.state == "done" and done.done_at is not None
    assert (done.partner, done.origin) == ("Wood Corp", "PO0001")
    assert lines(done) == [("WOOD", 80, 80, {"A-0001": 40, "A-0002": 40})]
    assert stock(wh, "WOOD") == {"A-0001": 45, "A-0002": 40}
    assert wh.transfers.backorders(done) == []


def test_receipt_into_a_child_location_and_untracked_lines(wh: Lotline) -> None:
    op = wh.transfers.receipt(
        [{"product": "SCREW", "quantity": "12.5"}, {"product": "CHAIR", "lots": ["S1", "S2"]}],
        destination="WH/Stock/Shelf 1",
    )
    wh.transfers.validate(op)
    assert stock(wh, "SCREW", "WH/Stock/Shelf 1") == {None: Decimal("12.5")}
    assert stock(wh, "CHAIR", "WH/Stock/Shelf 1") == {"S1": 1, "S2": 1}
    assert wh.transfers.get(op.name).lines[0].done_quantity == Decimal("12.5")


def test_serial_receipt_from_first_and_count(wh: Lotline) -> None:
    op = wh.transfers.receipt([{"product": "CHAIR", "first": "SN0009", "count": 3}])
    assert lines(op) == [("CHAIR", 3, 3, {"SN0009": 1, "SN0010": 1, "SN0011": 1})]
    wh.transfers.validate(op)
    assert stock(wh, "CHAIR") == {"SN0009": 1, "SN0010": 1, "SN0011": 1}


def test_serial_receipt_from_a_pasted_list(wh: Lotline) -> None:
    op = wh.transfers.receipt([{"product": "CHAIR", "serials_text": "P-1\nP-2\nP-3\n"}])
    wh.transfers.validate(op)
    assert sorted(stock(wh, "CHAIR")) == ["P-1", "P-2", "P-3"]


def test_scanned_gs1_labels_and_typed_names_fill_serials_and_lots(wh: Lotline) -> None:
    wh.products.create("PHONE", "Phone", "serial", gtin="09506000134352")
    op = wh.transfers.receipt(
        [
            {"product": "PHONE", "scans": ["(01)09506000134352(21)SN-77", "SN-78"]},
            {"product": "WOOD", "scans": ["(10)OAK-5(30)12", "(10)OAK-5(30)3", "OAK-6"]},
        ]
    )
    assert lines(op) == [
        ("PHONE", 2, 2, {"SN-77": 1, "SN-78": 1}),
        ("WOOD", 16, 16, {"OAK-5": 15, "OAK-6": 1}),
    ]
    wh.transfers.validate(op)
    assert stock(wh, "PHONE") == {"SN-77": 1, "SN-78": 1}


def test_a_scan_of_another_product_or_without_serial_is_refused(wh: Lotline) -> None:
    wh.products.create("PHONE", "Phone", "serial", gtin="09506000134352")
    with pytest.raises(InvalidInput, match="GTIN 05012345678900, not PHONE"):
        wh.transfers.receipt([{"product": "PHONE", "scans": ["(01)05012345678900(21)SN-77"]}])
    with pytest.raises(MissingLot, match="no serial number"):
        wh.transfers.receipt([{"product": "PHONE", "scans": ["(01)09506000134352(10)L1"]}])
    assert wh.transfers.list() == []


def test_assign_serial_numbers_fills_the_next_available_names(wh: Lotline) -> None:
    receive(wh, "CHAIR", [("SN0001", 1)])
    first = wh.transfers.receipt([{"product": "CHAIR", "quantity": 2, "assign_serials": True}])
    second = wh.transfers.receipt([{"product": "CHAIR", "quantity": 1, "assign_serials": True}])
    assert list(first.lines[0].lots) == ["SN0002", "SN0003"]
    assert list(second.lines[0].lots) == ["SN0004"]
    wh.transfers.validate(first)
    wh.transfers.validate(second)
    assert sorted(stock(wh, "CHAIR")) == ["SN0001", "SN0002", "SN0003", "SN0004"]


def test_a_tracked_line_without_lots_is_refused_on_validation(wh: Lotline) -> None:
    op = wh.transfers.receipt([{"product": "WOOD", "quantity": 5}])
    before = ledger_size(wh)
    with pytest.raises(MissingLot, match=r"WOOD.*lot"):
        wh.transfers.validate(op)
    assert ledger_size(wh) == before
    assert wh.transfers.get(op.name).state == "ready"


def test_a_serial_with_a_quantity_other_than_one_is_refused(wh: Lotline) -> None:
    with pytest.raises(InvalidQuantity, match=r"S1.*one unit, not 2"):
        wh.transfers.receipt([{"product": "CHAIR", "lots": {"S1": 2}}])
    op = wh.transfers.receipt([{"product": "CHAIR", "quantity": 2}])
    with pytest.raises(InvalidQuantity, match="S1"):
        wh.transfers.set_lots(op, "CHAIR", {"S1": 2})
    assert wh.transfers.list() == [wh.transfers.list()[0]]
    assert ledger_size(wh) == (0, 0, 0)


def test_the_same_serial_twice_in_a_document_is_refused(wh: Lotline) -> None:
    with pytest.raises(InvalidInput, match=r"S1.*twice"):
        wh.transfers.receipt([{"product": "CHAIR", "lots": ["S1", "S2", "S1"]}])
    with pytest.raises(InvalidInput, match=r"S1.*twice"):
        wh.transfers.receipt(
            [{"product": "CHAIR", "lots": ["S1"]}, {"product": "CHAIR", "lots": ["S1"]}]
        )
    assert wh.transfers.list() == []
    assert ledger_size(wh) == (0, 0, 0)


def test_receiving_a_serial_already_on_hand_names_it_and_where_it_is(wh: Lotline) -> None:
    receive(wh, "CHAIR", [("S1", 1)], destination="WH/Stock/Shelf 1")
    op = wh.transfers.receipt([{"product": "CHAIR", "lots": ["S0", "S1"]}])
    before = ledger_size(wh)
    with pytest.raises(SerialAlreadyInStock, match=r"S1 .*WH/Stock/Shelf 1"):
        wh.transfers.validate(op)
    assert ledger_size(wh) == before
    assert wh.transfers.get(op.name).state == "ready"


def test_lots_adding_up_to_more_than_the_demand_are_refused(wh: Lotline) -> None:
    with pytest.raises(InvalidQuantity, match="add up to 90, more than the 80"):
        wh.transfers.receipt([{"product": "WOOD", "quantity": 80, "lots": {"A": 50, "B": 40}}])
    op = wh.transfers.receipt([{"product": "WOOD", "quantity": 80, "lots": {"A": 80}}])
    with pytest.raises(InvalidQuantity, match="more than the 80"):
        wh.transfers.set_lots(op, "WOOD", {"A": 81})
    assert lines(wh.transfers.get(op.name)) == [("WOOD", 80, 80, {"A": 80})]
    assert ledger_size(wh) == (0, 0, 0)


def test_bad_lines_are_refused_with_the_way_to_fix_them(wh: Lotline) -> None:
    with pytest.raises(InvalidInput, match="not tracked"):
        wh.transfers.receipt([{"product": "SCREW", "quantity": 1, "lots": {"X": 1}}])
    with pytest.raises(InvalidInput, match="tracked by lot"):
        wh.transfers.receipt([{"product": "WOOD", "quantity": 1, "lots": ["X"]}])
    with pytest.raises(InvalidInput, match="Unknown key"):
        wh.transfers.receipt([{"product": "WOOD", "qty": 1}])
    with pytest.raises(InvalidInput, match="receive into"):
        wh.transfers.receipt(
            [{"product": "SCREW", "quantity": 1}], destination="Partners/Customers"
        )
    with pytest.raises(InvalidQuantity, match="float"):
        wh.transfers.receipt([{"product": "SCREW", "quantity": 1.5}])
    with pytest.raises(lotline.errors.UnknownProduct, match="NOPE"):
        wh.transfers.receipt([{"product": "NOPE", "quantity": 1}])
    with pytest.raises(InvalidInput, match="to itself"):
        wh.transfers.internal([{"product": "SCREW", "quantity": 1}], "WH/Stock", "WH/Stock")
    assert wh.transfers.list() == []


def test_a_done_document_is_immutable(wh: Lotline) -> None:
    op = wh.transfers.validate(wh.transfers.receipt([{"product": "SCREW", "quantity": 3}]))
    for action in (
        lambda: wh.transfers.validate(op),
        lambda: wh.transfers.cancel(op),
        lambda: wh.transfers.reserve(op),
        lambda: wh.transfers.set_lots(op, "SCREW", 1),
    ):
        with pytest.raises(InvalidState, match="done"):
            action()
    assert stock(wh, "SCREW") == {None: 3}


# --- deliveries ---------------------------------------------------------------------


def backdate(app: Lotline, lot: str, days: int) -> None:
    """Make a quant look older, for FIFO."""
    from lotline.store.schema import lots

    with app.db.transaction() as conn:
        lot_id = conn.execute(select(lots.c.id).where(lots.c.name == lot)).scalar_one()
        in_date = conn.execute(
            select(quants.c.in_date).where(quants.c.lot_id == lot_id)
        ).scalar_one()
        conn.execute(
            update(quants)
            .where(quants.c.lot_id == lot_id)
            .values(in_date=in_date - timedelta(days=days))
        )


def test_reserve_picks_lots_first_in_first_out(wh: Lotline) -> None:
    receive(wh, "WOOD", [("NEW", 10), ("OLD", 10), ("MID", 10)])
    backdate(wh, "OLD", 3)
    backdate(wh, "MID", 2)
    op = wh.transfers.delivery([{"product": "WOOD", "quantity": 15}], partner="Customer A")
    assert op.state == "draft" and op.lines[0].lots == {}
    ready = wh.transfers.reserve(op)
    assert ready.state == "ready"
    assert ready.lines[0].lots == {"OLD": 10, "MID": 5}
    assert reserved(wh, "WOOD") == {"OLD": 10, "MID": 5}
    done = wh.transfers.validate(ready)
    assert lines(done) == [("WOOD", 15, 15, {"MID": 5, "OLD": 10})]
    assert stock(wh, "WOOD") == {"MID": 5, "NEW": 10}
    assert reserved(wh, "WOOD") == {}
    assert stock(wh, "WOOD", "Partners/Customers") == {None: 15}


def test_serials_are_reserved_from_child_locations_and_delivered(wh: Lotline) -> None:
    receive(wh, "CHAIR", [("S1", 1)], destination="WH/Stock/Shelf 1")
    receive(wh, "CHAIR", [("S2", 1)])
    op = wh.transfers.reserve(wh.transfers.delivery([{"product": "CHAIR", "quantity": 2}]))
    assert op.lines[0].lots == {"S1": 1, "S2": 1}
    wh.transfers.validate(op)
    assert stock(wh, "CHAIR") == {}


def test_replacing_a_reserved_serial_releases_it_and_holds_the_new_one(wh: Lotline) -> None:
    receive(wh, "CHAIR", [("S1", 1)])
    receive(wh, "CHAIR", [("S2", 1)])
    backdate(wh, "S1", 1)
    op = wh.transfers.reserve(wh.transfers.delivery([{"product": "CHAIR", "quantity": 1}]))
    assert reserved(wh, "CHAIR") == {"S1": 1}
    op = wh.transfers.set_lots(op, "CHAIR", ["S2"])
    assert op.lines[0].lots == {"S2": 1}
    assert reserved(wh, "CHAIR") == {"S2": 1}
    wh.transfers.validate(op)
    assert stock(wh, "CHAIR") == {"S1": 1}


def test_replacing_with_a_serial_that_is_not_there_changes_nothing(wh: Lotline) -> None:
    receive(wh, "CHAIR", [("S1", 1)])
    op = wh.transfers.reserve(wh.transfers.delivery([{"product": "CHAIR", "quantity": 1}]))
    with pytest.raises(InsufficientStock, match=r"serial number S9 of CHAIR .*WH/Stock"):
        wh.transfers.set_lots(op, "CHAIR", ["S9"])
    assert reserved(wh, "CHAIR") == {"S1": 1}
    assert wh.transfers.get(op.name).lines[0].lots == {"S1": 1}


def test_two_documents_cannot_reserve_the_same_serial(wh: Lotline) -> None:
    receive(wh, "CHAIR", [("S1", 1)])
    first = wh.transfers.reserve(wh.transfers.delivery([{"product": "CHAIR", "lots": ["S1"]}]))
    second = wh.transfers.delivery([{"product": "CHAIR", "lots": ["S1"]}])
    with pytest.raises(InsufficientStock, match=r"S1.*reserved"):
        wh.transfers.reserve(second)
    with pytest.raises(InsufficientStock, match="S1"):
        wh.transfers.validate(second)
    assert wh.transfers.get(second.name).state == "draft"
    assert reserved(wh, "CHAIR") == {"S1": 1}
    wh.transfers.validate(first)
    assert stock(wh, "CHAIR") == {}


def test_a_lot_cannot_be_reserved_beyond_what_is_on_hand(wh: Lotline) -> None:
    receive(wh, "WOOD", [("A", 10)])
    wh.transfers.reserve(wh.transfers.delivery([{"product": "WOOD", "lots": {"A": 7}}]))
    other = wh.transfers.delivery([{"product": "WOOD", "lots": {"A": 4}}])
    with pytest.raises(InsufficientStock, match=r"lot A of WOOD.*3 available, 4 needed"):
        wh.transfers.reserve(other)
    assert reserved(wh, "WOOD") == {"A": 7}


def test_the_database_refuses_a_reservation_beyond_the_quant(wh: Lotline) -> None:
    from lotline.rules.allocation import Pick
    from lotline.services.catalog import get_product
    from lotline.services.reservations import hold

    receive(wh, "WOOD", [("A", 10)])
    wh.transfers.reserve(wh.transfers.delivery([{"product": "WOOD", "quantity": 8}]))
    [quant] = wh.stock.quants(product="WOOD")
    location = wh.locations.get("WH/Stock").id
    lot_id = wh.lots.get("WOOD", "A").id
    with pytest.raises(Conflict), wh.db.transaction() as conn:
        hold(conn, get_product(conn, "WOOD"), [Pick(location, lot_id, "A", Decimal(3))])
    assert reserved(wh, "WOOD") == {"A": 8} and quant.quantity == 10


def test_delivering_lots_named_explicitly_without_reserve(wh: Lotline) -> None:
    receive(wh, "WOOD", [("A", 10), ("B", 10)])
    receive(wh, "CHAIR", [("S1", 1), ("S2", 1), ("S3", 1)])
    op = wh.transfers.delivery(
        [
            {"product": "WOOD", "quantity": 6, "lots": {"B": 6}},
            {"product": "CHAIR", "lots": ["S3", "S1"]},
        ]
    )
    done = wh.transfers.validate(op)
    assert lines(done) == [
        ("WOOD", 6, 6, {"B": 6}),
        ("CHAIR", 2, 2, {"S1": 1, "S3": 1}),
    ]
    assert stock(wh, "WOOD") == {"A": 10, "B": 4}
    assert stock(wh, "CHAIR") == {"S2": 1}


def test_delivering_a_serial_that_is_not_in_the_source_changes_nothing(wh: Lotline) -> None:
    receive(wh, "CHAIR", [("S1", 1)], destination="WH/Stock/Shelf 1")
    wh.locations.create("WH/Stock/Shelf 2")
    op = wh.transfers.delivery([{"product": "CHAIR", "lots": ["S1"]}], source="WH/Stock/Shelf 2")
    before = ledger_size(wh)
    with pytest.raises(InsufficientStock, match=r"S1 of CHAIR .*WH/Stock/Shelf 2"):
        wh.transfers.validate(op)
    with pytest.raises(InsufficientStock, match="S7"):
        wh.transfers.validate(wh.transfers.delivery([{"product": "CHAIR", "lots": ["S7"]}]))
    assert ledger_size(wh) == before


def test_tracked_stock_never_goes_negative_on_delivery(wh: Lotline) -> None:
    receive(wh, "WOOD", [("A", 3)])
    op = wh.transfers.delivery([{"product": "WOOD", "lots": {"A": 5}}])
    with pytest.raises(InsufficientStock, match="3 available, 5 needed"):
        wh.transfers.validate(op)
    empty = wh.transfers.delivery([{"product": "CHAIR", "quantity": 1}])
    with pytest.raises(InsufficientStock, match="Nothing of WH/OUT/00002"):
        wh.transfers.validate(empty)
    assert stock(wh, "WOOD") == {"A": 3}


def test_a_shortage_names_the_product_lot_place_document_and_quantities(wh: Lotline) -> None:
    receive(wh, "WOOD", [("A", 3)])
    op = wh.transfers.delivery([{"product": "WOOD", "lots": {"A": 5}}])
    with pytest.raises(InsufficientStock) as caught:
        wh.transfers.validate(op)
    assert caught.value.details == {
        "product": "WOOD",
        "lot": "A",
        "location": "WH/Stock",
        "document": op.name,
        "needed": "5",
        "available": "3",
    }


def test_one_lot_named_on_two_lines_is_taken_once_for_both(wh: Lotline) -> None:
    receive(wh, "WOOD", [("A", 5)])
    lines_of_a = [{"product": "WOOD", "lots": {"A": 4}}, {"product": "WOOD", "lots": {"A": 3}}]
    with pytest.raises(InsufficientStock, match=r"lot A of WOOD.*5 available, 7 needed"):
        wh.transfers.reserve(wh.transfers.delivery(lines_of_a))
    receive(wh, "WOOD", [("A", 2)])
    op = wh.transfers.reserve(wh.transfers.delivery(lines_of_a))
    assert op.state == "ready"
    assert lines(op) == [("WOOD", 4, 4, {"A": 4}), ("WOOD", 3, 3, {"A": 3})]
    assert reserved(wh, "WOOD") == {"A": 7}


def test_a_closed_document_refuses_every_change_naming_its_state(wh: Lotline) -> None:
    op = wh.transfers.cancel(wh.transfers.delivery([{"product": "SCREW", "quantity": 1}]))
    with pytest.raises(InvalidState, match=f"Cannot reserve {op.name}: it is cancelled") as caught:
        wh.transfers.reserve(op)
    assert caught.value.details == {
        "document": op.name,
        "kind": "delivery",
        "state": "cancelled",
        "action": "reserve",
    }
    with pytest.raises(InvalidState, match="it is cancelled"):
        wh.transfers.return_of(op)


def test_reserving_what_is_short_leaves_the_document_confirmed(wh: Lotline) -> None:
    receive(wh, "WOOD", [("A", 4)])
    op = wh.transfers.reserve(wh.transfers.delivery([{"product": "WOOD", "quantity": 10}]))
    assert op.state == "confirmed"
    assert lines(op) == [("WOOD", 10, 4, {"A": 4})]


def test_cancel_releases_the_reservation(wh: Lotline) -> None:
    receive(wh, "CHAIR", [("S1", 1)])
    op = wh.transfers.reserve(wh.transfers.delivery([{"product": "CHAIR", "quantity": 1}]))
    cancelled = wh.transfers.cancel(op)
    assert cancelled.state == "cancelled"
    assert reserved(wh, "CHAIR") == {}
    again = wh.transfers.reserve(wh.transfers.delivery([{"product": "CHAIR", "quantity": 1}]))
    assert again.state == "ready"
    with pytest.raises(InvalidState, match="cancelled"):
        wh.transfers.validate(cancelled)


# --- internal transfers -------------------------------------------------------------


def test_internal_transfer_moves_serials_and_lots_between_shelves(wh: Lotline) -> None:
    receive(wh, "CHAIR", [("S1", 1), ("S2", 1)])
    receive(wh, "WOOD", [("A", 10)])
    op = wh.transfers.internal(
        [{"product": "CHAIR", "lots": ["S2"]}, {"product": "WOOD", "lots": {"A": 4}}],
        "WH/Stock",
        "WH/Stock/Shelf 1",
    )
    assert op.name == "WH/INT/00001"
    wh.transfers.validate(op)
    assert stock(wh, "CHAIR", "WH/Stock/Shelf 1") == {"S2": 1}
    assert {q.location for q in wh.stock.quants(product="CHAIR")} == {
        "WH/Stock",
        "WH/Stock/Shelf 1",
    }
    assert stock(wh, "WOOD", "WH/Stock/Shelf 1") == {"A": 4}
    assert wh.stock.on_hand("WOOD") == 10


def test_internal_reservation_never_takes_from_the_destination(wh: Lotline) -> None:
    receive(wh, "WOOD", [("A", 5)], destination="WH/Stock/Shelf 1")
    receive(wh, "WOOD", [("B", 5)])
    backdate(wh, "A", 1)
    op = wh.transfers.reserve(
        wh.transfers.internal([{"product": "WOOD", "quantity": 5}], "WH/Stock", "WH/Stock/Shelf 1")
    )
    assert op.lines[0].lots == {"B": 5}


# --- backorders ---------------------------------------------------------------------


def test_partial_validation_creates_a_backorder_for_the_rest(wh: Lotline) -> None:
    receive(wh, "CHAIR", [("S1", 1), ("S2", 1), ("S3", 1)])
    op = wh.transfers.reserve(
        wh.transfers.delivery(
            [{"product": "CHAIR", "quantity": 3}, {"product": "SCREW", "quantity": 4}],
            partner="Customer A",
            origin="SO7",
        )
    )
    op = wh.transfers.set_lots(op, "CHAIR", ["S2"])
    done = wh.transfers.validate(op)
    assert lines(done) == [("CHAIR", 3, 1, {"S2": 1}), ("SCREW", 4, 0, {})]
    [backorder] = wh.transfers.backorders(done)
    assert (backorder.name, backorder.state, backorder.backorder_of) == (
        "WH/OUT/00002",
        "draft",
        "WH/OUT/00001",
    )
    assert (backorder.partner, backorder.origin) == ("Customer A", "SO7")
    full = wh.transfers.get(backorder.name)
    assert lines(full) == [("CHAIR", 2, 0, {}), ("SCREW", 4, 0, {})]
    assert reserved(wh, "CHAIR") == {}
    receive(wh, "SCREW", [(None, 4)])
    wh.transfers.validate(full)
    assert stock(wh, "CHAIR") == {} and stock(wh, "SCREW") == {}
    assert wh.transfers.backorders(full) == []


def test_partial_receipt_backorder_is_ready_to_receive_the_rest(wh: Lotline) -> None:
    op = wh.transfers.receipt([{"product": "WOOD", "quantity": 80, "lots": {"A-1": 30}}])
    done = wh.transfers.validate(op)
    [backorder] = wh.transfers.backorders(done)
    assert backorder.state == "ready"
    assert lines(wh.transfers.get(backorder.name)) == [("WOOD", 50, 0, {})]
    wh.transfers.set_lots(backorder, "WOOD", {"A-2": 50})
    wh.transfers.validate(backorder)
    assert stock(wh, "WOOD") == {"A-1": 30, "A-2": 50}


def test_validation_without_backorder_cancels_the_rest(wh: Lotline) -> None:
    receive(wh, "WOOD", [("A", 4)])
    op = wh.transfers.reserve(wh.transfers.delivery([{"product": "WOOD", "quantity": 10}]))
    done = wh.transfers.validate(op, backorder=False)
    assert done.state == "done"
    assert wh.transfers.backorders(done) == []
    assert [o.name for o in wh.transfers.list(kind="delivery")] == ["WH/OUT/00001"]


# --- returns ------------------------------------------------------------------------


def test_return_of_a_delivery_brings_the_same_serials_back(wh: Lotline) -> None:
    receive(wh, "CHAIR", [("S1", 1), ("S2", 1)])
    receive(wh, "WOOD", [("A", 10)])
    delivered = wh.transfers.validate(
        wh.transfers.delivery(
            [{"product": "CHAIR", "quantity": 2}, {"product": "WOOD", "lots": {"A": 6}}],
            partner="Customer A",
        )
    )
    back = wh.transfers.return_of(delivered)
    assert (back.kind, back.state, back.source, back.destination, back.return_of) == (
        "receipt",
        "ready",
        "Partners/Customers",
        "WH/Stock",
        delivered.name,
    )
    assert back.partner == "Customer A"
    assert lines(back) == [("CHAIR", 2, 2, {"S1": 1, "S2": 1}), ("WOOD", 6, 6, {"A": 6})]
    wh.transfers.validate(back)
    assert stock(wh, "CHAIR") == {"S1": 1, "S2": 1}
    assert stock(wh, "WOOD") == {"A": 10}
    again = wh.transfers.validate(
        wh.transfers.delivery([{"product": "CHAIR", "lots": ["S1"]}], partner="Customer B")
    )
    assert again.state == "done" and stock(wh, "CHAIR") == {"S2": 1}


def test_partial_return_and_no_return_beyond_what_was_moved(wh: Lotline) -> None:
    receive(wh, "CHAIR", [("S1", 1), ("S2", 1)])
    delivered = wh.transfers.validate(
        wh.transfers.delivery([{"product": "CHAIR", "lots": ["S1", "S2"]}])
    )
    with pytest.raises(InvalidQuantity, match="S3"):
        wh.transfers.return_of(delivered, [{"product": "CHAIR", "lots": ["S3"]}])
    first = wh.transfers.return_of(delivered, [{"product": "CHAIR", "lots": ["S2"]}])
    wh.transfers.validate(first)
    with pytest.raises(InvalidQuantity, match="S2"):
        wh.transfers.return_of(delivered, [{"product": "CHAIR", "lots": ["S2"]}])
    rest = wh.transfers.return_of(delivered)
    assert rest.lines[0].lots == {"S1": 1}
    wh.transfers.validate(rest)
    with pytest.raises(InvalidInput, match="already been returned"):
        wh.transfers.return_of(delivered)
    assert stock(wh, "CHAIR") == {"S1": 1, "S2": 1}


def test_return_of_a_receipt_is_a_delivery_to_the_vendor(wh: Lotline) -> None:
    received = wh.transfers.validate(
        wh.transfers.receipt(
            [{"product": "WOOD", "lots": {"A": 10}}, {"product": "SCREW", "quantity": 5}]
        )
    )
    back = wh.transfers.return_of(
        received, [{"product": "WOOD", "quantity": 4}, {"product": "SCREW", "quantity": 2}]
    )
    assert (back.kind, back.state, back.destination) == ("delivery", "draft", "Partners/Vendors")
    wh.transfers.validate(back)
    assert stock(wh, "WOOD") == {"A": 6}
    assert stock(wh, "SCREW") == {None: 3}
    with pytest.raises(InvalidState, match="it is ready, and only a done document"):
        wh.transfers.return_of(wh.transfers.receipt([{"product": "SCREW", "quantity": 1}]))


# --- listing ------------------------------------------------------------------------


def test_list_filters_by_kind_and_state_and_get_finds_by_name(wh: Lotline) -> None:
    receipt = wh.transfers.receipt([{"product": "SCREW", "quantity": 5}])
    wh.transfers.validate(receipt)
    delivery = wh.transfers.delivery([{"product": "SCREW", "quantity": 1}])
    assert [o.name for o in wh.transfers.list()] == ["WH/IN/00001", "WH/OUT/00001"]
    assert [o.name for o in wh.transfers.list(kind="delivery")] == [delivery.name]
    assert [o.name for o in wh.transfers.list(state="done")] == [receipt.name]
    assert wh.transfers.get("WH/OUT/00001").lines[0].quantity == 1
    with pytest.raises(lotline.errors.UnknownOperation):
        wh.transfers.get("WH/OUT/99999")
    with pytest.raises(InvalidInput, match="kind"):
        wh.transfers.list(kind="scrap")


def test_document_reads_use_a_fixed_number_of_queries(
    wh: Lotline, count_statements: Callable[[], object]
) -> None:
    from tests.conftest import StatementCounter

    op = wh.transfers.receipt([{"product": "SCREW", "quantity": 1}] * 3)
    with StatementCounter(wh.db.engine) as few:
        wh.transfers.get(op.name)
    op = wh.transfers.receipt([{"product": "SCREW", "quantity": 1}] * 30)
    with StatementCounter(wh.db.engine) as many:
        wh.transfers.get(op.name)
    assert few.count() == many.count()
    with wh.db.transaction() as conn:
        assert conn.execute(select(func.count()).select_from(move_details)).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(operations)).scalar_one() == 2


# --- two PostgreSQL connections -------------------------------------------------------


def test_two_connections_reserving_the_same_serial_at_once_one_wins(postgres_url: str) -> None:
    setup = lotline.open(postgres_url)
    setup.products.create("CHAIR", "Chair", "serial")
    receive(setup, "CHAIR", [("SN-RACE", 1)])
    documents = [
        setup.transfers.delivery([{"product": "CHAIR", "lots": ["SN-RACE"]}]).name for _ in range(2)
    ]

    outcomes = race(postgres_url, lambda app, i: app.transfers.reserve(documents[i]) and None)
    assert sum(o is None for o in outcomes) == 1
    assert any(isinstance(o, Conflict) for o in outcomes)
    states = sorted(setup.transfers.get(name).state for name in documents)
    assert states == ["draft", "ready"]
    assert reserved(setup, "CHAIR") == {"SN-RACE": 1}
    assert setup.check().ok
    setup.close()


def test_two_connections_delivering_the_same_serial_at_once_one_wins(postgres_url: str) -> None:
    setup = lotline.open(postgres_url)
    setup.products.create("CHAIR", "Chair", "serial")
    receive(setup, "CHAIR", [("SN-RACE", 1)])
    documents = [
        setup.transfers.delivery([{"product": "CHAIR", "lots": ["SN-RACE"]}]).name for _ in range(2)
    ]

    outcomes = race(postgres_url, lambda app, i: app.transfers.validate(documents[i]) and None)
    assert sum(o is None for o in outcomes) == 1
    assert setup.stock.on_hand("CHAIR") == 0
    assert setup.stock.on_hand("CHAIR", "Partners/Customers") == 1
    assert setup.check().ok
    setup.close()


def test_two_connections_validating_the_same_receipt_at_once_post_it_once(
    postgres_url: str,
) -> None:
    setup = lotline.open(postgres_url)
    setup.products.create("SCREW", "Screw", "none")
    name = setup.transfers.receipt([{"product": "SCREW", "quantity": 5}]).name

    outcomes = race(postgres_url, lambda app, i: app.transfers.validate(name) and None)
    assert sum(o is None for o in outcomes) == 1
    assert any(isinstance(o, InvalidState) for o in outcomes)
    assert setup.stock.on_hand("SCREW") == 5
    assert setup.check().ok
    setup.close()
