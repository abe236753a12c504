"""Batch production of serial-tracked orders: split orders, Prepare MO, the text box, bulk."""

from collections.abc import Callable
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from lotline.app import Lotline
from lotline.errors import InsufficientStock, InvalidInput, InvalidList
from lotline.store.schema import lot_links, move_lines, operations
from tests.conftest import StatementCounter
from tests.support import receive


@pytest.fixture
def shop(app: Lotline) -> Lotline:
    """CHAIR (serial) = 2 WOOD (lot) + 1 LEG (serial) + 4 SCREW (untracked)."""
    app.products.create("CHAIR", "Chair", "serial", lot_prefix="SN")
    app.products.create("WOOD", "Oak plank", "lot")
    app.products.create("LEG", "Chair leg", "serial")
    app.products.create("SCREW", "Screw", "none")
    receive(app, "WOOD", [("W-1", 5), ("W-2", 20)])
    receive(app, "LEG", [(f"L{i}", 1) for i in range(1, 10)])
    receive(app, "SCREW", [(None, 100)])
    app.manufacturing.bom("CHAIR", {"WOOD": 2, "LEG": 1, "SCREW": 4})
    return app


def count_rows(app: Lotline, table: object) -> int:
    with app.db.transaction() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_two_chairs_are_split_into_001_and_002_each_with_its_serial(shop: Lotline) -> None:
    mo = shop.manufacturing.confirm(shop.manufacturing.order("CHAIR", 2))
    assert mo.name == "WH/MO/00001"
    split = shop.manufacturing.batch_produce(mo, names=["CHAIR-A", "CHAIR-B"])
    assert [(m.name, m.state, m.quantity, m.lot) for m in split] == [
        ("WH/MO/00001-001", "done", 1, "CHAIR-A"),
        ("WH/MO/00001-002", "done", 1, "CHAIR-B"),
    ]
    assert [m.component("WOOD").lots for m in split] == [{"W-1": 2}, {"W-1": 2}]
    assert [m.component("LEG").lots for m in split] == [{"L1": 1}, {"L2": 1}]
    assert shop.stock.on_hand("CHAIR") == 2 and shop.stock.on_hand("WOOD") == 21
    assert [m.name for m in shop.manufacturing.backorders("WH/MO/00001-002")] == [
        "WH/MO/00001-001",
        "WH/MO/00001-002",
    ]
    assert shop.manufacturing.get("WH/MO/00001").name == "WH/MO/00001-001"
    with shop.db.transaction() as conn:
        per_order = dict(
            conn.execute(
                select(operations.c.name, func.count())
                .join(move_lines, move_lines.c.operation_id == operations.c.id)
                .where(operations.c.kind == "manufacturing")
                .group_by(operations.c.name)
            ).all()
        )
    assert per_order == {"WH/MO/00001-001": 4, "WH/MO/00001-002": 4}
    assert shop.check().ok


def test_produce_all_proposal_feeds_batch_production_first_and_count(shop: Lotline) -> None:
    mo = shop.manufacturing.confirm(shop.manufacturing.order("CHAIR", 3))
    split = shop.manufacturing.batch_produce(mo)
    assert [m.lot for m in split] == ["SN0000001", "SN0000002", "SN0000003"]
    again = shop.manufacturing.order("CHAIR", 2)
    split = shop.manufacturing.batch_produce(again, first="SN0000009")
    assert [m.lot for m in split] == ["SN0000009", "SN0000010"]
    assert shop.check().ok


def test_prepare_mo_leaves_split_orders_confirmed_to_produce_one_by_one(shop: Lotline) -> None:
    mo = shop.manufacturing.confirm(shop.manufacturing.order("CHAIR", 3))
    split = shop.manufacturing.batch_produce(mo, first="SN0000100", complete=False)
    assert [(m.name, m.state, m.lot) for m in split] == [
        ("WH/MO/00001-001", "confirmed", "SN0000100"),
        ("WH/MO/00001-002", "confirmed", "SN0000101"),
        ("WH/MO/00001-003", "confirmed", "SN0000102"),
    ]
    assert all(m.component("WOOD").reserved == 2 for m in split)
    assert shop.stock.on_hand("CHAIR") == 0
    assert count_rows(shop, lot_links) == 0
    done = shop.manufacturing.produce_all(split[1])
    assert (done.state, done.lot) == ("done", "SN0000101")
    assert shop.stock.on_hand("CHAIR", lot="SN0000101") == 1
    assert [m.state for m in shop.manufacturing.backorders(mo)] == [
        "confirmed",
        "done",
        "confirmed",
    ]
    assert shop.check().ok


def test_fewer_serials_than_units_leaves_a_backorder_for_the_rest(shop: Lotline) -> None:
    mo = shop.manufacturing.confirm(shop.manufacturing.order("CHAIR", 5))
    split = shop.manufacturing.batch_produce(mo, count=2)
    assert [m.name for m in split] == ["WH/MO/00001-001", "WH/MO/00001-002"]
    family = shop.manufacturing.backorders(mo)
    rest = family[-1]
    assert (rest.name, rest.state, rest.quantity, rest.lot) == (
        "WH/MO/00001-003",
        "confirmed",
        3,
        None,
    )
    assert rest.component("WOOD").reserved == 6 and rest.component("LEG").reserved == 3
    # a split of a split continues the family's numbering
    more = shop.manufacturing.batch_produce(rest, count=2)
    assert [m.name for m in more] == ["WH/MO/00001-003", "WH/MO/00001-004"]
    assert [m.name for m in shop.manufacturing.backorders(rest)][-1] == "WH/MO/00001-005"
    assert shop.stock.on_hand("CHAIR") == 4
    assert shop.check().ok


