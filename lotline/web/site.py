"""Installing the web application on the API server's ASGI app."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette_csrf.middleware import CSRFMiddleware

from lotline.web.pages import HERE
from lotline.web.routes import (
    auth,
    jobs,
    lots,
    manufacturing,
    products,
    quantities,
    settings,
    trace,
    transfers,
)
from lotline.web.sessions import CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE, secret_key

API_PREFIX = "/api/"
SESSION_SECONDS = 12 * 3600
# Read (or made) on import: `lotline serve` imports the server before it starts its worker
# processes, so a key made here is in the environment they inherit and they all share it.
SECRET = secret_key()


class BrowserOnly:
    """Sessions and CSRF checks for the browser's paths; the API (bearer tokens) goes
    around them untouched: no cookie is read or set on /api/."""

    def __init__(self, app: ASGIApp, secret: str) -> None:
        self.app = app
        sessions = SessionMiddleware(
            app,
            secret_key=secret,
            session_cookie=SESSION_COOKIE,
            max_age=SESSION_SECONDS,
            same_site="lax",
        )
        self.browser = CSRFMiddleware(
            sessions,
            secret,
            sensitive_cookies={SESSION_COOKIE},
            cookie_name=CSRF_COOKIE,
            header_name=CSRF_HEADER,
            exempt_urls=[re.compile(r"^/static/")],
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith(API_PREFIX):
            await self.browser(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def install(app: FastAPI) -> None:
    """Serve the web application at / beside the API (kept out of its OpenAPI description)."""
    for module in (
        auth,
        settings,
        products,
        quantities,
        transfers,
        manufacturing,
        lots,
        trace,
        jobs,
    ):
        app.include_router(module.routes, include_in_schema=False)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.add_middleware(BrowserOnly, secret=SECRET)
