"""Concurrency drill: real processes making the same call at the same instant, and a
random mix of work, on PostgreSQL and on one SQLite file; then the invariants in plain SQL."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from tests.drills import races
from tests.drills.crew import Crew, Outcome
from tests.drills.invariants import violations_at


def tally(figures: Counter[str], outcomes: list[Outcome]) -> None:
    figures["calls"] += len(outcomes)
    figures["ok"] += sum(o.ok for o in outcomes)
    figures["refused"] += sum(o.refused and not o.defect for o in outcomes)
    figures["defects"] += sum(o.defect for o in outcomes)


def test_six_processes_opening_one_empty_database_at_once_all_succeed(
    crew: Crew, fresh_url: Callable[[], str], figures: Counter[str]
) -> None:
    url = fresh_url()
    outcomes = crew.race(url, races.open_database, 6, open_first=False)
    tally(figures, outcomes)
    assert all(o.ok for o in outcomes), "\n".join(map(str, outcomes))
    assert violations_at(url) == []