def test_the_text_box_sets_serials_and_component_lots_per_unit(shop: Lotline) -> None:
    mo = shop.manufacturing.confirm(shop.manufacturing.order("CHAIR", 3))
    text = "C-1,W-2,L9\nC-2,W-1;1|W-2;1\n\nC-3,,\n"
    split = shop.manufacturing.batch_produce(mo, text=text)
    assert [m.lot for m in split] == ["C-1", "C-2", "C-3"]
    assert split[0].component("WOOD").lots == {"W-2": 2}
    assert split[0].component("LEG").lots == {"L9": 1}
    assert split[1].component("WOOD").lots == {"W-1": 1, "W-2": 1}
    assert split[2].component("WOOD").lots == {"W-1": 2}
    assert split[2].component("LEG").lots == {"L2": 1}
    assert (
        shop.stock.on_hand("WOOD", lot="W-1") == 2 and shop.stock.on_hand("WOOD", lot="W-2") == 17
    )
    assert all(q.reserved_quantity == 0 for q in shop.stock.quants())
    assert shop.check().ok


def test_every_problem_of_the_list_is_reported_at_once_and_nothing_changes(
    shop: Lotline,
) -> None:
    receive(shop, "CHAIR", [("OLD-1", 1)])
    mo = shop.manufacturing.confirm(shop.manufacturing.order("CHAIR", 3))
    before = count_rows(shop, move_lines)
    text = "X-1\nX-1\nOLD-1,NOPE\nX-4,,L99\n"
    with pytest.raises(InvalidList) as raised:
        shop.manufacturing.batch_produce(mo, text=text)
    message = str(raised.value)
    assert "X-1 is given twice" in message
    assert "OLD-1: this serial number for product CHAIR already exists" in message
    assert "4 serial numbers for 3 units" in message
    assert "component WOOD has no lot/serial NOPE" in message
    assert "component LEG has no lot/serial L99" in message
    assert len(raised.value.problems) == 5
    assert count_rows(shop, move_lines) == before
    assert shop.manufacturing.get(mo.name).state == "confirmed"
    assert [lot.name for lot in shop.lots.find("CHAIR")] == ["OLD-1"]


def test_a_consumed_serial_component_in_the_text_box_is_refused(shop: Lotline) -> None:
    shop.manufacturing.batch_produce(shop.manufacturing.order("CHAIR", 1), names=["C-0"])
    mo = shop.manufacturing.confirm(shop.manufacturing.order("CHAIR", 1))
    with pytest.raises(InvalidList, match="L1 used for component LEG has already been consumed"):
        shop.manufacturing.batch_produce(mo, text="C-1,,L1")


def test_batch_production_is_for_serial_products_and_needs_stock(shop: Lotline) -> None:
    shop.products.create("TABLE", "Table", "lot")
    shop.manufacturing.bom("TABLE", {"WOOD": 1})
    with pytest.raises(InvalidInput, match="tracked by lot"):
        shop.manufacturing.batch_produce(shop.manufacturing.order("TABLE", 2))
    mo = shop.manufacturing.confirm(shop.manufacturing.order("CHAIR", 13))
    with pytest.raises(InsufficientStock, match=r"component WOOD is short by 1 .*WH/Stock"):
        shop.manufacturing.batch_produce(mo, count=13)
    assert shop.manufacturing.get(mo.name).quantity == 13
    assert shop.stock.on_hand("CHAIR") == 0


def test_split_names_go_past_999(shop: Lotline) -> None:
    receive(shop, "WOOD", [("W-BIG", 2000)])
    receive(shop, "LEG", [(f"LB{i}", 1) for i in range(1000)])
    mo = shop.manufacturing.confirm(shop.manufacturing.order("CHAIR", 1000))
    split = shop.manufacturing.batch_produce(mo, first="SN1000001", complete=False)
    assert [m.name for m in split[-2:]] == ["WH/MO/00001-999", "WH/MO/00001-1000"]


def test_every_consumed_lot_links_to_the_produced_serial(shop: Lotline) -> None:
    mo = shop.manufacturing.confirm(shop.manufacturing.order("CHAIR", 3))
    shop.manufacturing.batch_produce(mo, text="A\nB\nC,W-1;1|W-2;1")
    with shop.db.transaction() as conn:
        rows = conn.execute(select(lot_links.c.operation_id, lot_links.c.quantity)).all()
    assert len(rows) == 2 + 2 + 3
    assert sum((r[1] for r in rows), Decimal(0)) == 3 * 2 + 3


def _batch_statements(app: Lotline, units: int, first: str) -> int:
    receive(app, "WOOD", [(f"{first}-W{i}", units // 25) for i in range(50)])
    receive(app, "LEG", [(f"{first}-L{i}", 1) for i in range(units)])
    receive(app, "SCREW", [(None, units * 4)])
    mo = app.manufacturing.confirm(app.manufacturing.order("CHAIR", units))
    with StatementCounter(app.db.engine) as counter:
        split = app.manufacturing.batch_produce(mo, first=f"{first}-0001")
    assert len(split) == units
    return counter.count()


def test_batch_production_runs_a_fixed_number_of_statements(
    shop: Lotline, count_statements: Callable[[], StatementCounter]
) -> None:
    small = _batch_statements(shop, 200, "S")
    large = _batch_statements(shop, 1000, "T")
    assert small == large
    assert shop.stock.on_hand("CHAIR") == 1200
    assert shop.check().ok
