"""Long work from the browser: a job runs the facade call in a thread while the page shows
its progress, then sends the browser to the result (or shows the refusal).

The call is one transaction, as any other: a job cut short leaves nothing behind.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from fastapi import Response

from lotline.api.context import server_of
from lotline.errors import LotlineError
from lotline.services.users import Jobs
from lotline.web.pages import go
from lotline.web.sessions import Web

log = logging.getLogger("lotline.web")
LONG_LIST = 1000  # lines of a pasted or generated list from which the work runs as a job


def start_job(web: Web, kind: str, work: Callable[[], str]) -> Response:
    """Run ``work`` (which returns the URL of its result) as a job; show its progress page."""
    jobs = server_of(web.request).jobs(web.user.name)
    job = jobs.start(kind)
    thread = threading.Thread(
        target=_run, args=(jobs, job.id, work), name=f"web-job-{job.id}", daemon=True
    )
    thread.start()
    return go(web.request, f"/jobs/{job.id}")


def _run(jobs: Jobs, job_id: int, work: Callable[[], str]) -> None:
    try:
        jobs.finish(job_id, 200, {"url": work()})
    except LotlineError as exc:
        jobs.finish(job_id, 409, {"code": exc.code, "message": exc.message}, failed=True)
    except Exception:
        log.exception("job %s failed", job_id)
        message = "The work failed on the server; nothing was saved and the error was logged."
        jobs.finish(job_id, 500, {"code": "internal_error", "message": message}, failed=True)
