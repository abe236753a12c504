"""The manufacturing commands end to end, on a SQLite file."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from lotline.cli import app


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert cli(url, "init")[0] == 0
    for args in (
        ["products", "add", "CHAIR", "Chair", "--tracking", "serial", "--lot-prefix", "CH"],
        ["products", "add", "TABLE", "Table", "--tracking", "lot", "--lot-prefix", "TB"],
        ["products", "add", "WOOD", "Wood", "--tracking", "lot"],
    ):
        assert cli(url, *args)[0] == 0
    return url


def cli(db: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["--db", db, *args], terminal_width=200)
    return result.exit_code, result.output


def stock_wood(db: str, lot: str, qty: int) -> None:
    import lotline

    with lotline.open(db, user="tester") as opened:
        opened.adjustments.set_quantity("WOOD", "WH/Stock", qty, lot=lot)


def test_bom_and_lot_order_from_create_to_done(db: str) -> None:
    stock_wood(db, "W-1", 10)
    code, out = cli(db, "bom", "add", "TABLE", "WOOD:3")
    assert code == 0 and "1 TABLE = 3 WOOD" in out
    assert "WOOD:3" in cli(db, "bom", "list", "TABLE")[1]
    assert "WH/MO/00001 created" in cli(db, "mo", "create", "TABLE", "2")[1]
    code, out = cli(db, "mo", "confirm", "WH/MO/00001")
    assert code == 0 and "W-1 (6)" in out
    code, out = cli(db, "mo", "lot", "WH/MO/00001", "--generate")
    assert code == 0 and "TB0000001" in out
    code, out = cli(db, "mo", "produce", "WH/MO/00001")
    assert code == 0 and "done" in out
    assert "done" in cli(db, "mo", "list", "--state", "done")[1]
    assert cli(db, "check")[0] == 0


def test_serial_batch_produce_prepare_and_backorders(db: str, tmp_path: Path) -> None:
    stock_wood(db, "W-1", 20)
    cli(db, "bom", "add", "CHAIR", "WOOD:2")
    cli(db, "mo", "create", "CHAIR", "3", "--confirm")
    code, out = cli(db, "mo", "produce", "WH/MO/00001", "--first-serial", "CH-10", "--count", "2")
    assert code == 0 and "WH/MO/00001-001" in out and "CH-11" in out
    serials = tmp_path / "serials.txt"
    serials.write_text("CH-20,W-1\n", encoding="utf-8")
    code, out = cli(
        db, "mo", "produce", "WH/MO/00001-003", "--serials-file", str(serials), "--prepare"
    )
    assert code == 0 and "CH-20" in out and "confirmed" in out
    code, out = cli(db, "mo", "backorders", "WH/MO/00001-002")
    assert out.count("WH/MO/00001-00") == 3
    assert cli(db, "mo", "produce", "WH/MO/00001-003")[0] == 0
    assert cli(db, "check")[0] == 0


def test_produce_all_of_several_serials_runs_the_proposed_batch(db: str) -> None:
    stock_wood(db, "W-1", 20)
    cli(db, "bom", "add", "CHAIR", "WOOD:2")
    cli(db, "mo", "create", "CHAIR", "2", "--confirm")
    code, out = cli(db, "mo", "produce", "WH/MO/00001")
    assert code == 0 and "first serial CH0000001, 2 serials" in out
    assert "CH0000002" in out


def test_refusals_are_clear(db: str) -> None:
    code, out = cli(db, "bom", "add", "TABLE", "WOOD")
    assert code == 2 and "CODE:QTY" in out
    cli(db, "bom", "add", "TABLE", "WOOD:3")
    cli(db, "mo", "create", "TABLE", "2", "--confirm")
    code, out = cli(db, "mo", "produce", "WH/MO/00001")
    assert code == 2 and "WOOD is short by 6" in out
    code, out = cli(db, "mo", "lot", "WH/MO/00001")
    assert code == 2 and "--generate or --set" in out
    assert cli(db, "mo", "show", "WH/MO/99999")[0] == 2
