"""Traceability: the lots dashboard, where a lot is, genealogy both ways, and recall."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Connection, insert, select

from lotline.app import Lotline
from lotline.errors import InvalidInput, UnknownLocation, UnknownLot, UnknownProduct
from lotline.models import TraceNode
from lotline.services.base import utcnow
from lotline.services.exports import RECALL_COLUMNS
from lotline.store.schema import lot_links, lots, operations
from tests.conftest import StatementCounter
from tests.support import move
from tests.trace_support import (
    build_chairs,
    build_one_level,
    deliver,
    make_products,
    manufacture,
    receive,
    return_delivery,
)


def shape(node: TraceNode) -> list[tuple[int, str, str]]:
    return [(depth, n.product, n.lot) for depth, n in node.walk()]


def child(node: TraceNode, lot: str) -> TraceNode:
    (found,) = [c for c in node.children if c.lot == lot]
    return found


# --- upstream and downstream ------------------------------------------------------------


def test_upstream_of_a_chair_reaches_the_receipts_of_its_components_level_by_level(
    app: Lotline,
) -> None:
    docs = build_chairs(app)
    tree = app.trace.upstream("CHAIR", "CH-1")
    assert shape(tree) == [
        (0, "CHAIR", "CH-1"),
        (1, "FRAME", "FR-1"),
        (2, "LEG", "L-1"),
        (3, "WOOD", "OAK-1"),
        (2, "SCREW", "SCR-1"),
        (1, "SCREW", "SCR-1"),
    ]
    assert tree.operation == docs.chair_1
    frame = child(tree, "FR-1")
    assert (frame.operation, frame.quantity) == (docs.frame_1, Decimal(1))
    leg = child(frame, "L-1")
    assert (leg.operation, leg.quantity) == (docs.leg_1, Decimal(4))
    oak = child(leg, "OAK-1")
    assert (oak.operation, oak.partner, oak.quantity) == (docs.oak_receipt, "Timber Co", 10)
    assert oak.date is not None and oak.children == ()
    screws = child(tree, "SCR-1")
    assert (screws.operation, screws.partner, screws.quantity) == (
        docs.screw_receipt,
        "Bolt Ltd",
        Decimal(4),
    )
    assert child(frame, "SCR-1").quantity == Decimal(16)


def test_downstream_of_a_component_lot_reaches_where_every_chair_is_now(app: Lotline) -> None:
    docs = build_chairs(app)
    tree = app.trace.downstream("WOOD", "OAK-1")
    assert shape(tree) == [
        (0, "WOOD", "OAK-1"),
        (1, "LEG", "L-1"),
        (2, "FRAME", "FR-1"),
        (3, "CHAIR", "CH-1"),
        (2, "FRAME", "FR-2"),
        (3, "CHAIR", "CH-2"),
    ]
    assert (tree.operation, tree.partner, tree.quantity) == (
        docs.oak_receipt,
        "Timber Co",
        Decimal(100),
    )
    assert child(tree, "L-1").quantity == Decimal(10)
    delivered = child(child(child(tree, "L-1"), "FR-1"), "CH-1")
    assert delivered.operation == docs.chair_1
    ((where,),) = [delivered.current]
    assert (where.location, where.partner, where.document) == (
        "Partners/Customers",
        "Azure Interior",
        docs.chair_1_delivery,
    )
    in_stock = child(child(child(tree, "L-1"), "FR-2"), "CH-2")
    assert [(r.location, r.partner, r.quantity) for r in in_stock.current] == [
        ("WH/Stock", None, Decimal(1))
    ]
    assert [(r.location, r.partner, r.quantity) for r in tree.current] == [
        ("WH/Stock", None, Decimal(85)),
        ("Partners/Customers", "Lumber Resale", Decimal(5)),
    ]


def test_downstream_of_a_lot_used_at_two_levels_shows_each_path(app: Lotline) -> None:
    build_chairs(app)
    tree = app.trace.downstream("SCREW", "SCR-1")
    assert [(n.product, n.lot) for n in tree.children] == [
        ("CHAIR", "CH-1"),
        ("CHAIR", "CH-2"),
        ("CHAIR", "CH-3"),
        ("FRAME", "FR-1"),
        ("FRAME", "FR-2"),
        ("FRAME", "FR-3"),
    ]
    assert [c.lot for c in child(tree, "FR-3").children] == ["CH-3"]


def test_a_lot_made_in_two_orders_shows_both_consumptions_once_each(app: Lotline) -> None:
    make_products(app)
    receive(app, [("WOOD", "OAK-1", 30)], "Timber Co")
    first = manufacture(app, "LEG", "L-1", [("WOOD", "OAK-1", 10)], quantity=8)
    manufacture(app, "LEG", "L-1", [("WOOD", "OAK-1", 5)], quantity=4)
    tree = app.trace.upstream("LEG", "L-1")
    ((oak,),) = [tree.children]
    assert oak.quantity == Decimal(15)
    assert (tree.operation, tree.quantity) == (first, Decimal(12))


def test_a_received_lot_has_no_upstream_and_a_finished_one_no_downstream(app: Lotline) -> None:
    docs = build_chairs(app)
    leaf = app.trace.upstream("WOOD", "OAK-2")
    assert (leaf.operation, leaf.partner, leaf.children) == (docs.oak_receipt, "Timber Co", ())
    assert app.trace.downstream("CHAIR", "CH-2").children == ()


def test_a_cycle_in_the_links_ends_instead_of_looping(app: Lotline) -> None:
    build_chairs(app)

    def close_the_loop(conn: Connection) -> None:
        ids = {r.name: r.id for r in conn.execute(select(lots.c.name, lots.c.id))}
        mo = conn.execute(select(operations.c.id).limit(1)).scalar_one()
        conn.execute(
            insert(lot_links).values(
                operation_id=mo,
                consumed_lot_id=ids["CH-1"],
                produced_lot_id=ids["OAK-1"],
                quantity=Decimal(1),
            )
        )

    app.db.run(close_the_loop)
    tree = app.trace.downstream("WOOD", "OAK-1")
    assert ("CHAIR", "CH-1") in [(n.product, n.lot) for _, n in tree.walk()]
    assert [n.lot for _, n in tree.walk()].count("OAK-1") == 1


# --- recall ---------------------------------------------------------------------------


def test_recall_of_a_component_lot_lists_exactly_the_customers_of_units_containing_it(
    app: Lotline,
) -> None:
    docs = build_chairs(app)
    rows = app.trace.recall("WOOD", "OAK-1")
    assert [(r.product, r.lot, r.location, r.partner, r.document, r.quantity) for r in rows] == [
        (
            "CHAIR",
            "CH-1",
            "Partners/Customers",
            "Azure Interior",
            docs.chair_1_delivery,
            Decimal(1),
        ),
        ("CHAIR", "CH-2", "WH/Stock", None, None, Decimal(1)),
        ("WOOD", "OAK-1", "Partners/Customers", "Lumber Resale", docs.oak_delivery, Decimal(5)),
        ("WOOD", "OAK-1", "WH/Stock", None, None, Decimal(85)),
    ]
    assert all(r.date is not None for r in rows)
    customers = {r.partner for r in app.trace.recall("WOOD", "OAK-2") if r.partner}
    assert customers == {"Deco Addict"}
    customers = {r.partner for r in app.trace.recall("SCREW", "SCR-1") if r.partner}
    assert customers == {"Azure Interior", "Deco Addict"}


def test_recall_follows_a_returned_serial_back_into_stock(app: Lotline) -> None:
    docs = build_chairs(app)
    return_delivery(app, docs.chair_1_delivery, [("CHAIR", "CH-1", 1)], "Azure Interior")
    rows = [r for r in app.trace.recall("WOOD", "OAK-1") if r.lot == "CH-1"]
    assert [(r.location, r.partner) for r in rows] == [("WH/Stock", None)]


def test_recall_counts_a_partly_returned_lot_at_its_customers(app: Lotline) -> None:
    make_products(app)
    receive(app, [("WOOD", "OAK-1", 30)], "Timber Co")
    deliver(app, [("WOOD", "OAK-1", 10)], "Azure Interior")
    second = deliver(app, [("WOOD", "OAK-1", 6)], "Deco Addict")
    return_delivery(app, second, [("WOOD", "OAK-1", 2)], "Deco Addict")
    rows = app.trace.recall("WOOD", "OAK-1")
    assert [(r.location, r.partner, r.quantity) for r in rows] == [
        ("Partners/Customers", "Azure Interior", Decimal(10)),
        ("Partners/Customers", "Deco Addict", Decimal(4)),
        ("WH/Stock", None, Decimal(16)),
    ]
    assert next(r for r in rows if r.partner == "Deco Addict").document == second


def test_a_finished_serial_that_left_no_trace_is_still_in_the_recall(app: Lotline) -> None:
    build_chairs(app)
    move(app, "CHAIR", [("CH-2", 1)], "WH/Stock", "Virtual Locations/Scrap")
    rows = [r for r in app.trace.recall("WOOD", "OAK-1") if r.lot == "CH-2"]
    assert [(r.location, r.quantity) for r in rows] == [(None, Decimal(0))]


def test_recall_exports_to_csv_and_xlsx(app: Lotline, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    build_chairs(app)
    rows = app.trace.recall("WOOD", "OAK-2")
    lines = list(csv.reader(io.StringIO(app.trace.to_csv(rows))))
    assert lines[0] == list(RECALL_COLUMNS)
    assert lines[0][:3] == ["Product", "Lot/Serial Number", "Location"]
    assert lines[1][:5] == ["CHAIR", "CH-3", "Partners/Customers", "Deco Addict", "WH/OUT/00002"]
    assert len(lines) == len(rows) + 1
    path = app.trace.to_xlsx(rows, tmp_path / "recall.xlsx")
    sheet = load_workbook(path).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[1][:4] == ["CHAIR", "CH-3", "Partners/Customers", "Deco Addict"]
    assert len(values) == len(rows) + 1


# --- one statement, whatever the depth ----------------------------------------------------


def test_trace_statement_count_does_not_grow_with_depth_or_size(
    app: Lotline, count_statements: Callable[[], StatementCounter]
) -> None:
    build_one_level(app)
    build_chairs(app)
    counts = {}
    for name, product, lot, other in (
        ("1 level", "MAT", "M-1", ("PROD", "P-1")),
        ("3 levels", "WOOD", "OAK-1", ("CHAIR", "CH-1")),
        ("3 levels, 2 paths", "SCREW", "SCR-1", ("CHAIR", "CH-3")),
    ):
        with count_statements() as counter:
            down = app.trace.downstream(product, lot)
            up = app.trace.upstream(*other)
            app.trace.recall(product, lot)
        counts[name] = counter.count()
        assert len(down.walk()) > 1 and len(up.walk()) > 1
    assert len(set(counts.values())) == 1, counts
    recursive = [s for s in counter.statements if "RECURSIVE" in s.upper()]
    assert len(recursive) == 3


# --- history and locations ----------------------------------------------------------------


def test_history_lists_every_operation_of_a_serial_in_time_order_with_its_return(
    app: Lotline,
) -> None:
    docs = build_chairs(app)
    back = return_delivery(app, docs.chair_1_delivery, [("CHAIR", "CH-1", 1)], "Azure Interior")
    moves = app.trace.history("CHAIR", "CH-1")
    assert [(m.reference, m.source, m.destination, m.partner) for m in moves] == [
        (docs.chair_1, "Virtual Locations/Production", "WH/Stock", None),
        (docs.chair_1_delivery, "WH/Stock", "Partners/Customers", "Azure Interior"),
        (back, "Partners/Customers", "WH/Stock", "Azure Interior"),
    ]
    assert [m.date for m in moves] == sorted(m.date for m in moves)
    assert all(m.quantity == 1 and m.lot == "CH-1" for m in moves)


def test_history_of_a_component_shows_receipt_consumption_and_delivery(app: Lotline) -> None:
    docs = build_chairs(app)
    moves = app.trace.history("WOOD", "OAK-1")
    assert [(m.reference, m.quantity, m.partner) for m in moves] == [
        (docs.oak_receipt, Decimal(100), "Timber Co"),
        (docs.leg_1, Decimal(10), None),
        (docs.oak_delivery, Decimal(5), "Lumber Resale"),
    ]


def test_locations_shows_where_a_lot_is_on_hand(app: Lotline) -> None:
    build_chairs(app)
    app.locations.create("WH/Stock/Shelf 1")
    move(app, "WOOD", [("OAK-1", 20)], "WH/Stock", "WH/Stock/Shelf 1")
    assert [(q.location, q.quantity) for q in app.trace.locations("WOOD", "OAK-1")] == [
        ("WH/Stock", Decimal(65)),
        ("WH/Stock/Shelf 1", Decimal(20)),
    ]
    assert app.trace.locations("CHAIR", "CH-1") == []


def test_unknown_product_lot_or_untracked_product_is_refused_clearly(app: Lotline) -> None:
    build_chairs(app)
    app.products.create("PAPER", "Paper")
    with pytest.raises(UnknownProduct, match="NOPE"):
        app.trace.upstream("NOPE", "X")
    with pytest.raises(UnknownLot, match="OAK-9"):
        app.trace.downstream("WOOD", "OAK-9")
    with pytest.raises(UnknownLot, match="OAK-9"):
        app.trace.recall("WOOD", "OAK-9")
    with pytest.raises(InvalidInput, match="not tracked"):
        app.trace.history("PAPER", "X")
    with pytest.raises(UnknownLot):
        app.trace.locations("CHAIR", "OAK-1")


def test_check_stays_ok_after_a_genealogy(app: Lotline) -> None:
    docs = build_chairs(app)
    return_delivery(app, docs.chair_1_delivery, [("CHAIR", "CH-1", 1)], "Azure Interior")
    assert app.check().ok


# --- the Lots/Serial Numbers dashboard ------------------------------------------------------


def test_dashboard_lists_lots_by_product_then_name_with_on_hand_and_places(app: Lotline) -> None:
    build_chairs(app)
    app.locations.create("WH/Stock/Shelf 1")
    move(app, "WOOD", [("OAK-2", 40)], "WH/Stock", "WH/Stock/Shelf 1")
    rows = app.lots.list()
    assert [(r.product, r.lot) for r in rows] == [
        ("CHAIR", "CH-1"),
        ("CHAIR", "CH-2"),
        ("CHAIR", "CH-3"),
        ("FRAME", "FR-1"),
        ("FRAME", "FR-2"),
        ("FRAME", "FR-3"),
        ("LEG", "L-1"),
        ("LEG", "L-2"),
        ("SCREW", "SCR-1"),
        ("WOOD", "OAK-1"),
        ("WOOD", "OAK-2"),
    ]
    by_lot = {r.lot: r for r in rows}
    assert (by_lot["OAK-2"].on_hand, by_lot["OAK-2"].locations) == (
        Decimal(90),
        ("WH/Stock", "WH/Stock/Shelf 1"),
    )
    assert (by_lot["CH-1"].on_hand, by_lot["CH-1"].locations) == (Decimal(0), ())
    assert (by_lot["CH-2"].on_hand, by_lot["CH-2"].locations) == (Decimal(1), ("WH/Stock",))
    assert all(r.created_at is not None for r in rows)


def test_dashboard_filters_by_product_location_and_stock(app: Lotline) -> None:
    build_chairs(app)
    app.locations.create("WH/Stock/Shelf 1")
    move(app, "WOOD", [("OAK-2", 40)], "WH/Stock", "WH/Stock/Shelf 1")
    move(app, "CHAIR", [("CH-2", 1)], "WH/Stock", "WH/Stock/Shelf 1")
    assert [r.lot for r in app.lots.list(product="CHAIR")] == ["CH-1", "CH-2", "CH-3"]
    assert [r.lot for r in app.lots.list(product="CHAIR", in_stock=True)] == ["CH-2"]
    assert [r.lot for r in app.lots.list(product="CHAIR", in_stock=False)] == ["CH-1", "CH-3"]
    shelf = app.lots.list(location="WH/Stock/Shelf 1")
    assert [(r.lot, r.on_hand, r.locations) for r in shelf] == [
        ("CH-2", Decimal(1), ("WH/Stock/Shelf 1",)),
        ("OAK-2", Decimal(40), ("WH/Stock/Shelf 1",)),
    ]
    whole = {r.lot: r.on_hand for r in app.lots.list(location="WH/Stock", product="WOOD")}
    assert whole == {"OAK-1": Decimal(85), "OAK-2": Decimal(90)}
    with pytest.raises(UnknownLocation):
        app.lots.list(location="WH/Nowhere")
    with pytest.raises(UnknownProduct):
        app.lots.list(product="NOPE")


def test_dashboard_filters_expired_lots(app: Lotline) -> None:
    make_products(app)
    now = utcnow()
    app.lots.create("WOOD", "OLD", expiration_date=now - timedelta(days=1))
    app.lots.create("WOOD", "FRESH", expiration_date=now + timedelta(days=30))
    app.lots.create("WOOD", "UNDATED")
    assert [r.lot for r in app.lots.list(expired=True)] == ["OLD"]
    assert [r.lot for r in app.lots.list(expired=False)] == ["FRESH", "UNDATED"]
    (old,) = app.lots.list(expired=True)
    assert old.expiration_date is not None and old.expiration_date < now


def test_dashboard_is_one_statement(
    app: Lotline, count_statements: Callable[[], StatementCounter]
) -> None:
    build_chairs(app)
    with count_statements() as counter:
        app.lots.list(in_stock=True)
    assert counter.count() == 1


# --- end to end, through transfers and manufacturing ------------------------------------------


@pytest.fixture
def chairs_made(app: Lotline) -> Lotline:
    """Seed 002: two serial CHAIRs made in one order of WOOD (lot), LEG (serials) and SCREW
    (untracked), each received from its vendor; CH-1 is delivered to Azure Interior."""
    app.settings.update(lots_and_serials=True)
    app.products.create("CHAIR", "Chair", "serial", lot_prefix="CH")
    app.products.create("WOOD", "Oak plank", "lot")
    app.products.create("LEG", "Chair leg", "serial")
    app.products.create("SCREW", "Screw", "none")
    for product, lots_in, vendor in (
        ("WOOD", {"W-1": 10}, "Timber Co"),
        ("LEG", [f"L{i}" for i in range(1, 9)], "Leg Inc"),
    ):
        receipt = app.transfers.receipt([{"product": product, "lots": lots_in}], partner=vendor)
        app.transfers.validate(receipt)
    app.transfers.validate(app.transfers.receipt([{"product": "SCREW", "quantity": 100}]))
    app.manufacturing.bom("CHAIR", {"WOOD": 2, "LEG": 4, "SCREW": 8})
    order = app.manufacturing.confirm(app.manufacturing.order("CHAIR", 2))
    app.manufacturing.batch_produce(order, names=["CH-1", "CH-2"])
    delivery = app.transfers.delivery([{"product": "CHAIR", "lots": ["CH-1"]}], "Azure Interior")
    app.transfers.validate(delivery)
    return app


def test_a_manufactured_chair_traces_up_to_its_component_lots_and_their_receipts(
    chairs_made: Lotline,
) -> None:
    app = chairs_made
    tree = app.trace.upstream("CHAIR", "CH-1")
    assert tree.operation == "WH/MO/00001-001"
    components = [(c.product, c.partner, c.quantity) for c in tree.children]
    assert components == [("LEG", "Leg Inc", Decimal(1))] * 4 + [("WOOD", "Timber Co", Decimal(2))]
    receipts = {c.operation for c in tree.children}
    assert all(name and name.startswith("WH/IN/") for name in receipts) and len(receipts) == 2
    other = app.trace.upstream("CHAIR", "CH-2")
    legs = {c.lot for c in tree.children if c.product == "LEG"}
    assert legs.isdisjoint(c.lot for c in other.children) and len(legs) == 4


def test_a_component_lot_traces_down_to_the_customer_of_each_chair(chairs_made: Lotline) -> None:
    app = chairs_made
    tree = app.trace.downstream("WOOD", "W-1")
    assert [(c.lot, c.operation) for c in tree.children] == [
        ("CH-1", "WH/MO/00001-001"),
        ("CH-2", "WH/MO/00001-002"),
    ]
    places = {c.lot: [(r.location, r.partner) for r in c.current] for c in tree.children}
    assert places == {
        "CH-1": [("Partners/Customers", "Azure Interior")],
        "CH-2": [("WH/Stock", None)],
    }
    leg = next(c.lot for c in app.trace.upstream("CHAIR", "CH-1").children if c.product == "LEG")
    assert [(r.lot, r.partner) for r in app.trace.recall("LEG", leg)] == [
        ("CH-1", "Azure Interior")
    ]


def test_a_chair_returned_through_transfers_shows_its_return_and_is_back_in_stock(
    chairs_made: Lotline,
) -> None:
    app = chairs_made
    (delivery,) = app.transfers.list(kind="delivery")
    back = app.transfers.validate(app.transfers.return_of(delivery))
    moves = app.trace.history("CHAIR", "CH-1")
    assert [(m.reference, m.destination) for m in moves][-2:] == [
        (delivery.name, "Partners/Customers"),
        (back.name, "WH/Stock"),
    ]
    rows = [r for r in app.trace.recall("WOOD", "W-1") if r.lot == "CH-1"]
    assert [(r.location, r.partner) for r in rows] == [("WH/Stock", None)]
    assert app.check().ok
