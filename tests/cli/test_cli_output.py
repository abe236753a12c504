"""Output for people and for pipes: --format, --limit, --excel, uncut tables, speed,
progress only on a terminal, and a quick start."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import time
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

import lotline
from lotline.cli import app, common
from lotline.cli.catalog import QUANT_COLUMNS
from lotline.cli.output import Listing, write
from lotline.models import Quant
from tests.trace_support import build_chairs

LONG_PLACE = "WH/Stock/" + "Aisle 12 - Rack 7 - Shelf 3 - Bin 9 - " * 3 + "End"
LONG_LOT = "LOT-2026-11-29-NIGHT-SHIFT-OVEN-4-BATCH-000000000042"

LISTINGS = {
    "stock": ("stock",),
    "lots list": ("lots", "list"),
    "history": ("history", "WOOD"),
    "trace": ("trace", "WOOD", "OAK-1", "--down"),
    "transfers list": ("transfers", "list"),
    "mo list": ("mo", "list"),
    "recall": ("recall", "WOOD", "OAK-1"),
    "products list": ("products", "list"),
}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('out') / 'cli.db'}"
    with lotline.open(url, user="tester") as opened:
        build_chairs(opened)
        opened.products.create("PAINT", "Paint", unit="l")
        opened.locations.create(LONG_PLACE)
        opened.adjustments.set_quantity("PAINT", LONG_PLACE, "2.5")
        opened.adjustments.set_quantity("WOOD", "WH/Stock", 3, lot=LONG_LOT)
    return url


def cli(db: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--db", db, *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("name", LISTINGS)
def test_every_listing_writes_csv_and_json(db: str, name: str) -> None:
    code, out, err = cli(db, *LISTINGS[name], "--format", "csv")
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert len(rows) >= 2 and all(len(row) == len(rows[0]) for row in rows), out
    assert not out.startswith("\ufeff")
    code, out, err = cli(db, *LISTINGS[name], "--format", "json")
    assert code == 0, err
    assert json.loads(out)


def test_json_carries_exact_quantities_and_iso_dates(db: str) -> None:
    _, out, _ = cli(db, "stock", "--product", "PAINT", "--format", "json")
    [row] = json.loads(out)
    assert row["quantity"] == "2.5" and row["location"] == LONG_PLACE and row["lot"] is None
    datetime.fromisoformat(row["in_date"])


def test_a_table_never_cuts_a_name_when_not_on_a_terminal(db: str) -> None:
    _, out, _ = cli(db, "stock")
    assert LONG_PLACE in out and LONG_LOT in out and "…" not in out
    _, out, _ = cli(db, "lots", "list", "--product", "WOOD")
    assert LONG_LOT in out
    _, out, _ = cli(db, "transfers", "list")
    assert "WH/OUT/00001" in out and "…" not in out


def test_csv_for_excel_has_a_byte_order_mark_and_crlf(db: str) -> None:
    result = CliRunner().invoke(app, ["--db", db, "stock", "--excel"])
    assert result.stdout_bytes.startswith(b"\xef\xbb\xbfProduct,Location")
    assert b"\r\n" in result.stdout_bytes


def test_a_recall_csv_file_carries_a_byte_order_mark(db: str, tmp_path: Path) -> None:
    target = tmp_path / "recall.csv"
    code, out, err = cli(db, "recall", "WOOD", "OAK-1", "--csv", str(target), "--format", "csv")
    assert code == 0 and target.read_bytes().startswith(b"\xef\xbb\xbfProduct")
    assert "CSV written" in err and "CSV written" not in out


def test_limit_keeps_the_first_rows(db: str) -> None:
    _, out, _ = cli(db, "lots", "list", "--format", "json", "--limit", "2")
    assert len(json.loads(out)) == 2
    _, out, _ = cli(db, "history", "WOOD", "--format", "csv", "--limit", "1")
    assert len(out.strip().splitlines()) == 2


def test_rendering_a_large_table_is_not_many_times_the_query() -> None:
    rows = [
        Quant("SN", f"WH/Stock/Shelf {i % 40}", f"SN{i:08d}", Decimal(1), Decimal(0))
        for i in range(50_000)
    ]
    for how in (Listing(), Listing(limit=None, excel=True)):
        out = io.StringIO()
        started = time.perf_counter()
        assert write(rows, QUANT_COLUMNS, how, out=out) == 50_000
        assert time.perf_counter() - started < 5
        assert "SN00049999" in out.getvalue()


def test_no_progress_is_shown_when_piped(db: str) -> None:
    result = CliRunner().invoke(
        app, ["--db", db, "receive", "CHAIR", "1200", "--first-serial", "P0001", "--count", "1200"]
    )
    assert result.exit_code == 0, result.output
    assert "Receiving" not in result.output


def test_progress_shows_the_count_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.console import Console

    screen = io.StringIO()
    monkeypatch.setattr(common, "stderr_is_terminal", lambda: True)
    monkeypatch.setattr(common, "err_console", lambda: Console(file=screen, force_terminal=True))
    with common.progress("Receiving 1200 CHAIR"):
        time.sleep(0.2)
    assert "Receiving 1200 CHAIR" in screen.getvalue()
    monkeypatch.setattr(common, "stderr_is_terminal", lambda: False)
    quiet = io.StringIO()
    monkeypatch.setattr(common, "err_console", lambda: Console(file=quiet, force_terminal=True))
    with common.progress("Receiving 1200 CHAIR"):
        pass
    assert quiet.getvalue() == ""


def test_help_and_the_command_modules_load_neither_the_database_layer_nor_rich() -> None:
    probe = (
        "import sys\n"
        "import lotline.cli\n"
        "heavy = ('sqlalchemy', 'alembic', 'biip', 'openpyxl', 'rich', 'lotline.app')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
        "try:\n"
        "    lotline.cli.app(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    lines = done.stdout.strip().splitlines()
    assert lines[0] == "[]"
    assert lines[-1] == "['rich']"


def test_a_query_loads_no_manufacturing_nor_barcode_parser(db: str) -> None:
    probe = (
        "import sys\n"
        "import lotline.cli\n"
        f"try:\n    lotline.cli.app(['--db', {db!r}, 'stock', '--product', 'WOOD'])\n"
        "except SystemExit:\n    pass\n"
        "heavy = ('alembic', 'biip', 'openpyxl', 'lotline.services.manufacturing',"
        " 'lotline.services.transfers')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_a_reader_that_goes_away_ends_the_listing_quietly(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'many.db'}"
    with lotline.open(url) as opened:
        opened.products.create("SN", "Serial", "serial")
        opened.transfers.receive(
            [{"product": "SN", "quantity": 5000, "first": "S0001", "count": 5000}]
        )
    for format in ("table", "csv"):
        reader = subprocess.Popen(
            [sys.executable, "-m", "lotline", "--db", url, "lots", "list", "--format", format],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert reader.stdout is not None and reader.stderr is not None
        reader.stdout.readline()
        reader.stdout.close()
        assert reader.wait() == 0
        assert reader.stderr.read() == b""
