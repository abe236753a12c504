"""The REST API under load: a real ``lotline serve`` on 127.0.0.1 and K clients.

Each client repeats, for a fixed time, the work of a scanner and an ERP:
scan-receive a serial (create a receipt of one serial, validate it), look up
stock, trace a finished serial upstream, and deliver one serial it received
(create the delivery naming it, reserve, validate). Prints requests/s and
p50/p95/p99 per endpoint as JSON (and a Markdown table with --table), counts
every answer that is not 2xx as an error, and runs the ledger check after.

    python bench/api.py --clients 8 --seconds 20
    python bench/api.py --db postgresql://postgres@127.0.0.1:5432/test --workers 2
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import lotline
from bench.workload import fresh_database

HOST = "127.0.0.1"
V1 = "/api/v1"
STOOLS = 20


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def prepare(url: str) -> tuple[str, list[int]]:
    """Products, a few finished serials to trace, and a token; returns it and the lot ids."""
    with lotline.open(url, user="bench") as app:
        app.settings.update(lots_and_serials=True)
        app.products.create("CHAIR", "Chair", "serial")
        app.products.create("WOOD", "Oak plank", "lot")
        app.products.create("STOOL", "Stool", "serial")
        app.manufacturing.bom("STOOL", {"WOOD": 2})
        wood = app.transfers.receipt([{"product": "WOOD", "lots": {"OAK-1": 10_000}}], "Oak")
        app.transfers.validate(wood)
        order = app.manufacturing.order("STOOL", STOOLS)
        made = app.manufacturing.batch_produce(order, first="ST0001")
        lot_ids = [lot.id for lot in app.lots.find("STOOL", [m.lot for m in made if m.lot])]
        app.users.add("scanner", "operator")
        return app.users.token("scanner", label="bench"), lot_ids


def start_server(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "lotline", "--db", url, "serve", "--port", str(port)]
    command += ["--workers", str(workers)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            probe = http.client.HTTPConnection(HOST, port, timeout=1)
            probe.request("GET", V1 + "/health")
            if probe.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not answer within 60 s")


class Client:
    """One keep-alive connection acting as one scanner."""

    def __init__(self, number: int, port: int, token: str, lot_ids: list[int]) -> None:
        self.number = number
        self.connection = http.client.HTTPConnection(HOST, port, timeout=60)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.lot_ids = lot_ids
        self.timings: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.received: list[str] = []
        self.serials = 0

    def call(self, label: str, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body) if body is not None else None
        started = time.perf_counter()
        self.connection.request(method, V1 + path, body=data, headers=self.headers)
        response = self.connection.getresponse()
        payload = response.read()
        self.timings[label].append(time.perf_counter() - started)
        if not 200 <= response.status < 300:
            self.errors.append(f"{label}: {response.status} {payload[:200]!r}")
            return None
        return json.loads(payload)

    def scan_receive(self) -> None:
        self.serials += 1
        serial = f"C{self.number:02d}-{self.serials:07d}"
        line = [{"product": "CHAIR", "scans": [serial]}]
        receipt = self.call(
            "POST /transfers (receipt)",
            "POST",
            "/transfers",
            {"kind": "receipt", "partner": "Vendor", "lines": line},
        )
        if receipt is not None:
            done = self.call(
                "POST /transfers/{id}/validate", "POST", f"/transfers/{receipt['id']}/validate"
            )
            if done is not None:
                self.received.append(serial)

    def deliver_one(self) -> None:
        if not self.received:
            return
        serial = self.received.pop(0)
        delivery = self.call(
            "POST /transfers (delivery)",
            "POST",
            "/transfers",
            {
                "kind": "delivery",
                "partner": "Shop",
                "lines": [{"product": "CHAIR", "lots": [serial]}],
            },
        )
        if delivery is None:
            return
        reserved = self.call(
            "POST /transfers/{id}/reserve", "POST", f"/transfers/{delivery['id']}/reserve"
        )
        if reserved is not None:
            self.call(
                "POST /transfers/{id}/validate", "POST", f"/transfers/{delivery['id']}/validate"
            )

    def trace(self) -> None:
        lot = self.lot_ids[(self.serials + self.number) % len(self.lot_ids)]
        self.call("GET /lots/{id}/upstream", "GET", f"/lots/{lot}/upstream")

    def stock(self) -> None:
        self.call("GET /stock/on-hand", "GET", "/stock/on-hand?product=CHAIR&location=WH")

    def run(self, until: float) -> None:
        cycle = (self.scan_receive, self.stock, self.trace, self.deliver_one)
        step = 0
        while time.monotonic() < until:
            try:
                cycle[step % len(cycle)]()
            except (OSError, http.client.HTTPException) as exc:
                self.errors.append(f"connection: {exc!r}")
                self.connection.close()
            step += 1
        self.connection.close()


def percentile(values: list[float], share: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(share) - 1]


def run(url: str, clients: int, seconds: float, workers: int) -> dict[str, Any]:
    token, lot_ids = prepare(url)
    port = free_port()
    server = start_server(url, port, workers)
    try:
        team = [Client(i, port, token, lot_ids) for i in range(clients)]
        until = time.monotonic() + seconds
        threads = [threading.Thread(target=c.run, args=(until,)) for c in team]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    timings: dict[str, list[float]] = defaultdict(list)
    for client in team:
        for label, values in client.timings.items():
            timings[label].extend(values)
    errors = [e for c in team for e in c.errors]
    with lotline.open(url) as app:
        report = app.check()
    endpoints = {
        label: {
            "requests": len(values),
            "per_second": round(len(values) / elapsed, 1),
            "p50_ms": round(percentile(values, 50) * 1000, 2),
            "p95_ms": round(percentile(values, 95) * 1000, 2),
            "p99_ms": round(percentile(values, 99) * 1000, 2),
        }
        for label, values in sorted(timings.items())
    }
    total = sum(len(v) for v in timings.values())
    return {
        "backend": url.split(":", 1)[0].split("+", 1)[0],
        "clients": clients,
        "workers": workers,
        "seconds": round(elapsed, 2),
        "requests": total,
        "per_second": round(total / elapsed, 1),
        "errors": len(errors),
        "first_errors": errors[:5],
        "check_ok": report.ok,
        "move_lines": report.move_lines,
        "endpoints": endpoints,
    }


def table(result: dict[str, Any]) -> str:
    lines = [
        f"{result['backend']}, {result['clients']} clients, {result['workers']} worker(s), "
        f"{result['seconds']} s: {result['per_second']} req/s, {result['errors']} errors, "
        f"check {'clean' if result['check_ok'] else 'FAILED'}",
        "",
        "| endpoint | requests | req/s | p50 ms | p95 ms | p99 ms |",
        "|---|---|---|---|---|---|",
    ]
    for label, row in result["endpoints"].items():
        lines.append(
            f"| {label} | {row['requests']} | {row['per_second']} | {row['p50_ms']} "
            f"| {row['p95_ms']} | {row['p99_ms']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--db", help="PostgreSQL URL (default: a fresh SQLite file)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument(
        "--workers", type=int, help="server processes (default: 1 on SQLite, 2 on PostgreSQL)"
    )
    parser.add_argument("--table", action="store_true", help="print a Markdown table too")
    args = parser.parse_args()
    os.environ.setdefault("PYTHONPATH", str(Path(__file__).resolve().parent.parent))
    with fresh_database(args.db) as url:
        workers = args.workers or (1 if url.startswith("sqlite") else 2)
        result = run(url, args.clients, args.seconds, workers)
    print(json.dumps(result))
    if args.table:
        print(table(result))
    if result["errors"] or not result["check_ok"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
