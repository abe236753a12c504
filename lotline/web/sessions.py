"""Who is using the browser: the signed session cookie, the user's role, and flash messages.

The session holds only the user's name; the user (and so the role) is read again
on every request, so a changed role or a removed user takes effect at once.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from lotline.api.context import server_of
from lotline.app import Lotline
from lotline.errors import NotFound
from lotline.services.users import Role, User

SECRET_ENV = "LOTLINE_SECRET_KEY"
SESSION_COOKIE = "lotline_session"
CSRF_COOKIE = "csrftoken"
CSRF_HEADER = "x-csrftoken"


def secret_key() -> str:
    """The key that signs sessions and CSRF tokens: $LOTLINE_SECRET_KEY, or one made now.

    A key made here is put into the environment, so the worker processes a server
    starts afterwards share it and a session signed by one is read by the others.
    """
    return os.environ.setdefault(SECRET_ENV, secrets.token_urlsafe(32))


class LoginRequired(Exception):
    """No one is logged in: the browser is sent to the login page."""


class RoleRequired(Exception):
    """The user's role does not include the one an action needs."""

    def __init__(self, user: User, role: Role) -> None:
        super().__init__(
            f"This needs the {role} role; you are logged in as {user.name} ({user.role})."
        )


@dataclass(frozen=True)
class Web:
    """One request of a logged-in user: the request, the user and the facade acting as them."""

    request: Request
    user: User
    app: Lotline


def logged_in_user(request: Request) -> User | None:
    name = request.session.get("user")
    if not isinstance(name, str):
        return None
    try:
        return server_of(request).users.get(name)
    except NotFound:
        request.session.clear()
        return None


def log_in(request: Request, user: User) -> None:
    request.session.clear()
    request.session["user"] = user.name


def log_out(request: Request) -> None:
    request.session.clear()


def flash(request: Request, message: str) -> None:
    """A message shown once, on the next page."""
    request.session["flash"] = message


def pop_flash(request: Request) -> str | None:
    message = request.session.pop("flash", None)
    return message if isinstance(message, str) else None


def needs(role: Role) -> Callable[[Request], Web]:
    """A dependency: the logged-in user acting through the facade, when their role includes
    ``role``."""

    def web(request: Request) -> Web:
        user = logged_in_user(request)
        if user is None:
            raise LoginRequired()
        if not user.may(role):
            raise RoleRequired(user, role)
        return Web(request, user, server_of(request).facade(user.name))

    return web


Viewer = Annotated[Web, Depends(needs("viewer"))]
Operator = Annotated[Web, Depends(needs("operator"))]
Manager = Annotated[Web, Depends(needs("manager"))]
Admin = Annotated[Web, Depends(needs("admin"))]
