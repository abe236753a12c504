"""The pages and actions of the web application, one module per screen family."""

from __future__ import annotations

from fastapi import APIRouter

from lotline.web.pages import WebRoute


def router() -> APIRouter:
    """A router whose routes send anonymous users to the login page and show refusals."""
    return APIRouter(route_class=WebRoute)
