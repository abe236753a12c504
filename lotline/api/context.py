"""What every request shares: the one database and a facade per authenticated user."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from lotline.app import Lotline
from lotline.services.users import IdempotencyKeys, Jobs, Users


@dataclass(frozen=True)
class Server:
    """The opened database; each request acts through ``facade(user)``."""

    base: Lotline

    def facade(self, user: str) -> Lotline:
        return Lotline(self.base.db, user)

    @property
    def users(self) -> Users:
        return self.base.users

    @property
    def idempotency(self) -> IdempotencyKeys:
        return IdempotencyKeys(self.base.db, self.base.user)

    def jobs(self, user: str) -> Jobs:
        return Jobs(self.base.db, user)


def server_of(request: Request) -> Server:
    found = request.app.state.server
    assert isinstance(found, Server)
    return found
