"""Kill -9 drill: a child doing a large receipt of serials, batch production from them
and deliveries is killed with SIGKILL at seeded random moments; after each kill every
document is all or nothing, the invariants hold, and the next child works on."""

from __future__ import annotations

import os
import random
import signal
from collections import Counter
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url

import lotline
from tests.drills import kill_child
from tests.drills.crew import context
from tests.drills.invariants import done_documents_without_lines, violations
from tests.drills.scale import scaled

SERIALS = scaled(20_000, 200_000)
UNITS = scaled(1_000, 20_000)
KILLS = scaled(2, 10)
WINDOW = {"sqlite": scaled(1.5, 12.0), "postgresql": scaled(2.5, 30.0)}  # seconds after opening


def half_documents(conn: Connection) -> list[Any]:
    """Documents that are neither all nor nothing, and lots that no document uses."""
    found: list[Any] = list(done_documents_without_lines(conn))
    found += conn.execute(
        text(
            "SELECT o.name, 'posted differs from demanded' FROM operations o "
            "WHERE o.state = 'done' AND o.kind IN ('receipt', 'delivery') AND "
            "(SELECT SUM(quantity) FROM moves m WHERE m.operation_id = o.id) <> "
            "(SELECT SUM(quantity) FROM move_lines ml WHERE ml.operation_id = o.id)"
        )
    ).all()
    found += conn.execute(
        text(
            "SELECT o.name, 'produced differs from ordered' FROM operations o "
            "WHERE o.state = 'done' AND o.kind = 'manufacturing' AND o.product_quantity <> "
            "(SELECT SUM(quantity) FROM move_lines ml WHERE ml.operation_id = o.id "
            "AND ml.product_id = o.product_id AND ml.destination_id = o.destination_id)"
        )
    ).all()
    found += conn.execute(
        text(
            "SELECT o.name, 'serials detailed differ from demanded' FROM operations o "
            "JOIN moves m ON m.operation_id = o.id JOIN products p ON p.id = m.product_id "
            "WHERE o.state = 'ready' AND o.kind = 'receipt' AND p.tracking = 'serial' AND "
            "m.quantity <> (SELECT SUM(quantity) FROM move_details d WHERE d.move_id = m.id)"
        )
    ).all()
    found += conn.execute(
        text(
            "SELECT l.name, 'lot of no document' FROM lots l WHERE "
            "NOT EXISTS (SELECT 1 FROM move_details d WHERE d.lot_id = l.id) AND "
            "NOT EXISTS (SELECT 1 FROM move_lines ml WHERE ml.lot_id = l.id) AND "
            "NOT EXISTS (SELECT 1 FROM operations o WHERE o.lot_id = l.id)"
        )
    ).all()
    return found


def problems_at(url: str) -> list[str]:
    parsed = make_url(url)
    engine = (
        create_engine(parsed.set(drivername="postgresql+psycopg"))
        if (parsed.get_backend_name() == "postgresql")
        else create_engine(parsed)
    )
    try:
        with engine.connect() as conn:
            halves = half_documents(conn)
            return violations(conn) + ([f"half documents: {halves[:5]}"] if halves else [])
    finally:
        engine.dispose()


def test_kill_9_in_the_middle_of_large_documents_leaves_each_all_or_nothing(
    fresh_url: Callable[..., str], figures: Counter[str]
) -> None:
    url = fresh_url(reuse=False)
    backend = "sqlite" if url.startswith("sqlite") else "postgresql"
    with lotline.open(url, user="setup") as app:
        kill_child.setup(app)
    start = context()
    rng = random.Random(13)
    for run in range(KILLS):
        started = start.Event()
        child = start.Process(target=kill_child.work, args=(url, run, SERIALS, UNITS, 0, started))
        child.start()
        assert started.wait(120), "the child did not open the database"
        child.join(rng.uniform(0.05, WINDOW[backend]))
        assert child.is_alive(), f"the child ended by itself (exit code {child.exitcode})"
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        figures["kills"] += 1
        assert problems_at(url) == [], f"after kill {run + 1}"
        with lotline.open(url, user="checker") as app:
            assert app.check().ok
        figures["survived"] += 1
    opened = start.Event()  # kept: a child unpickles it after start() drops its arguments
    finisher = start.Process(target=kill_child.work, args=(url, KILLS, 100, 10, 1, opened))
    finisher.start()
    finisher.join(300)
    assert finisher.exitcode == 0, "after the kills, a child could not work to the end"
    assert problems_at(url) == []
