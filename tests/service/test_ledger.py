from decimal import Decimal

import pytest
from sqlalchemy import Connection, func, select

from lotline.app import Lotline
from lotline.errors import (
    InsufficientStock,
    InvalidInput,
    InvalidQuantity,
    MissingLot,
    SerialAlreadyInStock,
)
from lotline.store.schema import move_lines, quants
from tests.conftest import StatementCounter
from tests.support import move, post_lots, receive


@pytest.fixture
def products(app: Lotline) -> Lotline:
    app.products.create("CHAIR", "Chair", "serial")
    app.products.create("WOOD", "Wood", "lot")
    app.products.create("SCREW", "Screw", "none")
    app.locations.create("WH/Stock/Shelf 1")
    return app


def test_receipt_puts_lots_on_hand_exactly(products: Lotline) -> None:
    receive(products, "WOOD", [("W-1", Decimal("10.25")), ("W-2", 4)])
    assert products.stock.on_hand("WOOD") == Decimal("14.25")
    assert products.stock.on_hand("WOOD", lot="W-1") == Decimal("10.25")
    assert products.check().ok


def test_stock_of_a_location_includes_its_children(products: Lotline) -> None:
    receive(products, "WOOD", [("W-1", 3)], destination="WH/Stock/Shelf 1")
    receive(products, "WOOD", [("W-2", 2)])
    assert products.stock.on_hand("WOOD", "WH/Stock") == 5
    assert products.stock.on_hand("WOOD", "WH/Stock/Shelf 1") == 3
    assert [q.location for q in products.stock.quants(location="WH/Stock/Shelf 1")] == [
        "WH/Stock/Shelf 1"
    ]


def test_second_receipt_of_same_serial_is_refused(products: Lotline) -> None:
    receive(products, "CHAIR", [("SN1", 1)])
    with pytest.raises(SerialAlreadyInStock, match=r"SN1.*WH/Stock"):
        receive(products, "CHAIR", [("SN1", 1)], destination="WH/Stock/Shelf 1")
    assert products.stock.on_hand("CHAIR") == 1
    assert products.check().ok


def test_same_serial_twice_in_one_posting_is_refused_and_nothing_is_written(
    products: Lotline,
) -> None:
    with pytest.raises(SerialAlreadyInStock):
        receive(products, "CHAIR", [("SN1", 1), ("SN2", 1), ("SN1", 1)])
    assert products.stock.on_hand("CHAIR") == 0
    assert products.adjustments is not None
    with products.db.transaction() as conn:
        assert conn.execute(select(func.count()).select_from(move_lines)).scalar_one() == 0


def test_a_serial_quantity_of_two_is_refused(products: Lotline) -> None:
    with pytest.raises(InvalidQuantity, match="one unit"):
        receive(products, "CHAIR", [("SN1", 2)])


def test_a_tracked_product_cannot_enter_stock_without_a_lot(products: Lotline) -> None:
    with pytest.raises(MissingLot, match="WOOD"):
        receive(products, "WOOD", [(None, 5)])


def test_a_serial_moves_between_shelves_without_being_on_hand_twice(products: Lotline) -> None:
    receive(products, "CHAIR", [("SN1", 1)])
    move(products, "CHAIR", [("SN1", 1)], "WH/Stock", "WH/Stock/Shelf 1")
    quants_now = products.stock.quants(product="CHAIR")
    assert [(q.location, q.lot, q.quantity) for q in quants_now] == [("WH/Stock/Shelf 1", "SN1", 1)]
    assert products.check().ok


def test_tracked_stock_never_goes_negative(products: Lotline) -> None:
    receive(products, "WOOD", [("W-1", 3)])
    with pytest.raises(InsufficientStock, match=r"W-1.*WH/Stock.*3 on hand, 5 needed"):
        move(products, "WOOD", [("W-1", 5)], "WH/Stock", "Partners/Customers")
    assert products.stock.on_hand("WOOD") == 3


def test_a_shortage_names_the_product_lot_place_and_quantities_in_its_details(
    products: Lotline,
) -> None:
    receive(products, "WOOD", [("W-1", Decimal("3.5"))])
    with pytest.raises(InsufficientStock) as refused:
        move(products, "WOOD", [("W-1", 5)], "WH/Stock", "Partners/Customers")
    assert refused.value.details == {
        "product": "WOOD",
        "lot": "W-1",
        "location": "WH/Stock",
        "needed": "5",
        "available": "3.5",
    }


def test_a_shortage_of_untracked_stock_has_no_lot_in_its_details(products: Lotline) -> None:
    with pytest.raises(InsufficientStock, match=r"Not enough SCREW in WH/Stock") as refused:
        move(products, "SCREW", [(None, 2)], "WH/Stock", "Partners/Customers")
    assert refused.value.details["lot"] is None
    assert (refused.value.details["needed"], refused.value.details["available"]) == ("2", "0")


def test_a_serial_already_in_stock_names_the_serial_and_where_it_is(products: Lotline) -> None:
    receive(products, "CHAIR", [("SN1", 1)], destination="WH/Stock/Shelf 1")
    with pytest.raises(SerialAlreadyInStock) as refused:
        receive(products, "CHAIR", [("SN1", 1)])
    assert refused.value.details == {
        "product": "CHAIR",
        "lot": "SN1",
        "location": "WH/Stock/Shelf 1",
    }


