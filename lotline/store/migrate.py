"""Bring a database to the current schema with Alembic.

Alembic is loaded only when a migration has to run: ``is_current`` answers with
one plain query, so opening an up-to-date database stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
# The newest revision in migrations/versions; a test keeps it equal to Alembic's head.
HEAD = "0003"
VERSION_TABLE = "alembic_version"

# The key of the PostgreSQL advisory lock that lets one opener migrate at a time
# (the second int is the schema's, so that schemas of one database do not wait).
_MIGRATION_LOCK = 0x6C6F746C  # "lotl"


def config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(config()).get_current_head()


def current_revision(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def is_lotline(connection: Connection) -> bool:
    """True when the database has been given lotline's schema (at any revision)."""
    return inspect(connection).has_table(VERSION_TABLE)


def is_current(connection: Connection) -> bool:
    """True when the database is at ``HEAD``, without loading Alembic."""
    if not is_lotline(connection):
        return False
    versions = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars()
    return list(versions) == [HEAD]


def upgrade(connection: Connection) -> bool:
    """Apply every missing migration on ``connection``; True when anything ran.

    Several processes may open one empty database at once: on PostgreSQL the
    first takes a lock held until its transaction ends, the others wait for it
    and then find the schema up to date. (SQLite's writers already queue.)
    """
    head = head_revision()
    if current_revision(connection) == head:
        return False
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("SELECT pg_advisory_xact_lock(:key, hashtext(COALESCE(current_schema(), '')))"),
            {"key": _MIGRATION_LOCK},
        )
        if current_revision(connection) == head:
            return False
    from alembic import command

    command.upgrade(config(connection), "head")
    return True
