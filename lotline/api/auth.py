"""Bearer tokens and roles: no or unknown token -> 401, a role too low -> 403."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from lotline.api.context import server_of
from lotline.app import Lotline
from lotline.services.users import Role, User

bearer = HTTPBearer(
    auto_error=False, description="An API token: `lotline tokens create NAME` prints one."
)


def user_of_token(request: Request, secret: str | None) -> User | None:
    """The token's user, looked up once per request."""
    cached = getattr(request.state, "user", None)
    if isinstance(cached, User):
        return cached
    if not secret:
        return None
    user = server_of(request).users.authenticate(secret)
    request.state.user = user
    return user


def authenticated(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> User:
    user = user_of_token(request, credentials.credentials if credentials else None)
    if user is None:
        raise HTTPException(
            401,
            "A valid API token is required: send Authorization: Bearer <token>.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return user


def needs(role: Role) -> Callable[..., Lotline]:
    """A dependency giving the facade acting as the user, when the user's role includes ``role``."""

    def facade(request: Request, user: Annotated[User, Depends(authenticated)]) -> Lotline:
        if not user.may(role):
            raise HTTPException(
                403, f"This needs the {role} role; user {user.name!r} is {user.role}."
            )
        return server_of(request).facade(user.name)

    return facade


Viewer = Annotated[Lotline, Depends(needs("viewer"))]
Operator = Annotated[Lotline, Depends(needs("operator"))]
Manager = Annotated[Lotline, Depends(needs("manager"))]
Admin = Annotated[Lotline, Depends(needs("admin"))]
CurrentUser = Annotated[User, Depends(authenticated)]
