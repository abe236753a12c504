"""Test harness: service tests run on SQLite and, when reachable, on PostgreSQL.

PostgreSQL: $LOTLINE_TEST_POSTGRES (a URL), else the local default server.
Each test session creates its own database, and each test its own schema,
so runs never see each other's data. With LOTLINE_REQUIRE_POSTGRES=1 (set by
.ci/run on CI) an unreachable server is an error, not a skip.
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

import lotline
from lotline.app import Lotline

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
_schema_numbers = itertools.count(1)


def _postgres_admin_url() -> str:
    return os.environ.get("LOTLINE_TEST_POSTGRES") or DEFAULT_POSTGRES


def _postgres_required() -> bool:
    return os.environ.get("LOTLINE_REQUIRE_POSTGRES") == "1" or os.environ.get("CI") == "true"


def _admin_engine() -> Engine:
    url = make_url(_postgres_admin_url()).set(drivername="postgresql+psycopg")
    return create_engine(url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str | None]:
    """A fresh PostgreSQL database for this test session, or None when unreachable."""
    admin = _admin_engine()
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        admin.dispose()
        if _postgres_required():
            pytest.exit(
                f"PostgreSQL is required (CI) but cannot be reached at "
                f"{make_url(_postgres_admin_url()).render_as_string(hide_password=True)}: {exc}",
                returncode=1,
            )
        print(
            "\nPostgreSQL leg SKIPPED: no server at "
            f"{make_url(_postgres_admin_url()).render_as_string(hide_password=True)} "
            "(set LOTLINE_TEST_POSTGRES to a URL to run it)."
        )
        yield None
        return
    name = f"lotline_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(_postgres_admin_url()).set(drivername="postgresql+psycopg", database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def postgres_schema_url(database_url: str) -> str:
    """A URL whose connections work in a brand-new schema of the test database."""
    schema = f"t{next(_schema_numbers)}_{uuid.uuid4().hex[:6]}"
    engine = create_engine(make_url(database_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    return str(
        make_url(database_url)
        .update_query_dict({"options": f"-csearch_path={schema}"})
        .render_as_string(hide_password=False)
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    """A URL of an empty database, once per backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'lotline.db'}"
    database = request.getfixturevalue("postgres_database")
    if database is None:
        pytest.skip("PostgreSQL leg skipped: no server (set LOTLINE_TEST_POSTGRES)")
    return postgres_schema_url(database)


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest) -> str:
    """A URL of an empty PostgreSQL schema, for tests of concurrent writers."""
    database = request.getfixturevalue("postgres_database")
    if database is None:
        pytest.skip("PostgreSQL leg skipped: no server (set LOTLINE_TEST_POSTGRES)")
    return postgres_schema_url(database)


@pytest.fixture
def app(db_url: str) -> Iterator[Lotline]:
    """A freshly opened lotline on each backend."""
    opened = lotline.open(db_url, user="tester")
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def sqlite_app(tmp_path: Any) -> Iterator[Lotline]:
    opened = lotline.open(f"sqlite:///{tmp_path / 'lotline.db'}", user="tester")
    try:
        yield opened
    finally:
        opened.close()


# Not data statements: transaction control, and the ANALYZE that store/bulk.py runs
# on PostgreSQL after large inserts.
_NOT_DATA = ("BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT", "ANALYZE")


class StatementCounter:
    """Counts the statements lotline sends (an executemany counts once): Core statements,
    and SQL handed straight to the driver by store/bulk.py."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.statements: list[str] = []

    def _record(self, conn: Any, clauseelement: Any, *args: Any) -> None:
        self.statements.append(str(clauseelement).split("\n")[0])

    def _record_driver_sql(
        self, conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool
    ) -> None:
        control = statement.lstrip().upper().startswith(_NOT_DATA)
        if context is not None and context.compiled is None and not control:
            self.statements.append(statement.split("\n")[0])

    def __enter__(self) -> StatementCounter:
        event.listen(self.engine, "before_execute", self._record)
        event.listen(self.engine, "before_cursor_execute", self._record_driver_sql)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.engine, "before_execute", self._record)
        event.remove(self.engine, "before_cursor_execute", self._record_driver_sql)

    def count(self, predicate: Callable[[str], bool] = lambda s: True) -> int:
        return sum(1 for s in self.statements if predicate(s))


@pytest.fixture
def count_statements(app: Lotline) -> Callable[[], StatementCounter]:
    return lambda: StatementCounter(app.db.engine)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say whether the PostgreSQL leg ran: its tests are easy to skip without noticing."""
    ran = skipped = 0
    for outcome in ("passed", "failed", "error", "skipped"):
        for report in terminalreporter.stats.get(outcome, []):
            if "postgres" not in getattr(report, "nodeid", "") or report.when not in (
                "call",
                "setup",
            ):
                continue
            if outcome == "skipped":
                skipped += 1
            elif report.when == "call" or outcome == "error":
                ran += 1
    if ran:
        terminalreporter.write_line(f"PostgreSQL leg: ran {ran} tests ({skipped} skipped).")
    elif skipped:
        terminalreporter.write_line(
            f"PostgreSQL leg: SKIPPED ({skipped} tests); set LOTLINE_TEST_POSTGRES to run it."
        )
