"""Long work in the background: ``Prefer: respond-async`` -> 202 and a job to follow.

The work is one facade call, so one transaction: a job stopped half-way (the
server stopped) leaves nothing behind and is marked interrupted at the next
start. The services report no progress of their own yet, so a job goes from
0/1 to 1/1 when its transaction commits.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import AsyncIterator, Callable
from typing import Any

import anyio
from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import TypeAdapter

from lotline.api.context import server_of
from lotline.api.problems import error_body, problem_body
from lotline.api.views import JobView
from lotline.errors import LotlineError
from lotline.services.users import Job, Jobs

log = logging.getLogger("lotline.api")
POLL_SECONDS = 0.2

ASYNC_RESPONSES: dict[int | str, dict[str, Any]] = {
    202: {
        "model": JobView,
        "description": "Accepted (Prefer: respond-async): follow the job at Location.",
    }
}


def wants_async(request: Request) -> bool:
    """True when the client sent ``Prefer: respond-async`` (RFC 7240)."""
    preferences = ",".join(request.headers.getlist("prefer")).lower()
    return any(p.split(";")[0].strip() == "respond-async" for p in preferences.split(","))


def job_json(job: Job) -> dict[str, Any]:
    return JobView.model_validate(job).model_dump(mode="json")


def answer(
    request: Request,
    user: str,
    kind: str,
    work: Callable[[], Any],
    view: Any,
    status: int = 200,
) -> Any:
    """Run ``work`` now, or in a background job when the client prefers it."""
    if not wants_async(request):
        return work()
    jobs = server_of(request).jobs(user)
    job = jobs.start(kind)
    adapter: TypeAdapter[Any] = TypeAdapter(view)
    thread = threading.Thread(
        target=_run, args=(jobs, job.id, work, adapter, status), name=f"job-{job.id}", daemon=True
    )
    thread.start()
    return JSONResponse(
        job_json(job), status_code=202, headers={"Location": f"/api/v1/jobs/{job.id}"}
    )


def _run(jobs: Jobs, job_id: int, work: Callable[[], Any], adapter: Any, status: int) -> None:
    try:
        result = work()
        body = adapter.dump_python(
            adapter.validate_python(result, from_attributes=True), mode="json"
        )
        jobs.finish(job_id, status, body)
    except LotlineError as exc:
        failed_status, problem = error_body(exc)
        jobs.finish(job_id, failed_status, problem, failed=True)
    except Exception:
        log.exception("job %s failed", job_id)
        problem = problem_body(500, "internal_error", "The job failed; the error was logged.")
        jobs.finish(job_id, 500, problem, failed=True)


async def progress_events(jobs: Jobs, job_id: int) -> AsyncIterator[dict[str, str]]:
    """Server-sent events: ``progress`` while the job runs, then its final state."""
    last: tuple[str, int, int] | None = None
    while True:
        job = await run_in_threadpool(jobs.get, job_id)
        seen = (job.state, job.done, job.total)
        if seen != last:
            event = "progress" if job.state == "running" else job.state
            yield {"event": event, "data": json.dumps(job_json(job))}
            last = seen
        if job.state != "running":
            return
        await anyio.sleep(POLL_SECONDS)
