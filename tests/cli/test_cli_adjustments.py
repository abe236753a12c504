"""End-to-end tests of the adjustment, count, history and tracking commands, on a SQLite file."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

import lotline
from lotline.cli import app


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    lotline.open(url).close()
    return url


def lotline_cli(db: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["--db", db, *args])
    return result.exit_code, result.output


def on_hand(db: str, product: str, location: str | None = None) -> str:
    with lotline.open(db) as opened:
        return str(opened.stock.on_hand(product, location))


@pytest.fixture
def stocked(db: str) -> str:
    """PAINT and LAMP stocked without lots in WH/Stock and WH/Backroom."""
    lotline_cli(db, "locations", "add", "WH/Backroom")
    lotline_cli(db, "products", "add", "PAINT", "Paint")
    lotline_cli(db, "products", "add", "LAMP", "Lamp")
    for args in (
        ("PAINT", "WH/Stock", "12.5"),
        ("PAINT", "WH/Backroom", "4"),
        ("LAMP", "WH/Stock", "3"),
        ("LAMP", "WH/Backroom", "2"),
    ):
        code, out = lotline_cli(db, "adjust", *args)
        assert code == 0, out
    return db


def test_adjust_sets_the_quantity_and_history_shows_it(db: str) -> None:
    lotline_cli(db, "products", "add", "WOOD", "Wood", "--tracking", "lot")
    code, out = lotline_cli(db, "adjust", "WOOD", "WH/Stock", "7.5", "--lot", "W-1")
    assert code == 0 and "INV/00001 (Product Quantity Updated)" in out
    code, out = lotline_cli(db, "adjust", "WOOD", "WH/Stock", "7.5", "--lot", "W-1")
    assert code == 0 and "Nothing to adjust" in out
    lotline_cli(db, "adjust", "WOOD", "WH/Stock", "2", "--lot", "W-1", "--reason", "Broken")
    code, out = lotline_cli(db, "history", "WOOD", "--lot", "W-1", "--location", "WH")
    assert code == 0
    assert out.index("Broken") < out.index("Product Quantity Updated")
    assert "5.5" in out and "7.5" in out and "INV/00002" in out
    assert on_hand(db, "WOOD") == "2"


def test_refused_adjustments_exit_2_and_change_nothing(db: str) -> None:
    lotline_cli(db, "products", "add", "CHAIR", "Chair", "--tracking", "serial")
    code, out = lotline_cli(db, "adjust", "CHAIR", "WH/Stock", "2", "--lot", "SN1")
    assert code == 2 and "one unit" in out
    code, out = lotline_cli(db, "adjust", "CHAIR", "WH/Nowhere", "1", "--lot", "SN1")
    assert code == 2 and "WH/Nowhere" in out
    code, out = lotline_cli(db, "adjust", "NOPE", "WH/Stock", "1")
    assert code == 2 and "NOPE" in out
    code, out = lotline_cli(db, "count", "CHAIR", "WH/Stock", "lots", "--lot", "SN1")
    assert code == 2 and "not a number" in out
    assert on_hand(db, "CHAIR") == "0"
    assert lotline_cli(db, "counts")[1].strip() == "No pending counts."


def test_counts_are_listed_applied_set_and_cleared(db: str) -> None:
    lotline_cli(db, "products", "add", "SCREW", "Screw")
    lotline_cli(db, "adjust", "SCREW", "WH/Stock", "50")
    code, out = lotline_cli(db, "count", "SCREW", "WH/Stock", "45")
    assert code == 0 and "(on hand 50, difference -5)" in out
    code, out = lotline_cli(db, "counts")
    assert "SCREW" in out and "45" in out and "-5" in out
    assert on_hand(db, "SCREW") == "50"
    code, out = lotline_cli(db, "counts", "--apply", "--reason", "Yearly count")
    assert code == 0 and "(Yearly count)" in out
    assert on_hand(db, "SCREW") == "45"
    code, out = lotline_cli(db, "counts", "--set")
    assert code == 0 and "1 on-hand quantity copied into counts" in out and "45" in out
    code, out = lotline_cli(db, "counts", "--clear")
    assert code == 0 and "1 count(s) cleared" in out
    code, out = lotline_cli(db, "counts", "--apply", "--clear")
    assert code == 2 and "Choose one" in out


def test_an_outdated_count_is_refused_until_forced(db: str) -> None:
    lotline_cli(db, "products", "add", "SCREW", "Screw")
    lotline_cli(db, "adjust", "SCREW", "WH/Stock", "50")
    lotline_cli(db, "count", "SCREW", "WH/Stock", "45")
    lotline_cli(db, "adjust", "SCREW", "WH/Stock", "40")
    code, out = lotline_cli(db, "counts")
    assert "outdated" in out
    code, out = lotline_cli(db, "counts", "--apply")
    assert code == 2 and "50 on hand when counted, 40 now" in out
    assert on_hand(db, "SCREW") == "40"
    code, out = lotline_cli(db, "counts", "--apply", "--force")
    assert code == 0 and on_hand(db, "SCREW") == "45"


def test_revert_undoes_an_adjustment_once(db: str) -> None:
    lotline_cli(db, "products", "add", "SCREW", "Screw")
    lotline_cli(db, "adjust", "SCREW", "WH/Stock", "50")
    code, out = lotline_cli(db, "revert", "INV/00001")
    assert code == 0 and "INV/00002 (Product Quantity Updated [reverted]) reverts INV/00001" in out
    assert on_hand(db, "SCREW") == "0"
    code, out = lotline_cli(db, "revert", "INV/00001")
    assert code == 2 and "already reverted by INV/00002" in out


def test_seed_000_by_hand_on_the_command_line(stocked: str) -> None:
    db = stocked
    code, out = lotline_cli(db, "products", "set-tracking", "PAINT", "lot")
    assert code == 0 and "now tracked by lot" in out
    assert "You have product(s) in stock that have no lot/serial number." in out
    assert "- WH/Backroom: 4 Units" in out and "- WH/Stock: 12.5 Units" in out
    code, out = lotline_cli(db, "stock-untracked")
    assert "PAINT" in out and "12.5" in out and "LAMP" not in out
    for location in ("WH/Stock", "WH/Backroom"):
        assert lotline_cli(db, "adjust", "PAINT", location, "0")[0] == 0
    code, out = lotline_cli(db, "history", "PAINT", "--location", "WH/Stock")
    assert "12.5" in out and "Virtual Locations/Inventory" in out
    lotline_cli(db, "adjust", "PAINT", "WH/Stock", "12.5", "--lot", "P-1")
    lotline_cli(db, "adjust", "PAINT", "WH/Backroom", "4", "--lot", "P-2")
    assert on_hand(db, "PAINT") == "16.5"
    code, out = lotline_cli(db, "stock-untracked")
    assert "All stock of tracked products has a lot/serial number." in out
    assert lotline_cli(db, "check")[0] == 0


def test_assign_lots_three_ways(stocked: str, tmp_path: Path) -> None:
    db = stocked
    lotline_cli(db, "products", "set-tracking", "PAINT", "lot")
    lotline_cli(db, "products", "set-tracking", "LAMP", "serial")
    code, out = lotline_cli(
        db, "assign-lots", "PAINT", "WH/Stock", "--lot", "P-1:10", "--lot", "P-2:2.5"
    )
    assert code == 0 and "now has lot/serial numbers" in out
    code, out = lotline_cli(
        db, "assign-lots", "LAMP", "WH/Stock", "--first-serial", "LMP-0001", "--count", "3"
    )
    assert code == 0
    serials = tmp_path / "serials.txt"
    serials.write_text("LMP-0101\nLMP-0102\n")
    code, out = lotline_cli(
        db, "assign-lots", "LAMP", "WH/Backroom", "--serials-file", str(serials)
    )
    assert code == 0
    code, out = lotline_cli(db, "stock", "--product", "LAMP")
    assert all(name in out for name in ("LMP-0001", "LMP-0003", "LMP-0101", "LMP-0102"))
    code, out = lotline_cli(db, "stock-untracked")
    assert "LAMP" not in out and "PAINT" in out and "WH/Backroom" in out
    assert on_hand(db, "PAINT") == "16.5" and on_hand(db, "LAMP") == "5"
    assert lotline_cli(db, "check")[0] == 0


def test_assign_lots_refusals_exit_2_and_change_nothing(stocked: str) -> None:
    db = stocked
    lotline_cli(db, "products", "set-tracking", "LAMP", "serial")
    code, out = lotline_cli(db, "assign-lots", "LAMP", "WH/Stock", "--lot", "L1", "--lot", "L2")
    assert code == 2 and "add up to 2, but 3 is on hand at WH/Stock" in out
    code, out = lotline_cli(db, "assign-lots", "LAMP", "WH/Stock")
    assert code == 2 and "Give the lots one way" in out
    code, out = lotline_cli(db, "assign-lots", "LAMP", "WH/Stock", "--lot", "L1", "--lot", "L1")
    assert code == 2 and "given twice" in out
    code, out = lotline_cli(db, "assign-lots", "LAMP", "WH/Stock", "--serials-file", "/nope.txt")
    assert code == 2 and "/nope.txt" in out
    code, out = lotline_cli(db, "stock-untracked", "--product", "LAMP")
    assert "3" in out and "2" in out
    code, out = lotline_cli(db, "products", "set-tracking", "LAMP", "batch")
    assert code == 2 and "none, lot, serial" in out


def test_switching_back_to_none_prints_the_lots_warning(stocked: str) -> None:
    db = stocked
    lotline_cli(db, "products", "set-tracking", "PAINT", "lot")
    lotline_cli(db, "assign-lots", "PAINT", "WH/Backroom", "--lot", "P-1:4")
    code, out = lotline_cli(db, "products", "set-tracking", "PAINT", "none")
    assert code == 0 and "no longer tracked" in out
    assert "still have a lot/serial number" in out and "- WH/Backroom: 4 Units in 1" in out
