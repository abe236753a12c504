"""The resources of /api/v1, one module per part of the facade."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from lotline.api.exact_json import ExactJSONRoute
from lotline.api.problems import ERROR_RESPONSES
from lotline.api.query import refuse_unknown_query
from lotline.app import Lotline
from lotline.services.keys import Keys

MAX_ID = 2**31 - 1
Id = Annotated[int, Path(ge=1, le=MAX_ID, description="The numeric id of the resource.")]


def router(tag: str) -> APIRouter:
    """A router whose bodies keep exact numbers and whose errors are documented."""
    return APIRouter(
        route_class=ExactJSONRoute,
        responses=ERROR_RESPONSES,
        tags=[tag],
        dependencies=[Depends(refuse_unknown_query)],
    )


def keys(app: Lotline) -> Keys:
    """Ids to natural keys, read as the request's user."""
    return Keys(app.db, app.user)
