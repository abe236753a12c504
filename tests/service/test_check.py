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
