"""Bring a database to the current schema with Alembic."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text

MIGRATIONS = Path(__file__).parent / "migrations"

# The key of the PostgreSQL advisory lock that lets one opener migrate at a time
# (the second int is the schema's, so that schemas of one database do not wait).
_MIGRATION_LOCK = 0x6C6F746C  # "lotl"


def config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str | None:
    return ScriptDirectory.from_config(config()).get_current_head()


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


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
    command.upgrade(config(connection), "head")
    return True
