"""What every service shares: the database, the acting user and the clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import Connection

from lotline.store.engine import Database

T = TypeVar("T")


def utcnow() -> datetime:
    """The current time in UTC, without tzinfo, as stored in the database."""
    return datetime.now(UTC).replace(tzinfo=None)


class Service:
    """A capability bound to one database; each public method is one transaction."""

    def __init__(self, db: Database, user: str) -> None:
        self.db = db
        self.user = user

    def _run(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` in one write transaction."""
        return self.db.run(work)

    def _read(self, work: Callable[[Connection], T]) -> T:
        """Run ``work``, which writes nothing, in one transaction that never waits for a writer."""
        return self.db.read(work)