def test_a_serial_twice_in_one_operation_names_it_in_its_details(products: Lotline) -> None:
    with pytest.raises(SerialAlreadyInStock, match="appears 2 times") as refused:
        receive(products, "CHAIR", [("SN1", 1), ("SN1", 1)])
    assert refused.value.details == {
        "product": "CHAIR",
        "lot": "SN1",
        "location": "WH/Stock",
        "quantity": "2",
    }


def test_a_refused_move_line_carries_its_product_places_and_quantity(products: Lotline) -> None:
    with pytest.raises(MissingLot) as refused:
        receive(products, "WOOD", [(None, 5)])
    assert refused.value.details == {
        "product": "WOOD",
        "quantity": "5",
        "source": "Partners/Vendors",
        "destination": "WH/Stock",
    }


def test_untracked_stock_goes_negative_only_when_explicitly_allowed(products: Lotline) -> None:
    with pytest.raises(InsufficientStock, match="SCREW"):
        move(products, "SCREW", [(None, 5)], "WH/Stock", "Partners/Customers")
    move(products, "SCREW", [(None, 5)], "WH/Stock", "Partners/Customers", allow_negative=True)
    assert products.stock.on_hand("SCREW") == -5
    with pytest.raises(InsufficientStock):
        move(products, "SCREW", [(None, 1)], "WH/Stock", "Partners/Customers")
    assert products.check().ok


def test_tracked_stock_cannot_go_negative_even_when_allowed(products: Lotline) -> None:
    with pytest.raises(InsufficientStock):
        move(products, "WOOD", [("W-9", 1)], "WH/Stock", "Partners/Customers", allow_negative=True)


def test_posting_ten_thousand_serials_is_one_bulk_statement_per_table(
    products: Lotline, count_statements: object
) -> None:
    serials = [(f"SN{i:06d}", 1) for i in range(10_000)]
    with StatementCounter(products.db.engine) as counter:
        receive(products, "CHAIR", serials)
    assert counter.count(lambda s: s.startswith("INSERT INTO move_lines")) == 1
    assert counter.count(lambda s: s.startswith("INSERT INTO quants")) == 1
    assert counter.count(lambda s: s.startswith("INSERT INTO lots")) == 1
    assert counter.count() < 20
    assert products.stock.on_hand("CHAIR") == 10_000
    with products.db.transaction() as conn:
        assert conn.execute(select(func.count()).select_from(quants)).scalar_one() == 10_001


def test_virtual_locations_hold_the_other_side_so_every_product_balances(
    products: Lotline,
) -> None:
    receive(products, "WOOD", [("W-1", 7)])
    move(products, "WOOD", [("W-1", 2)], "WH/Stock", "Partners/Customers")
    vendors = products.stock.quants(product="WOOD", location="Partners/Vendors")
    customers = products.stock.quants(product="WOOD", location="Partners/Customers")
    assert [q.quantity for q in vendors] == [-7]
    assert [q.quantity for q in customers] == [2]
    assert products.check().ok


def test_reserved_quantity_is_released_as_stock_leaves(products: Lotline) -> None:
    from lotline.services import ledger
    from lotline.services.base import utcnow
    from lotline.services.catalog import get_product
    from lotline.services.locations import get_location
    from lotline.services.lots import ensure_lots
    from lotline.store.schema import quants as quants_table

    receive(products, "WOOD", [("W-1", 5)])
    with products.db.transaction() as conn:
        conn.execute(
            quants_table.update()
            .where(quants_table.c.internal)
            .values(reserved_quantity=Decimal(3))
        )
    with products.db.transaction() as conn:
        wood = get_product(conn, "WOOD")
        lot_id = ensure_lots(conn, wood, ["W-1"])["W-1"]
        op = post_lots(conn, "WOOD", [])
        stock, customers = get_location(conn, "WH/Stock"), get_location(conn, "Partners/Customers")
        ledger.post(
            conn,
            op,
            [
                ledger.Posting(
                    wood.id, lot_id, Decimal(3), stock.id, customers.id, unreserve=Decimal(3)
                )
            ],
            user="t",
            at=utcnow(),
        )
    [quant] = products.stock.quants(product="WOOD")
    assert (quant.quantity, quant.reserved_quantity) == (2, 0)


def test_a_lot_cannot_be_posted_for_an_untracked_product(products: Lotline) -> None:
    with pytest.raises(InvalidInput, match="SCREW is not tracked"):
        receive(products, "SCREW", [("L-1", 3)])
    assert products.stock.on_hand("SCREW") == 0


def test_the_database_refuses_a_lot_of_another_product(products: Lotline) -> None:
    from lotline.services import ledger
    from lotline.services.base import utcnow
    from lotline.services.catalog import get_product
    from lotline.services.locations import get_location
    from lotline.services.lots import ensure_lots

    def post_wood_with_a_chair_serial(conn: Connection) -> None:
        chair, wood = get_product(conn, "CHAIR"), get_product(conn, "WOOD")
        serial = ensure_lots(conn, chair, ["SN1"])["SN1"]
        op = post_lots(conn, "WOOD", [])
        vendors, stock = get_location(conn, "Partners/Vendors"), get_location(conn, "WH/Stock")
        ledger.post(
            conn,
            op,
            [ledger.Posting(wood.id, serial, Decimal(1), vendors.id, stock.id)],
            user="t",
            at=utcnow(),
        )

    with pytest.raises(InvalidInput, match="does not belong"):
        products.db.run(post_wood_with_a_chair_serial)
    assert products.stock.on_hand("WOOD") == 0
    assert products.lots.find("CHAIR") == []
