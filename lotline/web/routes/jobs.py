"""The progress page of long work: a progress bar fed by the job's events (server-sent)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import anyio
from fastapi import Request, Response
from fastapi.concurrency import run_in_threadpool
from sse_starlette import EventSourceResponse

from lotline.api.context import server_of
from lotline.services.users import Job
from lotline.web.pages import go, page, templates
from lotline.web.routes import router
from lotline.web.sessions import RoleRequired, Viewer, Web

routes = router()
POLL_SECONDS = 0.25


def _job(web: Web, job_id: int) -> Job:
    """The job, when it is the user's own (or the user is an admin)."""
    job = server_of(web.request).jobs(web.user.name).get(job_id)
    if job.user != web.user.name and not web.user.may("admin"):
        raise RoleRequired(web.user, "admin")
    return job


@routes.get("/jobs/{job_id}")
def job_page(web: Viewer, job_id: int) -> Response:
    return page(web, "job.html", job=_job(web, job_id))


@routes.get("/jobs/{job_id}/result")
def job_result(web: Viewer, job_id: int) -> Response:
    """Where a finished job sends the browser: its result."""
    job = _job(web, job_id)
    if job.state == "done" and isinstance(job.result, dict):
        return go(web.request, str(job.result["url"]))
    return go(web.request, f"/jobs/{job_id}")


@routes.get("/jobs/{job_id}/events")
def job_events(web: Viewer, job_id: int, request: Request) -> EventSourceResponse:
    """``progress`` events with the progress bar, then ``done`` (or ``failed``) to end."""
    jobs = server_of(request).jobs(web.user.name)
    _job(web, job_id)
    template = templates.get_template("_job_progress.html")

    async def events() -> AsyncIterator[dict[str, str]]:
        last = None
        while True:
            job = await run_in_threadpool(jobs.get, job_id)
            seen = (job.state, job.done, job.total)
            if seen != last:
                yield {"event": "progress", "data": template.render(job=job)}
                last = seen
            if job.state != "running":
                yield {"event": "done", "data": ""}
                return
            await anyio.sleep(POLL_SECONDS)

    return EventSourceResponse(events())
