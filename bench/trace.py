"""Trace speed on a large genealogy: downstream, upstream and recall of random lots.

    python bench/trace.py [--db URL] [--finished 250000] [--samples 20]

Builds, with bulk inserts straight into lotline's tables, a 3-level genealogy:
200 component lots (4 products, received from vendors), SUB lots made of 2
component lots each, MOD serials made of 1 SUB lot + 1 component lot, and FIN
serials made of 1 MOD serial + 2 component lots; one component lot, HOT-1, goes
into 40% of the FIN serials. Half of the FIN serials are delivered to 500
customers. With the default --finished 250000 that is about 1.25 million lot
links and 1.9 million move lines. Then it times the facade calls on random lots
and prints one JSON object (mean and p95 in ms, and the size of the answers).
The huge downstream of HOT-1 is reported separately from the typical lots.

A fresh database every run: a new SQLite file by default, or a fresh schema in
the PostgreSQL database given with --db.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, insert, select, text
from workload import fresh_database

import lotline
from lotline.store.schema import lot_links, lots, move_lines, operations, products, quants

COMPONENT_PRODUCTS = ("COMP-A", "COMP-B", "COMP-C", "COMP-D")
COMPONENT_LOTS = 50  # per component product: 200 component lots
CUSTOMERS = 500
CHUNK = 20_000


class Builder:
    """Rows for every table, with ids chosen here, written in bulk at the end."""

    def __init__(self, conn: Connection, finished: int, seed: int) -> None:
        self.conn = conn
        self.finished = finished
        self.random = random.Random(seed)
        self.rows: dict[str, list[dict[str, Any]]] = {
            "lots": [],
            "operations": [],
            "move_lines": [],
            "lot_links": [],
            "quants": [],
        }
        self.clock = datetime(2026, 1, 1)
        self.location = {
            name: conn.execute(
                text("SELECT id FROM locations WHERE full_name = :n"), {"n": name}
            ).scalar_one()
            for name in (
                "WH/Stock",
                "Partners/Vendors",
                "Partners/Customers",
                "Virtual Locations/Production",
            )
        }
        self.product = {r.code: r.id for r in conn.execute(select(products.c.code, products.c.id))}
        self.next_lot = 1
        self.next_op = 1
        self.counters: dict[str, int] = {}

    def tick(self) -> datetime:
        self.clock += timedelta(seconds=1)
        return self.clock

    def lot(self, product: str, name: str) -> int:
        lot_id = self.next_lot
        self.next_lot += 1
        self.rows["lots"].append(
            {
                "id": lot_id,
                "product_id": self.product[product],
                "name": name,
                "created_at": self.clock,
            }
        )
        return lot_id

    def operation(self, kind: str, prefix: str, src: str, dst: str, partner: str | None) -> int:
        op_id = self.next_op
        self.next_op += 1
        number = self.counters[prefix] = self.counters.get(prefix, 0) + 1
        at = self.tick()
        self.rows["operations"].append(
            {
                "id": op_id,
                "name": f"{prefix}{number:06d}",
                "kind": kind,
                "state": "done",
                "source_id": self.location[src],
                "destination_id": self.location[dst],
                "partner": partner,
                "created_at": at,
                "done_at": at,
                "user_name": "bench",
            }
        )
        return op_id

    def move(self, op_id: int, product: str, lot_id: int, qty: int, src: str, dst: str) -> None:
        self.rows["move_lines"].append(
            {
                "operation_id": op_id,
                "product_id": self.product[product],
                "lot_id": lot_id,
                "quantity": Decimal(qty),
                "source_id": self.location[src],
                "destination_id": self.location[dst],
                "done_at": self.clock,
                "user_name": "bench",
            }
        )

    def produce(
        self, op_id: int, product: str, lot_id: int, consumed: list[tuple[str, int, int]]
    ) -> None:
        for component, component_lot, qty in consumed:
            self.move(
                op_id, component, component_lot, qty, "WH/Stock", "Virtual Locations/Production"
            )
            self.rows["lot_links"].append(
                {
                    "operation_id": op_id,
                    "consumed_lot_id": component_lot,
                    "produced_lot_id": lot_id,
                    "quantity": Decimal(qty),
                }
            )
        self.move(op_id, product, lot_id, 1, "Virtual Locations/Production", "WH/Stock")

    def build(self) -> dict[str, Any]:
        rnd = self.random
        components: list[tuple[str, int]] = []
        for product in COMPONENT_PRODUCTS:
            op = self.operation("receipt", "WH/IN/", "Partners/Vendors", "WH/Stock", "Vendor")
            for n in range(1, COMPONENT_LOTS + 1):
                name = "HOT-1" if (product, n) == ("COMP-A", 1) else f"{product}-{n:03d}"
                lot_id = self.lot(product, name)
                self.move(op, product, lot_id, 10**9, "Partners/Vendors", "WH/Stock")
                components.append((product, lot_id))
        hot = components[0]
        subs = []
        for n in range(max(self.finished // 125, 2)):
            op = self.operation("manufacturing", "WH/MO/", "WH/Stock", "WH/Stock", None)
            lot_id = self.lot("SUB", f"SUB-{n:06d}")
            self.produce(op, "SUB", lot_id, [(p, lot, 2) for p, lot in rnd.sample(components, 2)])
            subs.append(lot_id)
        mods = []
        for n in range(self.finished):
            if n % 100 == 0:
                op = self.operation("manufacturing", "WH/MO/", "WH/Stock", "WH/Stock", None)
            lot_id = self.lot("MOD", f"MOD-{n:07d}")
            sub = rnd.choice(subs)
            self.produce(op, "MOD", lot_id, [("SUB", sub, 1), (*rnd.choice(components[1:]), 1)])
            mods.append(lot_id)
        fins = []
        for n in range(self.finished):
            if n % 100 == 0:
                op = self.operation("manufacturing", "WH/MO/", "WH/Stock", "WH/Stock", None)
            lot_id = self.lot("FIN", f"FIN-{n:07d}")
            first = hot if rnd.random() < 0.4 else rnd.choice(components[1:])
            second = rnd.choice(components[1:])
            self.produce(op, "FIN", lot_id, [("MOD", mods[n], 1), (*first, 1), (*second, 1)])
            fins.append(lot_id)
        delivered = set()
        for n, lot_id in enumerate(fins):
            if n % 2:
                continue
            if n % 20 == 0:
                customer = f"Customer {rnd.randrange(CUSTOMERS):03d}"
                op = self.operation(
                    "delivery", "WH/OUT/", "WH/Stock", "Partners/Customers", customer
                )
            self.move(op, "FIN", lot_id, 1, "WH/Stock", "Partners/Customers")
            delivered.add(lot_id)
        stock = self.location["WH/Stock"]
        for lot_id in fins:
            if lot_id not in delivered:
                self.rows["quants"].append(
                    {
                        "product_id": self.product["FIN"],
                        "location_id": stock,
                        "lot_id": lot_id,
                        "lot_key": lot_id,
                        "quantity": Decimal(1),
                        "reserved_quantity": Decimal(0),
                        "in_date": self.clock,
                        "internal": True,
                        "one_unit": True,
                        "guarded": False,
                    }
                )
        for product, lot_id in components:
            self.rows["quants"].append(
                {
                    "product_id": self.product[product],
                    "location_id": stock,
                    "lot_id": lot_id,
                    "lot_key": lot_id,
                    "quantity": Decimal(10**8),
                    "reserved_quantity": Decimal(0),
                    "in_date": self.clock,
                    "internal": True,
                    "one_unit": False,
                    "guarded": False,
                }
            )
        return {"components": components, "subs": subs, "fins": fins, "hot": hot}

    def write(self) -> dict[str, int]:
        tables = {
            "lots": lots,
            "operations": operations,
            "move_lines": move_lines,
            "lot_links": lot_links,
            "quants": quants,
        }
        for name, table in tables.items():
            rows = self.rows[name]
            for start in range(0, len(rows), CHUNK):
                self.conn.execute(insert(table), rows[start : start + CHUNK])
        return {name: len(rows) for name, rows in self.rows.items()}


def timings(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"mean_ms": round(statistics.mean(samples), 1), "p95_ms": round(p95, 1)}


def measure(
    app: lotline.Lotline, calls: list[tuple[str, str]], work: Callable[[str, str], int]
) -> dict[str, Any]:
    elapsed, sizes = [], []
    for product, lot in calls:
        started = time.perf_counter()
        sizes.append(work(product, lot))
        elapsed.append((time.perf_counter() - started) * 1000)
    return {**timings(elapsed), "runs": len(calls), "mean_size": round(statistics.mean(sizes))}


def run(url: str, finished: int, samples: int, seed: int) -> dict[str, Any]:
    app = lotline.open(url, user="bench")
    app.settings.update(lots_and_serials=True)
    for code in COMPONENT_PRODUCTS:
        app.products.create(code, code, "lot")
    app.products.create("SUB", "Sub-assembly", "lot")
    app.products.create("MOD", "Module", "serial")
    app.products.create("FIN", "Finished product", "serial")
    started = time.perf_counter()
    with app.db.transaction() as conn:
        builder = Builder(conn, finished, seed)
        made = builder.build()
        counts = builder.write()
    with app.db.transaction() as conn:
        conn.execute(text("ANALYZE"))
    build_s = time.perf_counter() - started
    names = {
        row.id: (row.code, row.name)
        for row in app.db.run(
            lambda conn: conn.execute(
                select(lots.c.id, products.c.code, lots.c.name).join(
                    products, products.c.id == lots.c.product_id
                )
            ).all()
        )
    }
    rnd = random.Random(seed + 1)
    components = [names[lot_id] for _, lot_id in made["components"][1:]]
    subs = [names[lot_id] for lot_id in made["subs"]]
    fins = [names[lot_id] for lot_id in made["fins"]]
    hot = names[made["hot"][1]]

    def nodes(tree: Any) -> int:
        return len(tree.walk())

    result = {
        "engine": app.db.engine.dialect.name,
        "finished_serials": finished,
        "rows": counts,
        "build_s": round(build_s, 1),
        "downstream_component_lot": measure(
            app,
            rnd.sample(components, samples),
            lambda p, lot: nodes(app.trace.downstream(p, lot)),
        ),
        "downstream_sub_lot": measure(
            app, rnd.sample(subs, samples), lambda p, lot: nodes(app.trace.downstream(p, lot))
        ),
        "upstream_finished_serial": measure(
            app, rnd.sample(fins, samples), lambda p, lot: nodes(app.trace.upstream(p, lot))
        ),
        "recall_component_lot": measure(
            app, rnd.sample(components, samples), lambda p, lot: len(app.trace.recall(p, lot))
        ),
        "history_finished_serial": measure(
            app, rnd.sample(fins, samples), lambda p, lot: len(app.trace.history(p, lot))
        ),
        "dashboard_one_component_product": measure(
            app, [("COMP-B", "")] * 3, lambda p, _: len(app.lots.list(product=p))
        ),
        "hot_lot_in_40pct_of_finished": {
            "downstream": measure(
                app, [hot] * 3, lambda p, lot: nodes(app.trace.downstream(p, lot))
            ),
            "recall": measure(app, [hot] * 3, lambda p, lot: len(app.trace.recall(p, lot))),
        },
        "python": platform.python_version(),
    }
    app.close()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", help="database URL (default: a new SQLite file)")
    parser.add_argument("--finished", type=int, default=250_000, help="FIN serials to build")
    parser.add_argument("--samples", type=int, default=20, help="random lots per measure")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    with fresh_database(args.db) as url:
        print(json.dumps(run(url, args.finished, args.samples, args.seed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
