"""Opening SQLite or PostgreSQL, and running one transaction with retry on conflict."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.pool import StaticPool

from lotline.errors import (
    ConcurrentUpdate,
    Conflict,
    DatabaseUnavailable,
    DuplicateLocation,
    DuplicateLot,
    DuplicateProduct,
    InvalidInput,
    LotlineError,
)
from lotline.rules.text import bad_character, printable

DEFAULT_URL = "sqlite:///lotline.db"
RETRIES = 5

T = TypeVar("T")

# SQLSTATEs after which the whole transaction may simply be run again.
_RETRYABLE_SQLSTATES = {"40001", "40P01"}


def default_url() -> str:
    return os.environ.get("LOTLINE_DB") or DEFAULT_URL


def normalize_url(url: str | None) -> URL:
    """Parse a database URL, choosing psycopg 3 for plain postgresql:// URLs."""
    text = url or default_url()
    try:
        if not isinstance(text, str) or bad_character(text) is not None:
            raise ArgumentError("a URL is text without control characters")
        parsed = make_url(text)
    except ArgumentError:
        shown = printable(_hide_password(str(text)))
        raise DatabaseUnavailable(
            f"Cannot open the database {shown!r}: it is not a database URL. "
            "Use sqlite:///path/to/file.db or postgresql://user@host/dbname.",
            details={"database": shown},
        ) from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseUnavailable(
            f"Cannot open the database {safe_url(parsed)}: only SQLite and PostgreSQL "
            "databases can be used. Use sqlite:///file.db or postgresql://user@host/dbname.",
            details={"database": safe_url(parsed)},
        )
    return parsed


_PASSWORD = re.compile(r"(://[^:/@\s]*:)[^@\s]*@")


def _hide_password(text: str) -> str:
    """A URL that could not be parsed, with what looks like a password masked."""
    return _PASSWORD.sub(r"\1***@", text)


def safe_url(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def create(url: URL) -> Engine:
    """Create an engine with the settings lotline relies on for each backend."""
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    engine = create_engine(url, pool_pre_ping=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # lotline's statements are short; JIT compiling a trace cost more than running it.
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET jit = off")
        dbapi_connection.commit()

    return engine


def _sqlite_engine(url: URL) -> Engine:
    in_memory = url.database in (None, "", ":memory:")
    if in_memory:
        engine = create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        engine = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide where transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # Take the write lock at the start so two writers queue instead of deadlocking.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def check_reachable(engine: Engine, url: URL) -> None:
    try:
        with engine.connect():
            pass
    except (OperationalError, DBAPIError) as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseUnavailable(
            f"Cannot open the database {safe_url(url)}: {reason}. "
            "Check that the server runs, the database exists and the URL is right.",
            details={"database": safe_url(url), "reason": reason},
        ) from None


# A unique key another transaction took first: (PostgreSQL name, SQLite columns, error).
_UNIQUE_KEYS: tuple[tuple[str, str, type[LotlineError], str], ...] = (
    ("uq_products_code", "products.code", DuplicateProduct, "A product with this code"),
    ("uq_products_gtin", "products.gtin", DuplicateProduct, "A product with this GTIN"),
    ("uq_lots_product_id_name", "lots.product_id, lots.name", DuplicateLot, "This lot"),
    ("uq_locations_full_name", "locations.full_name", DuplicateLocation, "This location"),
)


def explain_integrity_error(exc: IntegrityError) -> LotlineError:
    """Name the rule a concurrent writer made this transaction break."""
    constraint = getattr(getattr(exc.orig, "diag", None), "constraint_name", None) or ""
    message = str(exc.orig)
    for pg_name, sqlite_columns, error, subject in _UNIQUE_KEYS:
        if constraint == pg_name or sqlite_columns in message:
            return error(
                f"{subject} was just created by another user, so nothing was recorded; "
                "look it up and use the existing one, or choose another name.",
                details={"constraint": pg_name},
            )
    if "lot_of_product" in constraint or "FOREIGN KEY constraint failed" in message:
        return InvalidInput(
            "A lot/serial number was given with a product it does not belong to (or a "
            "document, product or location that does not exist); nothing was recorded. "
            "Give each product its own lots.",
            details={"constraint": constraint or "foreign key"},
        )
    return Conflict(
        f"The database refused the change ({constraint or message}); nothing was recorded. "
        "Another user may have changed the same data: look again and retry.",
        details={"constraint": constraint or message},
    )


def is_retryable(exc: DBAPIError) -> bool:
    sqlstate = getattr(exc.orig, "sqlstate", None)
    return sqlstate in _RETRYABLE_SQLSTATES


class Database:
    """An engine plus the one way lotline runs a unit of work."""

    def __init__(self, engine: Engine, url: URL) -> None:
        self.engine = engine
        self.url = url
        self.backend = url.get_backend_name()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One all-or-nothing transaction."""
        with self.engine.begin() as conn:
            yield conn

    def run(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` in one transaction, again if the database reports a conflict."""
        for attempt in range(RETRIES):
            try:
                with self.transaction() as conn:
                    return work(conn)
            except IntegrityError as exc:
                raise explain_integrity_error(exc) from exc
            except DBAPIError as exc:
                if not is_retryable(exc) or attempt == RETRIES - 1:
                    if is_retryable(exc):
                        raise ConcurrentUpdate(
                            "Other users kept changing the same stock; try again."
                        ) from exc
                    raise
                time.sleep(0.01 * (2**attempt))
        raise AssertionError("unreachable")

    def dispose(self) -> None:
        self.engine.dispose()
