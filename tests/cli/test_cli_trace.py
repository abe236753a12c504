"""The lots, trace and recall commands, end to end on a SQLite file."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

import lotline
from lotline.cli import app
from tests.trace_support import build_chairs


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    with lotline.open(url, user="tester") as opened:
        build_chairs(opened)
    return url


def lotline_cli(db: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["--db", db, *args])
    return result.exit_code, result.output


def test_lots_list_shows_the_dashboard_and_its_filters(db: str) -> None:
    code, out = lotline_cli(db, "lots", "list", "--product", "WOOD")
    assert code == 0
    assert "OAK-1" in out and "85" in out and "OAK-2" in out and "CH-1" not in out
    code, out = lotline_cli(db, "lots", "list", "--product", "CHAIR", "--in-stock")
    assert code == 0 and "CH-2" in out and "CH-1" not in out and "CH-3" not in out
    code, out = lotline_cli(db, "lots", "list", "--location", "WH/Nowhere")
    assert code == 2 and "WH/Nowhere" in out


def test_lots_show_prints_where_the_lot_is_and_its_history(db: str) -> None:
    code, out = lotline_cli(db, "lots", "show", "WOOD", "OAK-1")
    assert code == 0
    assert "WH/Stock" in out and "85" in out
    assert "WH/IN/00001" in out and "Timber Co" in out and "WH/OUT/00003" in out
    code, out = lotline_cli(db, "lots", "show", "WOOD", "OAK-9")
    assert code == 2 and "OAK-9" in out


def test_trace_up_prints_the_components_down_to_their_receipts(db: str) -> None:
    code, out = lotline_cli(db, "trace", "CHAIR", "CH-1", "--up")
    assert code == 0
    lines = out.splitlines()
    assert "CH-1" in lines[0]
    assert [name for name in ("FR-1", "L-1", "OAK-1") if name in out] == ["FR-1", "L-1", "OAK-1"]
    assert "Timber Co" in out and "Bolt Ltd" in out


def test_trace_down_prints_where_each_unit_went(db: str) -> None:
    code, out = lotline_cli(db, "trace", "WOOD", "OAK-1", "--down")
    assert code == 0
    assert "CH-1" in out and "Azure Interior" in out and "WH/OUT/00001" in out
    assert "CH-3" not in out and "Deco Addict" not in out


def test_trace_needs_exactly_one_direction(db: str) -> None:
    code, out = lotline_cli(db, "trace", "WOOD", "OAK-1")
    assert code == 2 and "--up or --down" in out
    code, out = lotline_cli(db, "trace", "WOOD", "OAK-1", "--up", "--down")
    assert code == 2


def test_recall_prints_the_customers_and_writes_csv_and_xlsx(db: str, tmp_path: Path) -> None:
    csv_file, xlsx_file = tmp_path / "recall.csv", tmp_path / "recall.xlsx"
    code, out = lotline_cli(
        db, "recall", "WOOD", "OAK-1", "--csv", str(csv_file), "--xlsx", str(xlsx_file)
    )
    assert code == 0
    assert "customers: Azure Interior, Lumber Resale" in out
    rows = list(csv.DictReader(csv_file.open(encoding="utf-8")))
    assert {(r["Lot/Serial Number"], r["Partner"]) for r in rows if r["Partner"]} == {
        ("CH-1", "Azure Interior"),
        ("OAK-1", "Lumber Resale"),
    }
    sheet = load_workbook(xlsx_file).active
    assert sheet.max_row == len(rows) + 1
    code, out = lotline_cli(db, "recall", "NOPE", "X")
    assert code == 2 and "NOPE" in out
