"""A crew of processes that make calls on one database at the same instant.

Each worker is a real process with its own connections, as several users or server
workers would be. Workers start from a fork server (a process spawned once, with
lotline imported and no database ever opened): as clean as spawn, without paying
the imports in every worker. ``Crew.race`` hands every worker the
same database URL and a call; the workers open the database, wait at a barrier,
and are released together. A call is a module-level function (so it pickles)
taking ``(app, index)``, or ``(url, index)`` when the race is about opening.
"""

from __future__ import annotations

import multiprocessing
import queue
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, event

CONSTRAINT_WORDS = ("database refused", "uq_", "fk_", "ck_", "pg_", "constraint", "sqlite")


@dataclass(frozen=True)
class Outcome:
    """What one worker's call did: ok (with the call's summary), refused, or a defect."""

    worker: int
    ok: bool
    value: Any = None
    error: str | None = None
    message: str = ""
    lotline_error: bool = False
    trace: str = ""

    @property
    def refused(self) -> bool:
        return not self.ok and self.lotline_error

    @property
    def defect(self) -> bool:
        """A raw exception, or a refusal that names database internals."""
        if self.ok:
            return False
        if not self.lotline_error:
            return True
        return any(word in self.message.lower() for word in CONSTRAINT_WORDS)

    def __str__(self) -> str:
        if self.ok:
            return f"worker {self.worker}: ok {self.value!r}"
        return f"worker {self.worker}: {self.error}: {self.message}"


PRELOAD = ["lotline", "tests.drills.races", "tests.drills.mix", "tests.drills.kill_child"]


def context() -> Any:
    """The multiprocessing context of every drill process (see the module docstring)."""
    forkserver = multiprocessing.get_context("forkserver")
    forkserver.set_forkserver_preload(PRELOAD)
    return forkserver


@dataclass(frozen=True)
class Task:
    url: str
    call: Callable[..., Any]
    callers: int
    open_first: bool
    slow: float


def slow_down(engine: Engine, seconds: float) -> None:
    """Pause after every statement, so that callers released together overlap."""

    def pause(*_: Any) -> None:
        time.sleep(seconds)

    event.listen(engine, "after_cursor_execute", pause)


def attempt(index: int, call: Callable[[], Any]) -> Outcome:
    from lotline.errors import LotlineError

    try:
        return Outcome(index, True, call())
    except LotlineError as exc:
        return Outcome(index, False, None, type(exc).__name__, str(exc), True)
    except Exception as exc:
        return Outcome(
            index, False, None, type(exc).__name__, str(exc)[:500], False, traceback.format_exc()
        )


def _perform(index: int, task: Task, barrier: Any) -> Outcome | None:
    import lotline

    app = None
    opened: Outcome | None = None
    if task.open_first and index < task.callers:
        opened = attempt(index, lambda: lotline.open(task.url, user=f"user{index}"))
        app = opened.value if opened.ok else None
        if app is not None and task.slow:
            slow_down(app.db.engine, task.slow)
    try:
        barrier.wait(timeout=120)
        if index >= task.callers:
            return None
        if opened is not None and not opened.ok:
            return opened
        target = app if task.open_first else task.url
        return attempt(index, lambda: task.call(target, index))
    finally:
        if app is not None:
            app.close()


def _serve(index: int, inbox: Any, outbox: Any, barrier: Any) -> None:
    while True:
        task = inbox.get()
        if task is None:
            return
        try:
            outcome = _perform(index, task, barrier)
        except Exception as exc:  # the barrier broke: report, keep serving
            outcome = Outcome(index, False, None, type(exc).__name__, str(exc), False)
        outbox.put((index, outcome))


class Crew:
    """``size`` worker processes, started once and reused by every race."""

    def __init__(self, size: int) -> None:
        start = context()
        self.size = size
        self.barrier = start.Barrier(size)
        self.outbox = start.Queue()
        self.inboxes = [start.Queue() for _ in range(size)]
        self.workers = [
            start.Process(
                target=_serve, args=(i, self.inboxes[i], self.outbox, self.barrier), daemon=True
            )
            for i in range(size)
        ]
        for worker in self.workers:
            worker.start()

    def race(
        self,
        url: str,
        call: Callable[..., Any],
        callers: int,
        *,
        open_first: bool = True,
        slow: float = 0.0,
        timeout: float = 300,
    ) -> list[Outcome]:
        """Release ``callers`` workers on ``call`` at once; their outcomes by worker."""
        assert callers <= self.size
        task = Task(url, call, callers, open_first, slow)
        for inbox in self.inboxes:
            inbox.put(task)
        outcomes: dict[int, Outcome | None] = {}
        deadline = time.monotonic() + timeout
        while len(outcomes) < self.size:
            try:
                index, outcome = self.outbox.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"the crew did not answer within {timeout} s") from None
            outcomes[index] = outcome
        self.barrier.reset()
        return [o for i, o in sorted(outcomes.items()) if o is not None]

    def close(self) -> None:
        for inbox in self.inboxes:
            inbox.put(None)
        for worker in self.workers:
            worker.join(timeout=10)
            if worker.is_alive():
                worker.kill()
