"""The standard workload W(N) of ../shared/bench/WORKLOAD.md, driven through the public facade.

    python bench/workload.py --n 10000 [--db URL]     # one JSON line
    python bench/workload.py --table --n 1000 --n 10000
    python bench/workload.py --n 1000 --api          # the same through HTTP (lotline serve)

A fresh database every run: a new SQLite file by default, or a fresh schema in
the PostgreSQL database given with --db. The run exits non-zero when a check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from decimal import Decimal
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import lotline

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from bench.http_facade import local_server

LOTS = 50


@contextmanager
def fresh_database(url: str | None) -> Iterator[str]:
    """A URL of an empty database, removed afterwards."""
    if url is None or url.startswith("sqlite"):
        with tempfile.TemporaryDirectory(prefix="lotline-bench-") as folder:
            yield f"sqlite:///{os.path.join(folder, 'bench.db')}"
        return
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    parsed = make_url(url).set(drivername="postgresql+psycopg")
    admin = create_engine(parsed, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield parsed.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False
        )
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def timed(phases: dict[str, float], name: str, work: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    result = work()
    phases[name] = round(time.perf_counter() - started, 4)
    return result


def run_workload(n: int, url: str, seed: int = 42, *, api: bool = False) -> dict[str, Any]:
    """Run W(n) on the empty database at ``url``; returns the JSON object of the spec.

    ``api``: through the REST API of a `lotline serve` started on the database.
    """
    if n < 100 or n % 100:
        raise SystemExit("--n must be a multiple of 100 (50 lots of 2N/50 and N/50 units)")
    with local_server(url) if api else nullcontext(None) as remote:
        result = _run(n, url, seed, remote)
    return {**result, "through": "api" if api else "library"}


def _run(n: int, url: str, seed: int, remote: Any) -> dict[str, Any]:
    library = lotline.open(url, user="bench")
    app: Any = remote or library
    app.products.create("COMP-A", "Component A", "lot")
    app.products.create("COMP-B", "Component B", "lot")
    app.products.create("SPARE", "Spare part", "serial")
    app.products.create("FG", "Finished good", "serial")
    app.manufacturing.bom("FG", {"COMP-A": 2, "COMP-B": 1})
    for capability in ("transfers", "stock", "trace", "lots"):
        getattr(library, capability)  # built on first use: load them before the clock runs
    phases: dict[str, float] = {}
    a_lots = [f"A-{i:04d}" for i in range(1, LOTS + 1)]
    b_lots = [f"B-{i:04d}" for i in range(1, LOTS + 1)]

    def receive_lots() -> None:
        receipt = app.transfers.receipt(
            [
                {
                    "product": "COMP-A",
                    "quantity": 2 * n,
                    "lots": dict.fromkeys(a_lots, 2 * n // LOTS),
                },
                {"product": "COMP-B", "quantity": n, "lots": dict.fromkeys(b_lots, n // LOTS)},
            ],
            partner="Vendor",
        )
        app.transfers.validate(receipt)

    def receive_serials() -> None:
        receipt = app.transfers.receipt(
            [{"product": "SPARE", "quantity": n, "first": "SP000001", "count": n}],
            partner="Vendor",
        )
        app.transfers.validate(receipt)

    def manufacture() -> list[Any]:
        mo = app.manufacturing.confirm(app.manufacturing.order("FG", n))
        return app.manufacturing.batch_produce(mo, first="FG000001", count=n)

    fg_serials = app.lots.generate_names("FG000001", n)

    def deliver() -> None:
        delivery = app.transfers.delivery(
            [{"product": "FG", "quantity": n // 2, "lots": fg_serials[: n // 2]}],
            partner="Customer",
        )
        app.transfers.validate(delivery)

    timed(phases, "R", receive_lots)
    timed(phases, "S", receive_serials)
    timed(phases, "M", manufacture)
    timed(phases, "D", deliver)

    if remote is not None:  # a client keeps the ids of what it received and made
        remote.lots.remember("COMP-A")
        remote.lots.remember("FG")
    rng = random.Random(seed)
    latencies: list[float] = []
    for _ in range(100):
        started = time.perf_counter()
        app.trace.downstream("COMP-A", rng.choice(a_lots))
        latencies.append((time.perf_counter() - started) * 1000)
    for _ in range(100):
        started = time.perf_counter()
        app.trace.upstream("FG", rng.choice(fg_serials))
        latencies.append((time.perf_counter() - started) * 1000)
    phases["T_mean_ms"] = round(statistics.fmean(latencies), 3)
    phases["T_p95_ms"] = round(statistics.quantiles(latencies, n=20)[-1], 3)

    on_hand = timed(phases, "Q", lambda: app.lots.list(location="WH/Stock", in_stock=True))
    checks = check_outcome(library, n, on_hand, fg_serials)
    library.close()
    return {
        "system": "lotline",
        "version": lotline.__version__,
        "backend": make_url(url).get_backend_name(),
        "N": n,
        "phases_s": phases,
        "checks_ok": all(checks.values()),
        "checks": checks,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _made_from(node: Any) -> set[str]:
    found: set[str] = set()
    for child in node.children:
        if child.product == "FG":
            found.add(child.lot)
        found |= _made_from(child)
    return found


def check_outcome(
    app: lotline.Lotline, n: int, on_hand: list[Any], fg_serials: list[str]
) -> dict[str, bool]:
    """The checks of the workload; the run is void if any fails."""
    fg_quants = app.stock.quants(product="FG")
    fg_in_stock = [q for q in fg_quants if q.location == "WH/Stock"]
    spare_rows = [r for r in on_hand if r.product == "SPARE"]
    consumed_a1 = _consumers_of(app, "COMP-A", "A-0001")
    return {
        "comp_a_consumed": app.stock.on_hand("COMP-A", "WH/Stock") == 0,
        "comp_b_consumed": app.stock.on_hand("COMP-B", "WH/Stock") == 0,
        "fg_half_in_stock": app.stock.on_hand("FG", "WH/Stock") == Decimal(n // 2)
        and len(fg_in_stock) == n // 2
        and all(q.quantity == 1 for q in fg_quants),
        "fg_in_one_place": len({q.lot for q in fg_quants}) == len(fg_quants),
        "spare_distinct": len({r.lot for r in spare_rows}) == n and app.stock.on_hand("SPARE") == n,
        "downstream_a0001_exact": _made_from(app.trace.downstream("COMP-A", "A-0001"))
        == consumed_a1,
        "ledger_consistent": app.check().ok,
    }


def _consumers_of(app: lotline.Lotline, product: str, lot: str) -> set[str]:
    """FG serials whose production consumed ``lot``, read from the production records."""
    from sqlalchemy import select

    from lotline.store.schema import lot_links, lots, products

    def work(conn: Any) -> set[str]:
        consumed = (
            select(lots.c.id)
            .join(products, products.c.id == lots.c.product_id)
            .where(products.c.code == product, lots.c.name == lot)
            .scalar_subquery()
        )
        rows = conn.execute(
            select(lots.c.name)
            .join(lot_links, lot_links.c.produced_lot_id == lots.c.id)
            .where(lot_links.c.consumed_lot_id == consumed)
        ).scalars()
        return set(rows)

    return app.db.run(work)


def print_table(results: list[dict[str, Any]]) -> None:
    columns = ["R", "S", "M", "D", "T_mean_ms", "T_p95_ms", "Q"]
    print(
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    print("| backend | N | " + " | ".join(columns) + " | checks |")
    print("|---|---|" + "---|" * len(columns) + "---|")
    for r in results:
        cells = " | ".join(str(r["phases_s"][c]) for c in columns)
        print(f"| {r['backend']} | {r['N']} | {cells} | {'ok' if r['checks_ok'] else 'FAILED'} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, action="append", help="finished units (repeatable)")
    parser.add_argument("--db", help="PostgreSQL URL (default: a fresh SQLite file)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--table", action="store_true", help="print a Markdown table too")
    parser.add_argument(
        "--api",
        action="store_true",
        help="run through the REST API of a `lotline serve` started on the fresh database",
    )
    args = parser.parse_args()
    results = []
    for n in args.n or [1000]:
        with fresh_database(args.db) as url:
            result = run_workload(n, url, args.seed, api=args.api)
        print(json.dumps(result), flush=True)
        results.append(result)
    if args.table:
        print_table(results)
    return 0 if all(r["checks_ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
