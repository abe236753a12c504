"""Health, the ledger check, users, API tokens and jobs."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sse_starlette import EventSourceResponse

import lotline
from lotline.api.auth import Admin, CurrentUser
from lotline.api.context import server_of
from lotline.api.inputs import TokenNew, UserNew, UserPatch
from lotline.api.jobs import progress_events
from lotline.api.paging import Page, Pages, page
from lotline.api.routes import Id, router
from lotline.api.views import CheckView, Health, JobView, NewToken, TokenView, UserView
from lotline.app import Lotline
from lotline.errors import UnknownJob, UnknownUser
from lotline.services.users import ApiToken, Job, User

routes = router("admin")


@routes.get("/health", response_model=Health)
def health(request: Request) -> dict[str, str]:
    """Is the server up, and on which database (no token needed)."""
    backend = server_of(request).base.db.backend
    return {"status": "ok", "database": backend, "version": lotline.__version__}


@routes.get("/check", response_model=CheckView)
def check(app: Admin) -> dict[str, Any]:
    """Rebuild every quant from the ledger and verify double entry."""
    report = app.check()
    return {
        "ok": report.ok,
        "move_lines": report.move_lines,
        "quants": report.quants,
        "differences": report.differences,
    }


def _user_by_id(app: Lotline, user_id: Id) -> User:
    for user in app.users.list():
        if user.id == user_id:
            return user
    raise UnknownUser(f"There is no user with id {user_id}.", details={"id": user_id})


@routes.get("/users", response_model=Page[UserView])
def list_users(app: Admin, paging: Pages) -> dict[str, Any]:
    return page(app.users.list(), paging)


@routes.post("/users", response_model=UserView, status_code=201)
def add_user(body: UserNew, app: Admin) -> User:
    return app.users.add(body.name, body.role, body.password)


@routes.patch("/users/{user_id}", response_model=UserView)
def set_role(user_id: Id, body: UserPatch, app: Admin) -> User:
    return app.users.set_role(_user_by_id(app, user_id).name, body.role)


@routes.get("/tokens", response_model=Page[TokenView])
def list_tokens(app: Admin, paging: Pages) -> dict[str, Any]:
    return page(app.users.tokens(), paging)


@routes.post("/tokens", response_model=NewToken, status_code=201)
def create_token(body: TokenNew, app: Admin) -> dict[str, Any]:
    """A new token for a user; its secret is in this answer only."""
    secret = app.users.token(body.user, body.label)
    return {"id": app.users.find_token(secret).id, "token": secret}


@routes.delete("/tokens/{token_id}", response_model=TokenView)
def revoke_token(token_id: Id, app: Admin) -> ApiToken:
    return app.users.revoke(token_id)


def _job(request: Request, user: User, job_id: Id) -> Job:
    job = server_of(request).jobs(user.name).get(job_id)
    if job.user != user.name and not user.may("admin"):
        raise UnknownJob(f"There is no job {job_id}.", details={"job": job_id})
    return job


@routes.get("/jobs/{job_id}", response_model=JobView)
def get_job(job_id: Id, request: Request, user: CurrentUser) -> Job:
    """A background job: its progress (done/total), then its result or error."""
    return _job(request, user, job_id)


@routes.get(
    "/jobs/{job_id}/events",
    response_class=EventSourceResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "Progress events"}},
)
def job_events(job_id: Id, request: Request, user: CurrentUser) -> EventSourceResponse:
    """The job's progress as server-sent events, ending with its final state."""
    _job(request, user, job_id)
    return EventSourceResponse(progress_events(server_of(request).jobs(user.name), job_id))
