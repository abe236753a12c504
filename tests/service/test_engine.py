"""How lotline uses the database: readers beside a writer, busy and read-only databases,
and opening only the database that exists when asked not to create one."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

import lotline
from lotline.errors import DatabaseBusy, DatabaseNotFound, DatabaseReadOnly, DatabaseUnavailable
from lotline.store import engine as store_engine
from lotline.store import migrate


@pytest.fixture
def short_wait(monkeypatch: pytest.MonkeyPatch) -> float:
    """Writers wait 0.3 s for the write lock, so a test that would block fails fast."""
    monkeypatch.setattr(store_engine, "BUSY_TIMEOUT", 0.3)
    return 0.3


@pytest.fixture
def stocked(tmp_path: Path, short_wait: float) -> Iterator[tuple[str, lotline.Lotline]]:
    url = f"sqlite:///{tmp_path / 'inv.db'}"
    opened = lotline.open(url, user="tester")
    opened.products.create("WOOD", "Oak plank", "lot")
    opened.adjustments.set_quantity("WOOD", "WH/Stock", 10, lot="OAK-1")
    try:
        yield url, opened
    finally:
        opened.close()


@pytest.fixture
def writer_holding_the_lock(tmp_path: Path, stocked: tuple[str, lotline.Lotline]) -> Iterator[None]:
    """Another connection that has written and holds SQLite's write lock until the test ends."""
    other = sqlite3.connect(tmp_path / "inv.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("UPDATE settings SET expiration_dates = expiration_dates")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_readers_complete_while_a_writer_holds_the_write_lock(
    stocked: tuple[str, lotline.Lotline], writer_holding_the_lock: None
) -> None:
    _, app = stocked
    started = time.perf_counter()
    assert app.stock.on_hand("WOOD") == 10
    assert [p.code for p in app.products.list()] == ["WOOD"]
    assert [row.lot for row in app.lots.list(product="WOOD")] == ["OAK-1"]
    assert app.trace.locations("WOOD", "OAK-1")[0].location == "WH/Stock"
    assert app.check().ok
    assert time.perf_counter() - started < 0.3


def test_opening_an_up_to_date_database_does_not_wait_for_a_writer(
    stocked: tuple[str, lotline.Lotline], writer_holding_the_lock: None
) -> None:
    url, _ = stocked
    with lotline.open(url, create=False) as reader:
        assert reader.stock.on_hand("WOOD") == 10


def test_a_writer_blocked_past_the_busy_timeout_gets_a_clear_error(
    stocked: tuple[str, lotline.Lotline], writer_holding_the_lock: None
) -> None:
    _, app = stocked
    with pytest.raises(DatabaseBusy) as refused:
        app.adjustments.set_quantity("WOOD", "WH/Stock", 12, lot="OAK-1")
    assert "busy" in refused.value.message and "nothing was recorded" in refused.value.message
    assert refused.value.details["database"].endswith("inv.db")


def test_a_writer_waits_for_a_short_write_to_finish(stocked: tuple[str, lotline.Lotline]) -> None:
    url, app = stocked
    path = store_engine.sqlite_path(store_engine.normalize_url(url))
    assert path is not None
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    threading.Timer(0.1, lambda: other.execute("COMMIT")).start()
    app.adjustments.set_quantity("WOOD", "WH/Stock", 12, lot="OAK-1")
    other.close()
    assert app.stock.on_hand("WOOD") == 12


def test_a_read_only_database_is_read_and_a_write_is_refused_clearly(
    stocked: tuple[str, lotline.Lotline], tmp_path: Path
) -> None:
    stocked[1].close()
    url = f"sqlite:///file:{tmp_path / 'inv.db'}?mode=ro&uri=true"
    with lotline.open(url, create=False) as app:
        assert app.stock.on_hand("WOOD") == 10
        with pytest.raises(DatabaseReadOnly) as refused:
            app.products.create("PEN", "Pen")
        assert "can only be read" in refused.value.message
        assert str(tmp_path / "inv.db") in refused.value.message
        with pytest.raises(DatabaseReadOnly):
            app.adjustments.set_quantity("WOOD", "WH/Stock", 1, lot="OAK-1")
        assert app.stock.on_hand("WOOD") == 10


def test_open_without_create_refuses_a_missing_file_naming_its_path(tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    with pytest.raises(DatabaseNotFound) as refused:
        lotline.open(f"sqlite:///{missing}", create=False)
    assert str(missing) in refused.value.message and "does not exist" in refused.value.message
    assert refused.value.details["path"] == str(missing)
    assert isinstance(refused.value, DatabaseUnavailable)
    assert not missing.exists()


def test_open_without_create_refuses_an_empty_file_and_leaves_it_empty(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    with pytest.raises(DatabaseNotFound) as refused:
        lotline.open(f"sqlite:///{empty}", create=False)
    assert "empty file" in refused.value.message
    assert empty.stat().st_size == 0


def test_open_without_create_refuses_a_database_without_lotline_tables(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes (text TEXT)")
    with pytest.raises(DatabaseNotFound) as refused:
        lotline.open(f"sqlite:///{other}", create=False)
    assert "none of lotline's tables" in refused.value.message
    with sqlite3.connect(other) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert tables == {"notes"}


def test_a_file_that_is_not_a_database_is_refused_clearly(tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database, just some text that is long enough " * 40)
    with pytest.raises(DatabaseUnavailable) as refused:
        lotline.open(f"sqlite:///{junk}", create=False)
    assert str(junk) in refused.value.message


def test_open_creates_a_missing_database_by_default(tmp_path: Path) -> None:
    new = tmp_path / "new.db"
    with lotline.open(f"sqlite:///{new}") as app:
        assert app.locations.get("WH/Stock").usage == "internal"
    with lotline.open(f"sqlite:///{new}", create=False) as app:
        assert app.settings.get().lots_and_serials


def test_open_without_create_refuses_a_postgresql_schema_without_lotline_tables(
    postgres_url: str,
) -> None:
    with pytest.raises(DatabaseNotFound):
        lotline.open(postgres_url, create=False)
    lotline.open(postgres_url).close()
    with lotline.open(postgres_url, create=False) as app:
        assert app.locations.get("WH/Stock").usage == "internal"


def test_the_head_revision_constant_is_alembics_head() -> None:
    assert migrate.head_revision() == migrate.HEAD


def test_an_older_schema_revision_is_not_current(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    lotline.open(url).close()
    engine = create_engine(url)
    with engine.begin() as conn:
        assert migrate.is_current(conn)
        conn.execute(text("UPDATE alembic_version SET version_num = 'older'"))
        assert not migrate.is_current(conn)
    engine.dispose()
