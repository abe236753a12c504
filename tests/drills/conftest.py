"""Fixtures of the drills: a crew of worker processes, fresh databases, and the figures.

Each drill records its figures (calls made, ok, refused, defects, kills survived)
with ``record_property("drill", {...})``; they travel with the test report (also
from xdist workers) and are summed at the end of the run.
"""

from __future__ import annotations

import itertools
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

import lotline
from lotline.store.schema import metadata
from tests.conftest import postgres_schema_url
from tests.drills.crew import Crew
from tests.drills.scale import scaled

CREW_SIZE = scaled(6, 8)
_files = itertools.count(1)


@pytest.fixture(scope="session")
def crew() -> Iterator[Crew]:
    """Six worker processes (eight in the long run), shared by every race of the session."""
    started = Crew(CREW_SIZE)
    try:
        yield started
    finally:
        started.close()


class Databases:
    """Empty databases for the drills without waiting for migrations each time: SQLite
    files are copies of one migrated file; PostgreSQL schemas are emptied and reused."""

    def __init__(self, folder: Path, request: pytest.FixtureRequest) -> None:
        self.folder = folder
        self.request = request
        self.template: Path | None = None
        self.idle: list[str] = []

    def new(self, backend: str, *, reuse: bool = True) -> tuple[str, bool]:
        """A URL, and whether it may be reused after the test. ``reuse`` False: a brand-new
        database (never migrated, never handed out again)."""
        if backend == "sqlite":
            target = self.folder / f"drill{next(_files)}.db"
            if reuse:
                shutil.copyfile(self._template(), target)
            return f"sqlite:///{target}", False
        database = self.request.getfixturevalue("postgres_database")
        if database is None:
            pytest.skip("PostgreSQL leg skipped: no server (set LOTLINE_TEST_POSTGRES)")
        if reuse and self.idle:
            url = self.idle.pop()
            empty(url)
            return url, True
        return postgres_schema_url(database), reuse

    def _template(self) -> Path:
        if self.template is None:
            self.template = self.folder / "template.db"
            lotline.open(f"sqlite:///{self.template}").close()
        return self.template


def empty(url: str) -> None:
    """Delete every row but the schema version (lotline.open puts the defaults back)."""
    engine = create_engine(make_url(url))
    try:
        with engine.begin() as conn:
            for table in reversed(metadata.sorted_tables):
                conn.execute(table.delete())
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def databases(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Databases:
    return Databases(tmp_path_factory.mktemp("drills"), request)


@pytest.fixture
def new_database(databases: Databases) -> Iterator[Callable[..., str]]:
    """Makes the URL of an empty database of a backend ("sqlite" or "postgresql");
    ``reuse=False`` for a brand-new one."""
    handed: list[str] = []

    def make(backend: str, *, reuse: bool = True) -> str:
        url, back = databases.new(backend, reuse=reuse)
        if back:
            handed.append(url)
        return url

    yield make
    databases.idle.extend(handed)


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_url(
    request: pytest.FixtureRequest, new_database: Callable[..., str]
) -> Callable[..., str]:
    """Makes the URL of an empty database on each call, once per backend."""
    return lambda **options: new_database(request.param, **options)


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
    order = ("calls", "ok", "refused", "defects", "wrong outcomes", "kills", "survived", "steps")
    for drill, counts in sorted(per_drill.items()):
        keys = [k for k in order if k in counts] + sorted(k for k in counts if k not in order)
        shown = ", ".join(f"{k} {counts[k]}" for k in keys)
        terminalreporter.write_line(f"drill {drill}: {shown}")
