"""Fixtures of the drills: a crew of spawned processes, fresh databases, and the figures.

Each drill records its figures (calls made, ok, refused, defects, kills survived)
with ``record_property("drill", {...})``; they travel with the test report (also
from xdist workers) and are summed at the end of the run.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import postgres_schema_url
from tests.drills.crew import Crew
from tests.drills.scale import scaled

CREW_SIZE = scaled(6, 8)
_files = itertools.count(1)


@pytest.fixture(scope="session")
def crew() -> Iterator[Crew]:
    """Six worker processes (eight in the long run; spawn), shared by every race of the session."""
    started = Crew(CREW_SIZE)
    try:
        yield started
    finally:
        started.close()


@pytest.fixture
def new_database(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[str], str]:
    """Makes the URL of a new empty database of a backend ("sqlite" or "postgresql")."""

    def make(backend: str) -> str:
        if backend == "sqlite":
            return f"sqlite:///{tmp_path / f'drill{next(_files)}.db'}"
        database = request.getfixturevalue("postgres_database")
        if database is None:
            pytest.skip("PostgreSQL leg skipped: no server (set LOTLINE_TEST_POSTGRES)")
        return postgres_schema_url(database)

    return make


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_url(
    request: pytest.FixtureRequest, new_database: Callable[[str], str]
) -> Callable[[], str]:
    """Makes the URL of a new empty database on each call, once per backend."""
    return lambda: new_database(request.param)


@pytest.fixture
def figures(record_property: Callable[[str, Any], None]) -> Iterator[Counter[str]]:
    """A drill's figures, reported with its test."""
    counts: Counter[str] = Counter()
    yield counts
    record_property("drill", dict(counts))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every drill, so that a quick run can leave them out with -m 'not drill'."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.drill)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    total: Counter[str] = Counter()
    per_drill: dict[str, Counter[str]] = {}
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", "") != "teardown":
                continue
            for key, value in getattr(report, "user_properties", []):
                if key != "drill":
                    continue
                drill = report.nodeid.split("::")[0].rsplit("/", 1)[-1]
                per_drill.setdefault(drill, Counter()).update(value)
                total.update(value)
    if not total:
        return
    order = ("calls", "ok", "refused", "defects", "kills", "survived")
    for drill, counts in sorted(per_drill.items()):
        keys = [k for k in order if k in counts] + sorted(k for k in counts if k not in order)
        shown = ", ".join(f"{k} {counts[k]}" for k in keys)
        terminalreporter.write_line(f"drill {drill}: {shown}")
