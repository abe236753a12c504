from sqlalchemy import text

from lotline.app import Lotline
from tests.support import move, receive, tamper_quant


def test_check_is_clean_after_postings(app: Lotline) -> None:
    app.products.create("WOOD", "Wood", "lot")
    receive(app, "WOOD", [("W-1", 10), ("W-2", 5)])
    move(app, "WOOD", [("W-1", 4)], "WH/Stock", "Partners/Customers")
    report = app.check()
    assert report.ok
    assert report.move_lines == 3


def test_check_finds_a_quant_edited_behind_the_ledgers_back(app: Lotline) -> None:
    app.products.create("WOOD", "Wood", "lot")
    receive(app, "WOOD", [("W-1", 10)])
    tamper_quant(app, "WOOD", 3_000_000)  # +3 units, in storage millionths
    report = app.check()
    assert not report.ok
    kinds = sorted(d.kind for d in report.differences)
    assert kinds == ["balance", "quant"]
    quant = next(d for d in report.differences if d.kind == "quant")
    assert (quant.product, quant.location, quant.lot) == ("WOOD", "WH/Stock", "W-1")
    assert (quant.recorded, quant.expected) == (13, 10)
    assert "quant says 13, the ledger says 10" in quant.describe()


def _reserved_delivery(app: Lotline) -> str:
    """PART: 100 on hand in WH/Stock, 5 of them reserved by a delivery; returns its name."""
    app.products.create("PART", "Part", "lot")
    receive(app, "PART", [("P-1", 100)])
    delivery = app.transfers.delivery([{"product": "PART", "quantity": 5}])
    return app.transfers.reserve(delivery.name).name


def test_check_proves_each_quant_reserves_what_open_documents_hold(app: Lotline) -> None:
    name = _reserved_delivery(app)
    app.products.create("KIT", "Kit", "lot")
    app.manufacturing.bom("KIT", {"PART": 2})
    mo = app.manufacturing.confirm(app.manufacturing.order("KIT", 3))
    assert [q.reserved_quantity for q in app.stock.quants(product="PART")] == [11]
    assert app.check().ok
    app.manufacturing.cancel(mo.name)
    app.transfers.validate(name)
    assert app.check().ok


def test_check_finds_a_component_reservation_released_twice(app: Lotline) -> None:
    _reserved_delivery(app)
    app.products.create("KIT", "Kit", "lot")
    app.manufacturing.bom("KIT", {"PART": 2})
    app.manufacturing.confirm(app.manufacturing.order("KIT", 3))
    with app.db.transaction() as conn:  # what a second, unlocked cancel did
        conn.execute(
            text("UPDATE quants SET reserved_quantity = reserved_quantity - 6000000 WHERE internal")
        )
    [found] = app.check().differences
    assert (found.kind, found.recorded, found.expected) == ("reserved", 5, 11)


def test_check_finds_a_reservation_changed_behind_the_documents_back(app: Lotline) -> None:
    _reserved_delivery(app)
    with app.db.transaction() as conn:
        conn.execute(text("UPDATE quants SET reserved_quantity = 3000000 WHERE internal"))
    report = app.check()
    assert not report.ok
    [found] = report.differences
    assert (found.kind, found.product, found.location, found.lot) == (
        "reserved",
        "PART",
        "WH/Stock",
        "P-1",
    )
    assert (found.recorded, found.expected) == (3, 5)
    assert found.describe() == (
        "product PART lot P-1 at WH/Stock: quant reserves 3, open documents hold 5"
    )


def test_check_finds_a_reservation_no_open_document_holds(app: Lotline) -> None:
    name = _reserved_delivery(app)
    with app.db.transaction() as conn:
        conn.execute(text("UPDATE operations SET state = 'cancelled' WHERE name = :n"), {"n": name})
    [found] = app.check().differences
    assert (found.kind, found.recorded, found.expected) == ("reserved", 5, 0)
