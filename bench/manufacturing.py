"""Batch production of a large serial-tracked manufacturing order, timed.

    python bench/manufacturing.py                  # 10,000 units on a fresh SQLite file
    python bench/manufacturing.py --units 1000 --db postgresql+psycopg://...

BoM: 1 FG (serial) = 2 COMP-A + 1 COMP-B, both lot-tracked with 50 lots each,
consumed by FIFO. Prints one JSON line; exits non-zero when `check` fails or the
result is wrong.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import event

import lotline

LOTS = 50


def run(url: str, units: int) -> dict[str, object]:
    app = lotline.open(url, user="bench")
    try:
        app.products.create("FG", "Finished good", "serial", lot_prefix="FG")
        app.products.create("COMP-A", "Component A", "lot")
        app.products.create("COMP-B", "Component B", "lot")
        per_lot = {"COMP-A": -(-2 * units // LOTS), "COMP-B": -(-units // LOTS)}
        started = time.perf_counter()
        for code, quantity in per_lot.items():
            for i in range(LOTS):
                app.adjustments.set_quantity(code, "WH/Stock", quantity, lot=f"{code}-{i:03d}")
        stocked = time.perf_counter() - started
        app.manufacturing.bom("FG", {"COMP-A": 2, "COMP-B": 1})
        mo = app.manufacturing.order("FG", units)
        started = time.perf_counter()
        mo = app.manufacturing.confirm(mo)
        confirmed = time.perf_counter() - started

        statements = 0

        def count(*_: object) -> None:
            nonlocal statements
            statements += 1

        event.listen(app.db.engine, "before_execute", count)
        started = time.perf_counter()
        split = app.manufacturing.batch_produce(mo)
        produced = time.perf_counter() - started
        event.remove(app.db.engine, "before_execute", count)

        started = time.perf_counter()
        report = app.check()
        checked = time.perf_counter() - started
        ok = (
            report.ok
            and len(split) == units
            and app.stock.on_hand("FG") == units
            and app.stock.on_hand("COMP-A") == per_lot["COMP-A"] * LOTS - 2 * units
            and all(m.state == "done" for m in split)
        )
        return {
            "backend": url.split(":", 1)[0],
            "units": units,
            "stock_seconds": round(stocked, 3),
            "confirm_seconds": round(confirmed, 3),
            "batch_produce_seconds": round(produced, 3),
            "units_per_second": round(units / produced),
            "batch_produce_statements": statements,
            "check_seconds": round(checked, 3),
            "move_lines": report.move_lines,
            "first": split[0].name,
            "last": split[-1].name,
            "ok": ok,
        }
    finally:
        app.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=10000)
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    if args.db:
        result = run(args.db, args.units)
    else:
        with tempfile.TemporaryDirectory(prefix="lotline-bench-") as folder:
            result = run(f"sqlite:///{Path(folder) / 'bench.db'}", args.units)
    print(json.dumps(result, default=lambda v: str(v) if isinstance(v, Decimal) else v))
    if not result["ok"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
