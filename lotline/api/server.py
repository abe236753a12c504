"""The ASGI application: ``create_app(url)``, and the factory ``lotline serve`` runs."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

import lotline
from lotline.api import problems
from lotline.api.context import Server
from lotline.api.idempotency import IdempotencyMiddleware
from lotline.api.routes import admin, catalog, lots, manufacturing, standards, stock, transfers
from lotline.services.users import Jobs
from lotline.web import install as install_web

PREFIX = "/api/v1"
RECOVERED_ENV = "LOTLINE_JOBS_RECOVERED"

DESCRIPTION = """Lot and serial number traceability over HTTP.

Send `Authorization: Bearer <token>`. Quantities are exact decimal strings in
answers and strings or JSON numbers in requests. Errors are
`application/problem+json` with lotline's stable `code` and `details`. Writes
accept `Idempotency-Key`; long work accepts `Prefer: respond-async`.
"""


def create_app(url: str | None = None, *, recover_jobs: bool = True) -> FastAPI:
    """The REST API on the database at ``url`` (None: $LOTLINE_DB or sqlite:///lotline.db).

    ``recover_jobs``: mark jobs left running by a stopped server as interrupted (a
    server with several workers does it once, before they start).
    """
    base = lotline.open(url, user="lotline-server")
    if recover_jobs:
        Jobs(base.db, base.user).interrupt_running()
    server = Server(base)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        base.close()

    app = FastAPI(
        lifespan=lifespan,
        title="lotline",
        version=lotline.__version__,
        description=DESCRIPTION,
        openapi_url=f"{PREFIX}/openapi.json",
        docs_url=f"{PREFIX}/docs",
        redoc_url=None,
    )
    app.state.server = server
    problems.install(app)
    for module in (admin, catalog, lots, stock, transfers, manufacturing, standards):
        app.include_router(module.routes, prefix=PREFIX)
    install_web(app)
    app.add_middleware(IdempotencyMiddleware, server=server)
    return app


def app_from_environment() -> FastAPI:
    """The factory for uvicorn workers: the database from $LOTLINE_DB."""
    return create_app(recover_jobs=os.environ.get(RECOVERED_ENV) != "1")
