"""Bills of materials, manufacturing orders, the finished lot/serial and component genealogy."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from lotline.app import Lotline
from lotline.errors import (
    Conflict,
    InsufficientStock,
    InvalidInput,
    InvalidQuantity,
    InvalidState,
    NotFound,
    SerialsRequired,
    UnknownLot,
    UnknownOperation,
    UnknownProduct,
)
from lotline.store.schema import lot_links, lots, move_lines, operations
from tests.support import receive


@pytest.fixture
def shop(app: Lotline) -> Lotline:
    """CHAIR (serial) and TABLE (lot) made of WOOD (lot), LEG (serial) and SCREW (untracked)."""
    app.products.create("CHAIR", "Chair", "serial", lot_prefix="CH")
    app.products.create("TABLE", "Table", "lot", lot_prefix="TB")
    app.products.create("WOOD", "Oak plank", "lot")
    app.products.create("LEG", "Chair leg", "serial")
    app.products.create("SCREW", "Screw", "none")
    receive(app, "WOOD", [("W-1", 10), ("W-2", 10)])
    receive(app, "LEG", [(f"L{i}", 1) for i in range(1, 9)])
    receive(app, "SCREW", [(None, 100)])
    app.manufacturing.bom("CHAIR", {"WOOD": 2, "LEG": 4, "SCREW": 8})
    app.manufacturing.bom("TABLE", {"WOOD": 3, "SCREW": 4})
    return app


def links(app: Lotline) -> set[tuple[str, str, Decimal]]:
    with app.db.transaction() as conn:
        consumed, produced = lots.alias(), lots.alias()
        rows = conn.execute(
            select(consumed.c.name, produced.c.name, lot_links.c.quantity)
            .join(consumed, consumed.c.id == lot_links.c.consumed_lot_id)
            .join(produced, produced.c.id == lot_links.c.produced_lot_id)
        ).all()
    return {(r[0], r[1], r[2]) for r in rows}


# --- bills of materials ------------------------------------------------------------


def test_a_bom_lists_its_components_and_the_first_is_the_default(shop: Lotline) -> None:
    second = shop.manufacturing.bom("TABLE", {"WOOD": 5}, quantity=2)
    boms = shop.manufacturing.boms("TABLE")
    assert [b.id for b in boms][1] == second.id
    assert [(line.product, line.quantity) for line in boms[0].lines] == [
        ("WOOD", 3),
        ("SCREW", 4),
    ]
    assert shop.manufacturing.order("TABLE", 1).bom == boms[0].id
    mo = shop.manufacturing.confirm(shop.manufacturing.order("TABLE", 4, bom=second))
    assert mo.component("WOOD").quantity == 10


def test_a_bom_refuses_the_product_itself_unknown_products_and_bad_quantities(
    shop: Lotline,
) -> None:
    with pytest.raises(InvalidInput, match="its own bill of materials"):
        shop.manufacturing.bom("TABLE", {"TABLE": 1})
    with pytest.raises(UnknownProduct, match="NOPE"):
        shop.manufacturing.bom("TABLE", {"NOPE": 1})
    with pytest.raises(InvalidQuantity, match="WOOD"):
        shop.manufacturing.bom("TABLE", {"WOOD": 0})
    with pytest.raises(InvalidQuantity):
        shop.manufacturing.bom("TABLE", {"WOOD": 1}, quantity=-1)
    assert len(shop.manufacturing.boms("TABLE")) == 1


def test_an_order_needs_a_bom(shop: Lotline) -> None:
    with pytest.raises(NotFound, match="WOOD has no bill of materials"):
        shop.manufacturing.order("WOOD", 1)


# --- orders ---------------------------------------------------------------------


def test_confirm_reserves_components_fifo_and_orders_are_numbered(shop: Lotline) -> None:
    mo = shop.manufacturing.order("TABLE", 4)
    assert (mo.name, mo.state, mo.lot) == ("WH/MO/00001", "draft", None)
    mo = shop.manufacturing.confirm(mo)
    assert mo.state == "confirmed"
    assert mo.component("WOOD").lots == {"W-1": 10, "W-2": 2}
    assert mo.component("SCREW").reserved == 16
    assert [q.reserved_quantity for q in shop.stock.quants(product="WOOD")] == [10, 2]
    assert shop.manufacturing.order("TABLE", 1).name == "WH/MO/00002"
    with pytest.raises(InvalidState, match="only a draft"):
        shop.manufacturing.confirm(mo)


def test_lot_product_produce_all_generates_a_lot_consumes_and_links(shop: Lotline) -> None:
    mo = shop.manufacturing.confirm(shop.manufacturing.order("TABLE", 2))
    done = shop.manufacturing.produce_all(mo)
    assert done.state == "done" and done.lot is not None
    assert shop.stock.on_hand("TABLE", lot=done.lot) == 2
    assert shop.stock.on_hand("WOOD", lot="W-1") == 4
    assert shop.stock.on_hand("SCREW") == 92
    assert shop.stock.quants(product="WOOD")[0].reserved_quantity == 0
    assert links(shop) == {("W-1", done.lot, Decimal(6))}
    history = shop.adjustments.history("TABLE")
    assert [(h.source, h.destination) for h in history] == [
        ("Virtual Locations/Production", "WH/Stock")
    ]
    assert shop.check().ok


def test_producing_into_an_existing_lot_adds_to_it(shop: Lotline) -> None:
    first = shop.manufacturing.produce_all(shop.manufacturing.order("TABLE", 1))
    mo = shop.manufacturing.confirm(shop.manufacturing.order("TABLE", 2))
    assert shop.manufacturing.set_lot(mo, first.lot or "").name == first.lot
    shop.manufacturing.produce_all(mo)
    assert shop.stock.on_hand("TABLE", lot=first.lot) == 3
    assert shop.check().ok


def test_the_lot_field_exists_once_confirmed_plus_icon_and_create(shop: Lotline) -> None:
    mo = shop.manufacturing.order("TABLE", 1)
    with pytest.raises(InvalidState, match="it is draft, and only a confirmed"):
        shop.manufacturing.generate_lot(mo)
    mo = shop.manufacturing.confirm(mo)
    assert mo.lot is None
    lot = shop.manufacturing.generate_lot(mo)
    assert shop.manufacturing.get(mo.name).lot == lot.name == "TB0000001"
    assert shop.manufacturing.set_lot(mo, "TB-MANUAL").name == "TB-MANUAL"
    assert shop.lots.get("TABLE", "TB-MANUAL").name == "TB-MANUAL"
    assert shop.manufacturing.produce_all(mo).lot == "TB-MANUAL"


def test_serial_single_unit_produce_all_generates_the_next_serial(shop: Lotline) -> None:
    done = shop.manufacturing.produce_all(shop.manufacturing.order("CHAIR", 1))
    assert (done.state, done.lot) == ("done", "CH0000001")
    assert shop.stock.on_hand("CHAIR", lot="CH0000001") == 1
    assert {(c, p) for c, p, _ in links(shop)} == {
        ("W-1", "CH0000001"),
        *(("L" + str(i), "CH0000001") for i in range(1, 5)),
    }
    assert shop.check().ok


def test_a_serial_already_produced_or_on_hand_is_refused(shop: Lotline) -> None:
    receive(shop, "CHAIR", [("CH-OLD", 1)])
    mo = shop.manufacturing.confirm(shop.manufacturing.order("CHAIR", 1))
    with pytest.raises(Conflict, match="This serial number for product CHAIR has already"):
        shop.manufacturing.set_lot(mo, "CH-OLD")
    done = shop.manufacturing.produce_all(mo)
    again = shop.manufacturing.confirm(shop.manufacturing.order("CHAIR", 1))
    with pytest.raises(Conflict, match="already been produced"):
        shop.manufacturing.set_lot(again, done.lot or "")
    assert shop.manufacturing.get(again.name).lot is None


def test_serial_order_of_several_units_asks_for_batch_production(shop: Lotline) -> None:
    mo = shop.manufacturing.confirm(shop.manufacturing.order("CHAIR", 2))
    with pytest.raises(SerialsRequired) as raised:
        shop.manufacturing.produce_all(mo)
    assert (raised.value.first, raised.value.count) == ("CH0000001", 2)
    assert shop.manufacturing.get(mo.name).state == "confirmed"
    assert shop.stock.on_hand("CHAIR") == 0


def test_component_shortage_names_component_missing_quantity_and_place(shop: Lotline) -> None:
    mo = shop.manufacturing.confirm(shop.manufacturing.order("TABLE", 8))
    assert mo.component("WOOD").reserved == 20
    with pytest.raises(InsufficientStock, match=r"WOOD is short by 4 .* in WH/Stock"):
        shop.manufacturing.produce_all(mo)
    after = shop.manufacturing.get(mo.name)
    assert after.state == "confirmed" and after.component("WOOD").reserved == 20
    assert shop.stock.on_hand("WOOD") == 20
    receive(shop, "WOOD", [("W-3", 4)])
    assert shop.manufacturing.produce_all(mo).state == "done"
    assert shop.stock.on_hand("WOOD") == 0
    assert shop.check().ok


def test_an_order_waits_for_components_and_reserves_them_when_producing(shop: Lotline) -> None:
    shop.products.create("GLUE", "Glue", "lot")
    shop.manufacturing.bom("TABLE", {"GLUE": 1})
    mo = shop.manufacturing.confirm(
        shop.manufacturing.order("TABLE", 2, bom=shop.manufacturing.boms("TABLE")[1])
    )
    assert mo.component("GLUE").reserved == 0
    receive(shop, "GLUE", [("G-1", 5)])
    done = shop.manufacturing.produce_all(mo)
    assert done.component("GLUE").lots == {"G-1": 2}
    assert shop.stock.on_hand("GLUE") == 3


def test_set_component_lots_replaces_the_reserved_lots(shop: Lotline) -> None:
    mo = shop.manufacturing.confirm(shop.manufacturing.order("CHAIR", 1))
    assert mo.component("LEG").lots == {f"L{i}": 1 for i in range(1, 5)}
    mo = shop.manufacturing.set_component_lots(mo, "LEG", ["L5", "L6", "L7", "L8"])
    mo = shop.manufacturing.set_component_lots(mo, "WOOD", {"W-2": 2})
    assert mo.component("LEG").lots == {f"L{i}": 1 for i in range(5, 9)}
    done = shop.manufacturing.produce_all(mo)
    assert {c for c, _, _ in links(shop)} == {"W-2", "L5", "L6", "L7", "L8"}
    assert shop.stock.on_hand("LEG") == 4 and shop.stock.on_hand("WOOD", lot="W-2") == 8
    assert done.component("LEG").reserved == 4
    assert shop.check().ok


def test_a_consumed_serial_component_is_refused(shop: Lotline) -> None:
    shop.manufacturing.produce_all(shop.manufacturing.order("CHAIR", 1))
    mo = shop.manufacturing.confirm(shop.manufacturing.order("CHAIR", 1))
    with pytest.raises(
        Conflict, match="The serial number L1 used for component LEG has already been consumed"
    ):
        shop.manufacturing.set_component_lots(mo, "LEG", ["L1", "L5", "L6", "L7"])
    assert shop.manufacturing.get(mo.name).component("LEG").lots == {
        f"L{i}": 1 for i in range(5, 9)
    }


def test_cancel_releases_the_reserved_components(shop: Lotline) -> None:
    mo = shop.manufacturing.confirm(shop.manufacturing.order("TABLE", 2))
    assert shop.manufacturing.cancel(mo).state == "cancelled"
    assert all(q.reserved_quantity == 0 for q in shop.stock.quants())
    with pytest.raises(InvalidState, match="cancelled"):
        shop.manufacturing.produce_all(mo)
    assert [m.state for m in shop.manufacturing.list()] == ["cancelled"]
    assert shop.manufacturing.list(state="done") == []


def test_partial_production_closes_the_order_and_leaves_a_backorder(shop: Lotline) -> None:
    mo = shop.manufacturing.confirm(shop.manufacturing.order("TABLE", 5))
    done = shop.manufacturing.produce(mo, 2)
    assert (done.name, done.state, done.quantity) == ("WH/MO/00001-001", "done", 2)
    family = shop.manufacturing.backorders(done)
    assert [(m.name, m.state, m.quantity) for m in family] == [
        ("WH/MO/00001-001", "done", 2),
        ("WH/MO/00001-002", "confirmed", 3),
    ]
    assert family[1].component("WOOD").reserved == 9
    assert shop.stock.on_hand("TABLE") == 2
    assert shop.manufacturing.produce_all(family[1].name).state == "done"
    assert shop.stock.on_hand("TABLE") == 5 and shop.stock.on_hand("WOOD") == 5
    assert shop.check().ok


def test_three_level_bom_traces_from_raw_material_to_final_product(shop: Lotline) -> None:
    shop.products.create("SEAT", "Seat", "lot", lot_prefix="ST")
    shop.products.create("SET", "Dining set", "serial", lot_prefix="DS")
    shop.manufacturing.bom("SEAT", {"WOOD": 1})
    shop.manufacturing.bom("CHAIR", {"SEAT": 1, "LEG": 4}, quantity=1)
    shop.manufacturing.bom("SET", {"CHAIR": 1, "TABLE": 1})
    seat = shop.manufacturing.produce_all(shop.manufacturing.order("SEAT", 1))
    chair_bom = shop.manufacturing.boms("CHAIR")[1]
    chair = shop.manufacturing.produce_all(shop.manufacturing.order("CHAIR", 1, bom=chair_bom))
    table = shop.manufacturing.produce_all(shop.manufacturing.order("TABLE", 1))
    dining = shop.manufacturing.produce_all(shop.manufacturing.order("SET", 1))
    found = {(c, p) for c, p, _ in links(shop)}
    assert ("W-1", seat.lot) in found and (seat.lot, chair.lot) in found
    assert {(chair.lot, dining.lot), (table.lot, dining.lot)} <= found
    assert shop.stock.on_hand("SET") == 1 and shop.stock.on_hand("CHAIR") == 0
    assert shop.check().ok


def test_refused_production_changes_nothing(shop: Lotline) -> None:
    mo = shop.manufacturing.confirm(shop.manufacturing.order("TABLE", 10))
    with shop.db.transaction() as conn:
        before = conn.execute(select(func.count()).select_from(move_lines)).scalar_one()
    with pytest.raises(InsufficientStock):
        shop.manufacturing.produce_all(mo)
    with shop.db.transaction() as conn:
        assert conn.execute(select(func.count()).select_from(move_lines)).scalar_one() == before
        assert conn.execute(select(func.count()).select_from(operations)).scalar_one() > 0
    assert shop.manufacturing.get(mo.name).lot is None
    with pytest.raises(InvalidQuantity, match="at most the planned"):
        shop.manufacturing.produce(mo, 11)


def test_a_lot_component_used_in_part_by_an_earlier_order_can_be_chosen_again(
    shop: Lotline,
) -> None:
    shop.products.create("FLOUR", "Flour", "lot")
    shop.products.create("BREAD", "Bread", "lot")
    receive(shop, "FLOUR", [("F-01", 10), ("F-02", 10)])
    shop.manufacturing.bom("BREAD", {"FLOUR": 1})
    shop.manufacturing.produce_all(shop.manufacturing.order("BREAD", 1))
    assert shop.stock.on_hand("FLOUR", lot="F-01") == 9
    mo = shop.manufacturing.confirm(shop.manufacturing.order("BREAD", 2))
    mo = shop.manufacturing.set_component_lots(mo, "FLOUR", {"F-02": 1, "F-01": 1})
    assert mo.component("FLOUR").lots == {"F-01": 1, "F-02": 1}
    shop.manufacturing.produce_all(mo)
    assert shop.stock.on_hand("FLOUR", lot="F-01") == 8
    assert shop.check().ok


def test_component_lots_are_read_like_every_other_list_of_lots(shop: Lotline) -> None:
    mo = shop.manufacturing.confirm(shop.manufacturing.order("CHAIR", 1))
    with pytest.raises(InvalidInput, match="serial number L5 of LEG is given twice"):
        shop.manufacturing.set_component_lots(mo, "LEG", ["L5", "L5"])
    with pytest.raises(InvalidQuantity, match="serial L5 is one unit, not 2"):
        shop.manufacturing.set_component_lots(mo, "LEG", {"L5": 2})
    with pytest.raises(InvalidQuantity, match="5 of LEG given, but WH/MO/00001 needs 4"):
        shop.manufacturing.set_component_lots(mo, "LEG", ["L1", "L2", "L3", "L4", "L5"])
    with pytest.raises(UnknownLot) as unknown:
        shop.manufacturing.set_component_lots(mo, "LEG", ["L1", "NOPE"])
    assert unknown.value.details == {"product": "LEG", "lot": "NOPE"}
    with pytest.raises(UnknownProduct, match="TABLE is not a component of WH/MO/00001"):
        shop.manufacturing.set_component_lots(mo, "TABLE", {"T": 1})
    assert shop.manufacturing.get(mo.name).component("LEG").lots == {
        f"L{i}": 1 for i in range(1, 5)
    }


def test_a_named_component_lot_short_of_stock_names_lot_place_and_quantities(
    shop: Lotline,
) -> None:
    first = shop.manufacturing.confirm(shop.manufacturing.order("TABLE", 3))
    assert first.component("WOOD").lots == {"W-1": 9}
    mo = shop.manufacturing.confirm(shop.manufacturing.order("TABLE", 1))
    with pytest.raises(InsufficientStock) as short:
        shop.manufacturing.set_component_lots(mo, "WOOD", {"W-1": 3})
    assert str(short.value) == (
        "Not enough of lot W-1 of component WOOD in WH/Stock: 1 available and not reserved, "
        "3 needed. Choose another lot."
    )
    assert short.value.details == {
        "product": "WOOD",
        "lot": "W-1",
        "location": "WH/Stock",
        "available": "1",
        "quantity": "3",
    }


def test_refusals_name_no_command_and_carry_the_document_and_product(shop: Lotline) -> None:
    with pytest.raises(UnknownOperation) as unknown:
        shop.manufacturing.get("WH/MO/09999")
    assert unknown.value.details == {"document": "WH/MO/09999"}
    with pytest.raises(NotFound) as no_bom:
        shop.manufacturing.order("WOOD", 1)
    assert no_bom.value.details == {"product": "WOOD"}
    mo = shop.manufacturing.confirm(shop.manufacturing.order("CHAIR", 2))
    with pytest.raises(SerialsRequired) as serials:
        shop.manufacturing.produce_all(mo)
    assert serials.value.details == {
        "first": "CH0000001",
        "count": 2,
        "document": "WH/MO/00001",
        "product": "CHAIR",
    }
    cancelled = shop.manufacturing.cancel(mo)
    with pytest.raises(InvalidState) as closed:
        shop.manufacturing.set_lot(cancelled, "CH-1")
    assert str(closed.value) == (
        "Cannot set the lot of WH/MO/00001: it is cancelled, and a cancelled document "
        "stays cancelled."
    )
    assert closed.value.details["action"] == "set_lot"
    for refusal in (unknown, no_bom, serials, closed):
        assert "lotline" not in str(refusal.value) and "`" not in str(refusal.value)


def test_the_backorder_of_a_partial_batch_remembers_the_order_it_came_from(
    shop: Lotline,
) -> None:
    mo = shop.manufacturing.confirm(shop.manufacturing.order("CHAIR", 3))
    shop.manufacturing.batch_produce(mo, count=2, complete=False)
    with shop.db.transaction() as conn:
        rows = conn.execute(
            select(operations.c.name, operations.c.backorder_of_id)
            .where(operations.c.kind == "manufacturing")
            .order_by(operations.c.id)
        ).all()
    assert [(name, of is not None) for name, of in rows] == [
        ("WH/MO/00001-001", False),
        ("WH/MO/00001-002", False),
        ("WH/MO/00001-003", True),
    ]
