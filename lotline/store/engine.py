"""Opening SQLite or PostgreSQL, and running one transaction with retry on conflict."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.pool import StaticPool

from lotline.errors import (
    ConcurrentUpdate,
    Conflict,
    DatabaseBusy,
    DatabaseError,
    DatabaseNotFound,
    DatabaseReadOnly,
    DatabaseUnavailable,
    DuplicateLocation,
    DuplicateLot,
    DuplicateProduct,
    InvalidInput,
    LotlineError,
)

DEFAULT_URL = "sqlite:///lotline.db"
RETRIES = 5
# Seconds an SQLite writer waits for another writer before giving up (readers never wait).
BUSY_TIMEOUT = 30.0
# The execution option that marks a read-only unit of work.
READ_ONLY = "lotline_read_only"

T = TypeVar("T")

# SQLSTATEs after which the whole transaction may simply be run again.
_RETRYABLE_SQLSTATES = {"40001", "40P01"}


def default_url() -> str:
    return os.environ.get("LOTLINE_DB") or DEFAULT_URL


def normalize_url(url: str | None) -> URL:
    """Parse a database URL, choosing psycopg 3 for plain postgresql:// URLs."""
    text = url or default_url()
    try:
        parsed = make_url(text)
    except ArgumentError:
        shown = _hide_password(text)
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
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide where transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT * 1000)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # A writer takes the write lock at the start, so two writers queue instead of
        # deadlocking; a reader takes none: in WAL mode it reads a snapshot, never waiting.
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def sqlite_path(url: URL) -> Path | None:
    """The file of an SQLite database, or None for an in-memory one (or another backend)."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    name = url.database
    if url.query.get("uri") == "true" and name.startswith("file:"):
        name = name.removeprefix("file:")
        if name in ("", ":memory:") or url.query.get("mode") == "memory":
            return None
    return Path(name).absolute()


def require_existing(url: URL) -> None:
    """Refuse an SQLite file that does not exist or is empty: opening it would create it."""
    path = sqlite_path(url)
    if path is None:
        return
    if path.is_dir():
        raise DatabaseUnavailable(
            f"Cannot open the database {path}: it is a folder, not a database file.",
            details={"database": safe_url(url), "path": str(path)},
        )
    if not path.exists() or path.stat().st_size == 0:
        state = "does not exist" if not path.exists() else "is an empty file"
        raise DatabaseNotFound(
            f"There is no database at {path}: the file {state}; nothing was created. "
            "Check the database URL and the working folder, or create the database first.",
            details={"database": safe_url(url), "path": str(path)},
        )


def no_lotline_data(url: URL) -> DatabaseNotFound:
    """The refusal of a database that exists but was never given lotline's schema."""
    where = _where(url)
    return DatabaseNotFound(
        f"The database {where} has none of lotline's tables; nothing was created. Check "
        "the database URL, or create the database first.",
        details={"database": safe_url(url), "path": where},
    )


def check_reachable(engine: Engine, url: URL) -> None:
    try:
        with engine.connect():
            pass
    except (OperationalError, DBAPIError) as exc:
        known = explain_operational_error(exc, url)
        if known is not None:
            raise known from None
        reason = _first_line(exc)
        raise DatabaseUnavailable(
            f"Cannot open the database {safe_url(url)}: {reason}. "
            "Check that the server runs, the database exists and the URL is right.",
            details={"database": safe_url(url), "reason": reason},
        ) from None


def _first_line(exc: DBAPIError) -> str:
    return str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)


def _where(url: URL) -> str:
    path = sqlite_path(url)
    return str(path) if path is not None else safe_url(url)


def explain_operational_error(exc: DBAPIError, url: URL) -> DatabaseError | None:
    """The lotline error for a database that is busy, read-only or not a database; else None."""
    reason = _first_line(exc)
    where = _where(url)
    details = {"database": safe_url(url), "reason": reason}
    lowered = reason.lower()
    if "database is locked" in lowered or "database table is locked" in lowered:
        return DatabaseBusy(
            f"The database {where} is busy: another program kept writing to it for more than "
            f"{BUSY_TIMEOUT:g} seconds, so nothing was recorded. Try again when it is done.",
            details=details,
        )
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if "readonly database" in lowered or "read-only" in lowered or sqlstate == "25006":
        return DatabaseReadOnly(
            f"The database {where} can only be read (the file, its folder or the server is "
            "read-only), so nothing was recorded. Get write access to it, or work on a copy.",
            details=details,
        )
    if "file is not a database" in lowered or "unable to open database file" in lowered:
        return DatabaseUnavailable(
            f"Cannot open the database {where}: {reason}. Check the path: it must be a "
            "database file, in a folder you may write to.",
            details=details,
        )
    return None


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
    def transaction(self, *, read_only: bool = False) -> Iterator[Connection]:
        """One all-or-nothing transaction; a read-only one never waits for a writer."""
        with self.engine.connect() as conn:
            if read_only:
                conn.execution_options(**{READ_ONLY: True})
            with conn.begin():
                yield conn

    def run(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` in one write transaction, again if the database reports a conflict."""
        return self._attempt(work, read_only=False)

    def read(self, work: Callable[[Connection], T]) -> T:
        """Run ``work``, which writes nothing, in one transaction that takes no write lock."""
        return self._attempt(work, read_only=True)

    def _attempt(self, work: Callable[[Connection], T], *, read_only: bool) -> T:
        for attempt in range(RETRIES):
            try:
                with self.transaction(read_only=read_only) as conn:
                    return work(conn)
            except IntegrityError as exc:
                raise explain_integrity_error(exc) from exc
            except DBAPIError as exc:
                if not is_retryable(exc) or attempt == RETRIES - 1:
                    explained = self._explain(exc)
                    if explained is exc:
                        raise
                    raise explained from exc
                time.sleep(0.01 * (2**attempt))
        raise AssertionError("unreachable")

    def _explain(self, exc: DBAPIError) -> Exception:
        if is_retryable(exc):
            return ConcurrentUpdate("Other users kept changing the same stock; try again.")
        return explain_operational_error(exc, self.url) or exc

    def dispose(self) -> None:
        self.engine.dispose()
