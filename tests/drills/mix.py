"""A bounded random mix of everyday work, run by each worker of the crew at once.

Every worker draws its steps from its own seeded generator (the drill is
derandomized; only the interleaving of the processes varies). Each facade call is
tallied: ok, refused (a lotline error in the operator's words) or a defect (any
other exception, or a refusal that names database internals).
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from lotline.app import Lotline
from tests.drills.crew import Outcome, attempt

LOT, SERIAL, PLAIN = "LOTP", "SERP", "PLAIN"
FIN_LOT, FIN_SERIAL = "FINLOT", "FINSER"
PLACES = ("WH/Stock", "WH/Stock/A", "WH/Stock/B")
SHARED_LOTS = ("L1", "L2", "L3")


def setup(app: Lotline) -> None:
    """The products and places every worker's mix works on, with some stock."""
    app.products.create(LOT, "Lot part", "lot")
    app.products.create(SERIAL, "Serial part", "serial")
    app.products.create(PLAIN, "Plain part")
    app.products.create(FIN_LOT, "Lot product", "lot")
    app.products.create(FIN_SERIAL, "Serial product", "serial")
    for place in PLACES[1:]:
        app.locations.create(place)
    app.manufacturing.bom(FIN_LOT, {LOT: 1, PLAIN: 2})
    app.manufacturing.bom(FIN_SERIAL, {PLAIN: 1, LOT: 1})
    lines = [
        {"product": LOT, "quantity": 60, "lots": dict.fromkeys(SHARED_LOTS, 20)},
        {"product": PLAIN, "quantity": 100},
        {"product": SERIAL, "quantity": 10, "first": "S-000", "count": 10},
    ]
    app.transfers.validate(app.transfers.receipt(lines))


