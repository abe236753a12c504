"""The command line as operators use it (issue 12): nothing half-written, no tracebacks,
readers never blocked, the right database, input that means what it says."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import lotline
from lotline.cli import app
from lotline.store import engine as store_engine


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    with lotline.open(url) as opened:
        opened.products.create("CHAIR", "Chair", "serial")
        opened.products.create("WOOD", "Oak plank", "lot", unit="m")
        opened.transfers.receive([{"product": "WOOD", "quantity": 15, "lots": {"OAK-1": 15}}])
        opened.transfers.receive([{"product": "CHAIR", "quantity": 1, "lots": ["SN1"]}])
    return url


def cli(db: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["--db", db, *args])
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result.exit_code, result.output


def documents(db: str) -> list[str]:
    with lotline.open(db, create=False) as opened:
        return [f"{op.name} {op.state}" for op in opened.transfers.list()]


# --- a refusal writes nothing --------------------------------------------------------


def test_a_refused_receipt_leaves_no_document_however_often_it_is_retried(db: str) -> None:
    before = documents(db)
    for _ in range(3):
        code, out = cli(db, "receive", "CHAIR", "1", "--serials", "SN1")
        assert code == 2 and "SN1" in out
    code, out = cli(db, "receive", "WOOD", "5")
    assert code == 2 and "WOOD" in out
    assert documents(db) == before


def test_bad_quantities_are_refused_without_a_traceback(db: str) -> None:
    before = documents(db)
    for quantity in ("NaN", "1e400", "-5", "sNaN", "abc"):
        code, out = cli(db, "receive", "WOOD", quantity, "--lot", "N")
        assert code == 2, out
        code, out = cli(db, "deliver", "WOOD", quantity)
        assert code == 2, out
    assert documents(db) == before


def test_a_refused_delivery_leaves_no_draft(db: str) -> None:
    before = documents(db)
    code, out = cli(db, "deliver", "CHAIR", "1", "--serials", "SN404")
    assert code == 2 and "SN404" in out
    assert documents(db) == before


def test_a_short_delivery_is_refused_with_what_is_available_and_writes_nothing(db: str) -> None:
    before = documents(db)
    code, out = cli(db, "deliver", "WOOD", "1000")
    assert code == 2
    assert "Only 15 of the 1000 WOOD can be taken from WH/Stock" in out
    assert "--backorder" in out and "--no-backorder" in out and "985" in out
    assert documents(db) == before


def test_a_short_delivery_with_backorder_says_what_it_created(db: str) -> None:
    code, out = cli(db, "deliver", "WOOD", "1000", "--backorder")
    assert code == 0, out
    assert "WH/OUT/00001 validated: done" in out
    assert "Backorder WH/OUT/00002 created for the rest: 985 WOOD." in out


def test_a_short_delivery_without_backorder_says_the_rest_was_dropped(db: str) -> None:
    code, out = cli(db, "deliver", "WOOD", "1000", "--no-backorder")
    assert code == 0, out
    assert "No backorder: the rest (985 WOOD) was dropped." in out
    assert documents(db)[-1] == "WH/OUT/00001 done"


def test_a_receipt_with_fewer_serials_than_units_asks_for_a_choice(db: str) -> None:
    code, out = cli(db, "receive", "CHAIR", "3", "--serials", "SN5,SN6")
    assert code == 2 and "cover 2 of the 3 CHAIR" in out
    code, out = cli(db, "receive", "CHAIR", "3", "--serials", "SN5,SN6", "--backorder")
    assert code == 0 and "Backorder WH/IN/00004 created for the rest: 1 CHAIR." in out


def test_validate_asks_for_a_choice_about_the_rest_too(db: str) -> None:
    assert cli(db, "deliver", "WOOD", "20", "--draft")[0] == 0
    code, out = cli(db, "validate", "WH/OUT/00001")
    assert code == 2 and "Only 15 of the 20 WOOD" in out
    assert documents(db)[-1] == "WH/OUT/00001 draft"
    code, out = cli(db, "validate", "WH/OUT/00001", "--backorder")
    assert code == 0 and "Backorder WH/OUT/00002 created for the rest: 5 WOOD." in out


def test_producing_part_of_an_order_names_the_backorder_it_created(db: str) -> None:
    with lotline.open(db) as opened:
        opened.products.create("TABLE", "Table", "lot")
        opened.manufacturing.bom("TABLE", {"WOOD": 2})
        opened.manufacturing.confirm(opened.manufacturing.order("TABLE", 4))
    code, out = cli(db, "mo", "produce", "WH/MO/00001", "--quantity", "3")
    assert code == 0, out
    assert "WH/MO/00001-001" in out
    assert "Backorder WH/MO/00001-002 created for the rest: 1 TABLE (confirmed)." in out


# --- no tracebacks ---------------------------------------------------------------------


def test_a_read_only_database_is_one_clear_message(db: str, tmp_path: Path) -> None:
    read_only = f"sqlite:///file:{tmp_path / 'cli.db'}?mode=ro&uri=true"
    for args in (
        ("receive", "WOOD", "1", "--lot", "N:1"),
        ("adjust", "WOOD", "WH/Stock", "3", "--lot", "OAK-1"),
        ("products", "add", "PEN", "Pen"),
    ):
        code, out = cli(read_only, *args)
        assert code == 2, out
        assert "can only be read" in out and "nothing was recorded" in out
        assert "OperationalError" not in out
    code, out = cli(read_only, "stock", "--product", "WOOD")
    assert code == 0 and "OAK-1" in out


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files")
def test_a_file_without_write_permission_is_one_clear_message(db: str, tmp_path: Path) -> None:
    (tmp_path / "cli.db").chmod(0o444)
    code, out = cli(db, "products", "add", "PEN", "Pen")
    assert code == 2 and "can only be read" in out


@pytest.fixture
def locked(db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Another program holds the write lock; writers give up after 0.3 s."""
    monkeypatch.setattr(store_engine, "BUSY_TIMEOUT", 0.3)
    other = sqlite3.connect(tmp_path / "cli.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("UPDATE settings SET expiration_dates = expiration_dates")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_locked_database_is_one_clear_message_for_writers(db: str, locked: None) -> None:
    code, out = cli(db, "adjust", "WOOD", "WH/Stock", "3", "--lot", "OAK-1")
    assert code == 2
    assert "is busy" in out and "nothing was recorded" in out and "Hint:" in out


def test_readers_answer_while_another_program_writes(db: str, locked: None) -> None:
    for args in (("products", "list"), ("stock",), ("lots", "list"), ("check",)):
        code, out = cli(db, *args)
        assert code == 0, out


def test_export_paths_that_cannot_be_written_are_refused_before_any_work(
    db: str, tmp_path: Path
) -> None:
    code, out = cli(db, "recall", "CHAIR", "SN1", "--csv", "no/such/dir/r.csv")
    assert code == 2 and "does not exist" in out and "no/such/dir" in out
    code, out = cli(db, "recall", "CHAIR", "SN1", "--xlsx", str(tmp_path))
    assert code == 2 and "is a folder" in out


def test_an_unreadable_batch_file_is_one_clear_message(db: str, tmp_path: Path) -> None:
    code, out = cli(db, "mo", "produce", "WH/MO/00001", "--serials-file", str(tmp_path / "x.txt"))
    assert code == 2 and "cannot be read" in out


def test_an_unknown_database_failure_exits_1_with_one_message(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    from lotline.services.stock import StockService

    def broken(*_: object, **__: object) -> None:
        raise OperationalError("SELECT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(StockService, "quants", broken)
    code, out = cli(db, "stock")
    assert code == 1 and "The database failed: disk I/O error" in out


# --- the right database, or a clear error -----------------------------------------------


def test_a_missing_database_is_refused_naming_its_path(tmp_path: Path) -> None:
    typo = tmp_path / "typo.db"
    code, out = cli(f"sqlite:///{typo}", "stock")
    assert code == 2 and str(typo) in out and "does not exist" in out
    assert "lotline --db" in out and "init" in out
    assert not typo.exists()


def test_an_empty_file_is_not_turned_into_a_database(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    code, out = cli(f"sqlite:///{empty}", "products", "add", "P", "Pen")
    assert code == 2 and "empty file" in out
    assert empty.stat().st_size == 0


def test_the_default_database_in_the_working_folder_must_exist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LOTLINE_DB", raising=False)
    result = CliRunner().invoke(app, ["stock"])
    assert result.exit_code == 2 and str(tmp_path / "lotline.db") in result.output
    assert CliRunner().invoke(app, ["init"]).exit_code == 0
    assert CliRunner().invoke(app, ["stock"]).exit_code == 0


def test_init_and_demo_create_the_database(tmp_path: Path) -> None:
    code, out = cli(f"sqlite:///{tmp_path / 'new.db'}", "init")
    assert code == 0 and "Database ready" in out
    assert cli(f"sqlite:///{tmp_path / 'demo.db'}", "demo")[0] == 0


# --- input that means what it says -------------------------------------------------------


def test_a_lot_name_with_a_colon_stays_whole(db: str) -> None:
    assert cli(db, "receive", "WOOD", "5", "--lot", "2026:01")[0] == 0
    assert cli(db, "receive", "WOOD", "3", "--lot", "A:B:3")[0] == 0
    with lotline.open(db, create=False) as opened:
        lots = {q.lot: q.quantity for q in opened.stock.quants(product="WOOD")}
    assert lots == {"OAK-1": 15, "2026:01": 5, "A:B": 3}


# --- commands the hints promise ----------------------------------------------------------


def test_the_lots_of_a_ready_transfer_can_be_changed(db: str) -> None:
    cli(db, "receive", "CHAIR", "2", "--serials", "SN2,SN3")
    assert cli(db, "deliver", "CHAIR", "1", "--draft")[0] == 0
    code, out = cli(db, "transfers", "set-lots", "WH/OUT/00001", "CHAIR", "--serials", "SN3")
    assert code == 0 and "SN3" in out
    assert cli(db, "validate", "WH/OUT/00001")[0] == 0
    with lotline.open(db, create=False) as opened:
        assert {q.lot for q in opened.stock.quants(product="CHAIR")} == {"SN1", "SN2"}


def test_the_component_lots_of_an_order_can_be_chosen(db: str) -> None:
    with lotline.open(db) as opened:
        opened.transfers.receive([{"product": "WOOD", "quantity": 5, "lots": {"OAK-2": 5}}])
        opened.products.create("TABLE", "Table", "lot")
        opened.manufacturing.bom("TABLE", {"WOOD": 2})
        opened.manufacturing.confirm(opened.manufacturing.order("TABLE", 1))
    code, out = cli(db, "mo", "consume", "WH/MO/00001", "WOOD", "--lot", "OAK-2:2")
    assert code == 0 and "OAK-2 (2)" in out
    assert cli(db, "mo", "produce", "WH/MO/00001")[0] == 0
    with lotline.open(db, create=False) as opened:
        assert opened.stock.on_hand("WOOD", lot="OAK-2") == 3


def test_a_lots_reference_note_and_dates_can_be_set(db: str) -> None:
    code, out = cli(
        db, "lots", "set", "WOOD", "OAK-1", "--ref", "PO-7", "--note", "kiln dried",
        "--expiration-date", "2027-01-31",
    )  # fmt: skip
    assert code == 0 and "PO-7" in out and "2027-01-31" in out
    code, out = cli(db, "lots", "set", "WOOD", "OAK-1", "--expiration-date", "31/01/2027")
    assert code == 2 and "2026-12-31" in out
    assert cli(db, "lots", "add", "WOOD", "OAK-9", "--note", "ahead")[0] == 0


def test_product_options_expiration_and_removal_strategy(db: str) -> None:
    code, out = cli(db, "products", "set", "WOOD", "--removal-strategy", "fefo")
    assert code == 0 and "removal strategy fefo" in out
    code, out = cli(db, "products", "set", "WOOD", "--expiration", "--expiration-days", "30")
    assert code == 2 and "Hint: Turn it on with `lotline settings --expiration-dates on`" in out
    cli(db, "settings", "--expiration-dates", "on")
    code, out = cli(db, "products", "set", "WOOD", "--expiration", "--expiration-days", "30")
    assert code == 0 and "expires 30 days after reception" in out
    code, out = cli(db, "products", "add", "MILK", "Milk", "--tracking", "lot", "--expiration",
                    "--expiration-days", "10", "--removal-strategy", "fefo")  # fmt: skip
    assert code == 0, out
    code, out = cli(db, "products", "list", "--format", "json")
    assert '"removal_strategy": "fefo"' in out and '"expiration_days": 10' in out
