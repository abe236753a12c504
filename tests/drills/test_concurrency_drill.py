"""Concurrency drill: real processes making the same call at the same instant, and a
random mix of work, on PostgreSQL and on one SQLite file; then the invariants in plain SQL."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

import lotline
from lotline.errors import LotlineError
from tests.drills import mix, races
from tests.drills.conftest import CREW_SIZE
from tests.drills.crew import Crew, Outcome
from tests.drills.invariants import violations_at
from tests.drills.races import RACES, Race
from tests.drills.scale import scaled


def tally(figures: Counter[str], outcomes: list[Outcome]) -> None:
    figures["calls"] += len(outcomes)
    figures["ok"] += sum(o.ok for o in outcomes)
    figures["refused"] += sum(o.refused and not o.defect for o in outcomes)
    figures["defects"] += sum(o.defect for o in outcomes)


def test_six_processes_opening_one_empty_database_at_once_all_succeed(
    crew: Crew, fresh_url: Callable[..., str], figures: Counter[str]
) -> None:
    url = fresh_url(reuse=False)
    outcomes = crew.race(url, races.open_database, 6, open_first=False)
    tally(figures, outcomes)
    assert all(o.ok for o in outcomes), "\n".join(map(str, outcomes))
    assert violations_at(url) == []


ATTEMPTS = scaled(1, 5)
SLOW = 0.001


def race_cases() -> list[Any]:
    return [
        pytest.param(
            race,
            backend,
            id=f"{race.name}-{backend}",
            marks=[pytest.mark.xfail(strict=True, reason=race.defects[backend])]
            if backend in race.defects
            else [],
        )
        for race in RACES
        for backend in ("sqlite", "postgresql")
    ]


@pytest.mark.parametrize(("race", "backend"), race_cases())
def test_the_same_call_at_the_same_instant_has_the_exact_expected_outcome(
    race: Race,
    backend: str,
    crew: Crew,
    new_database: Callable[..., str],
    figures: Counter[str],
) -> None:
    for _ in range(ATTEMPTS):
        url = new_database(backend)
        with lotline.open(url, user="setup") as app:
            names = race.setup(app)
        outcomes = crew.race(url, partial(race.call, **names), race.callers, slow=SLOW)
        tally(figures, outcomes)
        try:
            assert violations_at(url) == [], "\n".join(map(str, outcomes))
            with lotline.open(url, user="checker") as app:
                race.expect(app, outcomes, **names)
                assert app.check().ok
            assert violations_at(url) == []
        except AssertionError:
            figures["wrong outcomes"] += 1
            raise


MIX_STEPS = scaled(8, 0)
MIX_SECONDS = scaled(0, 60)
MIX_WORKERS = {"sqlite": 4, "postgresql": CREW_SIZE}


def test_a_random_mix_of_work_from_several_processes_keeps_every_invariant(
    crew: Crew, fresh_url: Callable[..., str], figures: Counter[str]
) -> None:
    url = fresh_url()
    with lotline.open(url, user="setup") as app:
        mix.setup(app)
    backend = "sqlite" if url.startswith("sqlite") else "postgresql"
    work = partial(mix.run, seed=13, steps=MIX_STEPS, seconds=MIX_SECONDS)
    outcomes = crew.race(url, work, MIX_WORKERS[backend], timeout=MIX_SECONDS + 300)
    assert all(o.ok for o in outcomes), "\n".join(f"{o}\n{o.trace}" for o in outcomes)
    defects = [d for o in outcomes for d in o.value["defects"]]
    for outcome in outcomes:
        figures.update(outcome.value["tally"])
    assert violations_at(url) == []
    with lotline.open(url, user="checker") as app:
        assert app.check().ok
    assert defects == [], "\n".join(defects)
    assert figures["ok"] > figures["calls"] // 3


def test_a_sqlite_writer_that_outwaits_the_busy_timeout_gets_a_lotline_error(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'busy.db'}"
    app = lotline.open(url)

    @event.listens_for(app.db.engine, "connect")
    def short_timeout(dbapi_connection: Any, _: Any) -> None:
        dbapi_connection.execute("PRAGMA busy_timeout=100")

    app.db.engine.dispose()
    holder = sqlite3.connect(tmp_path / "busy.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(LotlineError, match="busy"):
            app.products.create("X", "X")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        app.close()
