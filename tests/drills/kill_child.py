"""The work a child process does until it is killed with SIGKILL: cycles of a large
receipt of serials, batch production from them, and deliveries."""

from __future__ import annotations

import time
from typing import Any

import lotline
from lotline.app import Lotline

UNIT, BOX, PLAIN = "UNIT", "BOX", "PLAIN"


def setup(app: Lotline) -> None:
    app.products.create(UNIT, "Unit", "serial")
    app.products.create(BOX, "Box", "serial")
    app.products.create(PLAIN, "Plain")
    app.manufacturing.bom(BOX, {UNIT: 1, PLAIN: 1})


def cycle(app: Lotline, prefix: str, serials: int, units: int) -> None:
    """One round of work; each call is one transaction that the kill may interrupt."""
    receipt = app.transfers.receipt(
        [
            {"product": UNIT, "quantity": serials, "first": f"{prefix}-000001", "count": serials},
            {"product": PLAIN, "quantity": units},
        ],
        origin=prefix,
    )
    app.transfers.validate(receipt)
    order = app.manufacturing.confirm(app.manufacturing.order(BOX, units))
    app.manufacturing.batch_produce(order, first=f"{prefix}-B00001", count=units)
    for product in (UNIT, BOX):
        delivery = app.transfers.delivery([{"product": product, "quantity": units}], origin=prefix)
        app.transfers.validate(app.transfers.reserve(delivery))


def work(url: str, run: int, serials: int, units: int, cycles: int, started: Any) -> None:
    """Open the database, say so, then work ``cycles`` rounds (0: until killed)."""
    app = lotline.open(url, user=f"run{run}")
    started.set()
    done = 0
    while not cycles or done < cycles:
        cycle(app, f"R{run}C{done}", serials, units)
        done += 1
    app.close()


def timed_cycle(url: str, prefix: str, serials: int, units: int) -> float:
    app = lotline.open(url, user="timer")
    begin = time.monotonic()
    cycle(app, prefix, serials, units)
    app.close()
    return time.monotonic() - begin
