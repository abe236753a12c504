"""Time a receipt of many serials and a delivery of part of them, through app.transfers.

    python bench/transfers.py [--receive 100000] [--deliver 50000] [--db URL]

Prints one JSON object. A fresh SQLite file is used unless --db is given
(then the database must be empty).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import lotline


def run(url: str, received: int, delivered: int) -> dict[str, Any]:
    figures: dict[str, Any] = {
        "backend": url.split(":", 1)[0],
        "receive_serials": received,
        "deliver_serials": delivered,
        "python": platform.python_version(),
    }
    with lotline.open(url, user="bench") as app:
        app.products.create("BENCH-SN", "Benchmarked serial product", "serial")
        serials = [f"BS{i:08d}" for i in range(received)]

        started = time.perf_counter()
        receipt = app.transfers.receipt([{"product": "BENCH-SN", "lots": serials}])
        figures["receipt_create_s"] = round(time.perf_counter() - started, 3)
        started = time.perf_counter()
        app.transfers.validate(receipt)
        figures["receipt_validate_s"] = round(time.perf_counter() - started, 3)

        started = time.perf_counter()
        delivery = app.transfers.delivery([{"product": "BENCH-SN", "quantity": delivered}])
        figures["delivery_create_s"] = round(time.perf_counter() - started, 3)
        started = time.perf_counter()
        delivery = app.transfers.reserve(delivery)
        figures["delivery_reserve_s"] = round(time.perf_counter() - started, 3)
        started = time.perf_counter()
        app.transfers.validate(delivery)
        figures["delivery_validate_s"] = round(time.perf_counter() - started, 3)

        started = time.perf_counter()
        named = app.transfers.delivery(
            [{"product": "BENCH-SN", "lots": serials[delivered : delivered + delivered // 10]}]
        )
        app.transfers.validate(named)
        figures["named_delivery_of_tenth_s"] = round(time.perf_counter() - started, 3)

        started = time.perf_counter()
        report = app.check()
        figures["check_s"] = round(time.perf_counter() - started, 3)
        figures["check_ok"] = report.ok
        figures["on_hand"] = int(app.stock.on_hand("BENCH-SN"))
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--receive", type=int, default=100_000)
    parser.add_argument("--deliver", type=int, default=50_000)
    parser.add_argument("--db", default=None, help="database URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    if args.db:
        figures = run(args.db, args.receive, args.deliver)
    else:
        with tempfile.TemporaryDirectory(prefix="lotline-bench-") as folder:
            figures = run(f"sqlite:///{Path(folder) / 'bench.db'}", args.receive, args.deliver)
    print(json.dumps(figures))
    return 0 if figures["check_ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