class Worker:
    """One process's share of the mix: its generator, its documents and its tally."""

    def __init__(self, app: Lotline, index: int, seed: int) -> None:
        self.app = app
        self.index = index
        self.rng = random.Random(seed * 1000 + index)
        self.tally: Counter[str] = Counter()
        self.defects: list[str] = []
        self.serials = 0
        self.deliveries: list[str] = []
        self.adjustments: list[str] = []

    def call(self, fn: Callable[[], Any]) -> Outcome:
        outcome = attempt(self.index, fn)
        self.tally["calls"] += 1
        if outcome.defect:
            self.tally["defects"] += 1
            self.defects.append(f"{outcome.error}: {outcome.message}\n{outcome.trace}")
        else:
            self.tally["ok" if outcome.ok else "refused"] += 1
        return outcome

    def next_serials(self, count: int) -> list[str]:
        names = [f"S{self.index}-{self.serials + i:04d}" for i in range(count)]
        self.serials += count
        return names

    # --- the steps ----------------------------------------------------------------

    def receipt(self) -> None:
        rng = self.rng
        product = rng.choice((LOT, SERIAL, PLAIN))
        quantity = rng.randint(1, 5)
        line: dict[str, Any] = {"product": product, "quantity": quantity}
        if product == LOT:
            line["lots"] = {rng.choice(SHARED_LOTS): quantity}
        elif product == SERIAL:
            line["lots"] = self.next_serials(quantity)
        receipt = self.call(lambda: self.app.transfers.receipt([line], partner="Vendor"))
        if receipt.ok:
            self.call(lambda: self.app.transfers.validate(receipt.value))

    def delivery(self) -> None:
        product = self.rng.choice((LOT, SERIAL, PLAIN, FIN_LOT, FIN_SERIAL))
        line = {"product": product, "quantity": self.rng.randint(1, 3)}
        self._transfer(lambda: self.app.transfers.delivery([line], partner="Customer"), True)

    def move(self) -> None:
        source, destination = self.rng.sample(PLACES, 2)
        line = {"product": self.rng.choice((LOT, SERIAL, PLAIN)), "quantity": 1}
        self._transfer(lambda: self.app.transfers.internal([line], source, destination), False)

    def _transfer(self, create: Callable[[], Any], delivery: bool) -> None:
        created = self.call(create)
        if not created.ok:
            return
        reserved = self.call(lambda: self.app.transfers.reserve(created.value))
        if not reserved.ok:
            return
        if reserved.value.state != "ready" and self.rng.random() < 0.5:
            self.call(lambda: self.app.transfers.cancel(created.value))
            return
        done = self.call(
            lambda: self.app.transfers.validate(created.value, self.rng.random() < 0.5)
        )
        if done.ok and delivery:
            self.deliveries.append(done.value.name)

    def adjust(self) -> None:
        rng = self.rng
        product = rng.choice((LOT, PLAIN))
        lot = rng.choice(SHARED_LOTS) if product == LOT else None
        place = rng.choice(PLACES)
        done = self.call(
            lambda: self.app.adjustments.set_quantity(product, place, rng.randint(0, 30), lot)
        )
        if done.ok and done.value is not None:
            self.adjustments.append(done.value.name)

    def revert(self) -> None:
        if self.adjustments:
            name = self.adjustments.pop(self.rng.randrange(len(self.adjustments)))
            self.call(lambda: self.app.adjustments.revert(name))

    def return_delivery(self) -> None:
        if self.deliveries:
            name = self.deliveries.pop(self.rng.randrange(len(self.deliveries)))
            back = self.call(lambda: self.app.transfers.return_of(name))
            if back.ok:
                self.call(lambda: self.app.transfers.validate(back.value))

    def count(self) -> None:
        product = self.rng.choice((LOT, PLAIN))
        lot = self.rng.choice(SHARED_LOTS) if product == LOT else None
        place = self.rng.choice(PLACES)
        quantity = self.rng.randint(0, 30)
        self.call(lambda: self.app.adjustments.count(product, place, quantity, lot))
        if self.rng.random() < 0.5:
            self.call(lambda: self.app.adjustments.apply(force=self.rng.random() < 0.5))

    def produce_lots(self) -> None:
        order = self.call(lambda: self.app.manufacturing.order(FIN_LOT, self.rng.randint(1, 3)))
        if not order.ok:
            return
        confirmed = self.call(lambda: self.app.manufacturing.confirm(order.value))
        if confirmed.ok and self.rng.random() < 0.2:
            self.call(lambda: self.app.manufacturing.cancel(order.value))
        elif confirmed.ok:
            self.call(lambda: self.app.manufacturing.produce_all(order.value))

    def produce_serials(self) -> None:
        count = self.rng.randint(2, 4)
        order = self.call(lambda: self.app.manufacturing.order(FIN_SERIAL, count))
        if not order.ok:
            return
        confirmed = self.call(lambda: self.app.manufacturing.confirm(order.value))
        if confirmed.ok:
            names = [f"F{n}" for n in self.next_serials(count)]
            self.call(lambda: self.app.manufacturing.batch_produce(order.value, names=names))

    STEPS = (
        (receipt, 4),
        (delivery, 3),
        (move, 2),
        (adjust, 2),
        (revert, 1),
        (return_delivery, 1),
        (count, 1),
        (produce_lots, 1),
        (produce_serials, 1),
    )

    def step(self) -> None:
        steps, weights = zip(*self.STEPS, strict=True)
        self.rng.choices(steps, weights)[0](self)


def run(app: Lotline, index: int, seed: int, steps: int, seconds: float) -> dict[str, Any]:
    """Run ``steps`` random steps, or as many as fit in ``seconds`` when that is given."""
    worker = Worker(app, index, seed)
    deadline = time.monotonic() + seconds
    done = 0
    while done < steps or (seconds and time.monotonic() < deadline):
        worker.step()
        done += 1
    return {"tally": dict(worker.tally), "defects": worker.defects[:5], "steps": done}
