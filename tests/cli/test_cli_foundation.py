"""End-to-end tests of the command line, on a SQLite file."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import lotline
from lotline.cli import app
from tests.support import tamper_quant


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    lotline.open(url).close()
    return url


def lotline_cli(db: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["--db", db, *args])
    return result.exit_code, result.output


def test_init_products_locations_and_stock(db: str) -> None:
    assert lotline_cli(db, "init")[0] == 0
    code, out = lotline_cli(db, "products", "add", "CHAIR", "Office chair", "--tracking", "serial")
    assert code == 0 and "CHAIR" in out
    code, out = lotline_cli(db, "products", "list")
    assert "Office chair" in out and "serial" in out
    assert lotline_cli(db, "locations", "add", "WH/Stock/Shelf 1")[0] == 0
    code, out = lotline_cli(db, "locations", "list")
    assert "WH/Stock/Shelf 1" in out and "Partners/Vendors" in out
    code, out = lotline_cli(db, "products", "show", "CHAIR")
    assert code == 0 and "On hand: 0" in out


def test_refusals_exit_with_a_clear_message(db: str) -> None:
    code, out = lotline_cli(db, "products", "add", "X", "X", "--tracking", "batch")
    assert code == 2 and "none, lot, serial" in out
    code, out = lotline_cli(db, "products", "show", "NOPE")
    assert code == 2 and "NOPE" in out
    code, out = lotline_cli(db, "stock", "--location", "WH/Nowhere")
    assert code == 2 and "WH/Nowhere" in out


def test_demo_prints_the_stock_table_and_check_passes(db: str) -> None:
    code, out = lotline_cli(db, "demo")
    assert code == 0
    assert "CH0000001" in out and "OAK-2026-001" in out and "WH/Stock/Shelf 2" in out
    code, out = lotline_cli(db, "check")
    assert code == 0 and out.startswith("OK")
    code, out = lotline_cli(db, "stock", "--product", "WOOD", "--lot", "OAK-2026-002")
    assert "80" in out and "OAK-2026-001" not in out


def test_check_reports_each_difference_and_exits_1(db: str) -> None:
    lotline_cli(db, "demo")
    with lotline.open(db) as opened:
        tamper_quant(opened, "SCREW", 1_000_000)
    code, out = lotline_cli(db, "check")
    assert code == 1
    assert "SCREW at WH/Stock: quant says 5001, the ledger says 5000" in out


def test_lotline_db_environment_variable_chooses_the_database(tmp_path: Path) -> None:
    env = {**os.environ, "LOTLINE_DB": f"sqlite:///{tmp_path / 'env.db'}"}
    for args in (["init"], ["products", "add", "P1", "Pen"]):
        subprocess.run(
            [sys.executable, "-m", "lotline", *args], env=env, check=True, capture_output=True
        )
    with lotline.open(env["LOTLINE_DB"], create=False) as opened:
        assert opened.products.get("P1").name == "Pen"


def test_unreachable_database_is_named_without_password() -> None:
    code, out = lotline_cli("postgresql://u:hunter2@127.0.0.1:1/x", "init")
    assert code == 2 and "hunter2" not in out and "Cannot open the database" in out


def test_names_with_brackets_are_printed_verbatim(db: str) -> None:
    lotline_cli(db, "products", "add", "P", "Pen", "--tracking", "lot")
    code, out = lotline_cli(db, "adjust", "P", "WH/Stock", "2", "--lot", "[A]")
    assert code == 0
    code, out = lotline_cli(db, "stock", "--product", "P")
    assert "[A]" in out
    code, out = lotline_cli(db, "products", "show", "[X]")
    assert code == 2 and "'[X]'" in out
