"""End-to-end tests of the transfer commands, on a SQLite file."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

import lotline
from lotline.cli import app


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    with lotline.open(url) as opened:
        opened.products.create("CHAIR", "Chair", "serial")
        opened.products.create("WOOD", "Wood", "lot")
        opened.locations.create("WH/Stock/Shelf 1")
    return url


def lotline_cli(db: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["--db", db, *args])
    return result.exit_code, result.output


def on_hand(db: str, product: str, location: str | None = None) -> dict[str | None, int]:
    with lotline.open(db) as opened:
        return {
            q.lot: int(q.quantity)
            for q in opened.stock.quants(product=product, location=location)
            if q.quantity
        }


def test_receive_lots_and_serials_in_every_way(db: str, tmp_path: Path) -> None:
    code, out = lotline_cli(
        db, "receive", "WOOD", "80", "--lot", "A-1:40", "--lot", "A-2:40", "--partner", "Wood Co"
    )
    assert code == 0, out
    assert "WH/IN/00001" in out and "done" in out and "A-1: 40" in out
    assert lotline_cli(db, "receive", "CHAIR", "2", "--serials", "S1,S2")[0] == 0
    code, out = lotline_cli(db, "receive", "CHAIR", "3", "--first-serial", "SN0009", "--count", "3")
    assert code == 0, out
    serials = tmp_path / "serials.txt"
    serials.write_text("F-1\nF-2\n")
    code, out = lotline_cli(
        db, "receive", "CHAIR", "2", "--serials-file", str(serials), "--to", "WH/Stock/Shelf 1"
    )
    assert code == 0, out
    assert on_hand(db, "WOOD") == {"A-1": 40, "A-2": 40}
    assert on_hand(db, "CHAIR", "WH/Stock/Shelf 1") == {"F-1": 1, "F-2": 1}
    assert set(on_hand(db, "CHAIR")) == {"S1", "S2", "SN0009", "SN0010", "SN0011", "F-1", "F-2"}
    assert lotline_cli(db, "check")[0] == 0


def test_refusals_exit_2_and_change_nothing(db: str) -> None:
    lotline_cli(db, "receive", "CHAIR", "1", "--serials", "S1")
    code, out = lotline_cli(db, "receive", "CHAIR", "2", "--serials", "S2,S1")
    assert code == 2 and "S1" in out and "WH/Stock" in out
    code, out = lotline_cli(db, "receive", "WOOD", "5")
    assert code == 2 and "WOOD" in out
    code, out = lotline_cli(db, "deliver", "CHAIR", "1", "--serials", "S9")
    assert code == 2 and "S9" in out
    code, out = lotline_cli(db, "receive", "WOOD", "5", "--lot", "A:2", "--lot", "B")
    assert code == 2 and "NAME:QTY" in out
    assert on_hand(db, "CHAIR") == {"S1": 1}


def test_deliver_reserves_fifo_and_partial_leaves_a_backorder(db: str) -> None:
    lotline_cli(db, "receive", "WOOD", "10", "--lot", "A:10")
    code, out = lotline_cli(db, "deliver", "WOOD", "15", "--partner", "Customer A", "--backorder")
    assert code == 0, out
    assert "WH/OUT/00001" in out and "Backorder WH/OUT/00002 created for the rest: 5 WOOD" in out
    assert on_hand(db, "WOOD") == {}
    code, out = lotline_cli(db, "transfers", "list", "--kind", "delivery")
    assert "WH/OUT/00002" in out and "draft" in out
    lotline_cli(db, "receive", "WOOD", "5", "--lot", "B:5")
    code, out = lotline_cli(db, "validate", "WH/OUT/00002")
    assert code == 0 and "done" in out
    assert on_hand(db, "WOOD") == {}


def test_draft_move_then_validate_and_show(db: str) -> None:
    lotline_cli(db, "receive", "CHAIR", "2", "--serials", "S1,S2")
    code, out = lotline_cli(
        db,
        "move",
        "CHAIR",
        "1",
        "--from",
        "WH/Stock",
        "--to",
        "WH/Stock/Shelf 1",
        "--serials",
        "S2",
        "--draft",
    )
    assert code == 0 and "WH/INT/00001" in out and "draft" in out
    code, out = lotline_cli(db, "transfers", "show", "WH/INT/00001")
    assert code == 0 and "S2" in out
    code, out = lotline_cli(db, "validate", "WH/INT/00001", "--no-backorder")
    assert code == 0, out
    assert on_hand(db, "CHAIR", "WH/Stock/Shelf 1") == {"S2": 1}
    code, out = lotline_cli(db, "validate", "WH/INT/00001")
    assert code == 2 and "done" in out


def test_return_of_a_delivery_from_the_command_line(db: str) -> None:
    lotline_cli(db, "receive", "CHAIR", "1", "--serials", "S1")
    lotline_cli(db, "deliver", "CHAIR", "1", "--serials", "S1")
    code, out = lotline_cli(db, "transfers", "return", "WH/OUT/00001")
    assert code == 0 and "WH/IN/00002" in out and "return of WH/OUT/00001" in out
    assert lotline_cli(db, "validate", "WH/IN/00002")[0] == 0
    assert on_hand(db, "CHAIR") == {"S1": 1}


def test_a_big_receipt_shows_progress_and_validates(db: str) -> None:
    code, out = lotline_cli(
        db, "receive", "CHAIR", "1500", "--first-serial", "B0001", "--count", "1500"
    )
    assert code == 0, out
    assert "1500" in out and "1488" in out and "more" in out
    assert len(on_hand(db, "CHAIR")) == 1500


def test_demo_shows_receipts_with_lots_and_serials_and_a_delivery(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    code, out = lotline_cli(url, "demo")
    assert code == 0, out
    code, out = lotline_cli(url, "transfers", "list")
    assert code == 0
    assert all(name in out for name in ("WH/IN/00001", "WH/IN/00002", "WH/OUT/00001"))
    code, out = lotline_cli(url, "transfers", "show", "WH/IN/00001")
    assert "OAK-2026-003" in out
    assert lotline_cli(url, "check")[0] == 0


def test_receive_and_deliver_by_scanning_labels(db: str) -> None:
    code, out = lotline_cli(
        db, "receive", "CHAIR", "2", "--scan", "(01)09506000134352(21)SC-1", "--scan", "SC-2"
    )
    assert code == 0, out
    code, out = lotline_cli(db, "deliver", "CHAIR", "1", "--scan", "(21)SC-2")
    assert code == 0, out
    assert on_hand(db, "CHAIR") == {"SC-1": 1}
