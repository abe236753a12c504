"""Planning a production: each unit's share of a BoM and the component stock it takes.

The stock reserved for an order is a *pool* per component: its entries in the
order they were reserved (FIFO, FEFO or LIFO, the component's removal
strategy). Each unit made takes first the lots the operator named for it, then
the rest of its share from the front of the pool, in unit order. A pool never
gives more than an entry holds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_UP, Decimal

from lotline.rules import allocation
from lotline.rules.allocation import Candidate, Pick
from lotline.rules.quantities import DIGITS

PRECISION = Decimal(1).scaleb(-DIGITS)
ZERO = Decimal(0)

BomLines = Sequence[tuple[int, Decimal]]
"""(component product id, quantity) per line of a BoM, in BoM order."""


def share(line_quantity: Decimal, units: Decimal, bom_quantity: Decimal) -> Decimal:
    """A component's quantity for ``units`` made: line x units / BoM quantity,
    rounded up to the stored precision."""
    value = line_quantity * units / bom_quantity
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.quantize(PRECISION, rounding=ROUND_UP).normalize()


def needs(lines: BomLines, units: Decimal, bom_quantity: Decimal) -> list[tuple[int, Decimal]]:
    """(component id, quantity) of every BoM line for ``units`` made."""
    return [(pid, share(quantity, units, bom_quantity)) for pid, quantity in lines]


@dataclass(slots=True)
class Take:
    """A quantity of one component lot (or untracked stock) at one location."""

    location_id: int
    lot_id: int | None
    lot_name: str | None
    quantity: Decimal

    @staticmethod
    def of(pick: Pick) -> Take:
        return Take(pick.location_id, pick.lot_id, pick.lot_name, pick.quantity)

    def pick(self) -> Pick:
        return Pick(self.location_id, self.lot_id, self.lot_name, self.quantity)


Pool = list[Take]
Takes = dict[int, list[Take]]
"""One unit's takes: component id -> what it takes."""


@dataclass(slots=True)
class Unit:
    """One order that results from producing: its quantity, finished lot and the
    component lots named for it (component id -> [(lot id, quantity)])."""

    quantity: Decimal
    lot_id: int | None
    named: dict[int, list[tuple[int, Decimal]]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Missing:
    """A named lot a unit waits for because the order's pool lacks it."""

    unit: int
    component_id: int
    lot_id: int
    quantity: Decimal


def total(takes: Iterable[Take]) -> Decimal:
    """The quantity of ``takes`` together."""
    return sum((t.quantity for t in takes), ZERO)


def take_from(pool: Pool, quantity: Decimal, lot_id: int | None = None) -> list[Take]:
    """Remove up to ``quantity`` from the front of ``pool`` (only lot ``lot_id`` when given)."""
    taken: list[Take] = []
    remaining = quantity
    used_up = False
    for entry in pool:
        if remaining <= 0:
            break
        if entry.quantity <= 0 or (lot_id is not None and entry.lot_id != lot_id):
            continue
        amount = min(entry.quantity, remaining)
        entry.quantity -= amount
        remaining -= amount
        used_up = used_up or entry.quantity <= 0
        taken.append(Take(entry.location_id, entry.lot_id, entry.lot_name, amount))
    if used_up:
        pool[:] = [e for e in pool if e.quantity > 0]
    return taken


def take_named(candidates: Sequence[Candidate], lot_id: int, quantity: Decimal) -> list[Pick]:
    """Up to ``quantity`` of the named lot ``lot_id`` from unreserved stock, oldest quant first.

    The picks fall short when the lot's stock does; the caller names the shortfall.
    """
    offered = sorted(
        (c for c in candidates if c.lot_id == lot_id), key=lambda c: (c.in_date, c.location_id)
    )
    if not offered:
        return []
    picks, _ = allocation.take_named(offered, offered[0].lot_name, quantity)
    return picks


def take_named_lots(
    pools: Mapping[int, Pool], units: Sequence[Unit]
) -> tuple[list[Takes], list[Missing]]:
    """Each unit's named lots, taken from the order's pools; what a pool lacks is Missing."""
    takes: list[Takes] = [defaultdict(list) for _ in units]
    missing: list[Missing] = []
    for index, unit in enumerate(units):
        for pid, pairs in unit.named.items():
            pool = pools.get(pid, [])
            for lot_id, quantity in pairs:
                got = take_from(pool, quantity, lot_id)
                takes[index][pid].extend(got)
                rest = quantity - total(got)
                if rest > 0:
                    missing.append(Missing(index, pid, lot_id, rest))
    return takes, missing


def missing_lots(missing: Iterable[Missing]) -> dict[int, dict[int, Decimal]]:
    """Component id -> lot id -> quantity still to reserve for the named lots."""
    wanted: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for m in missing:
        wanted[m.component_id][m.lot_id] += m.quantity
    return wanted


def give_missing(takes: list[Takes], missing: Iterable[Missing], reserved: Iterable[Pick]) -> None:
    """Hand the freshly reserved named lots to the units waiting for them, in unit order."""
    by_lot: dict[int | None, Pool] = defaultdict(list)
    for pick in reserved:
        by_lot[pick.lot_id].append(Take.of(pick))
    for m in missing:
        takes[m.unit][m.component_id].extend(take_from(by_lot[m.lot_id], m.quantity))


def unmet_needs(
    lines: BomLines, bom_quantity: Decimal, units: Sequence[Unit], takes: Sequence[Takes]
) -> dict[int, list[Decimal]]:
    """Per component, each unit's share beyond what its named lots already give."""
    return {
        pid: [
            max(share(quantity, unit.quantity, bom_quantity) - total(taken.get(pid, ())), ZERO)
            for unit, taken in zip(units, takes, strict=True)
        ]
        for pid, quantity in lines
    }


def shortfall(pool: Iterable[Take], wanted: Iterable[Decimal]) -> Decimal:
    """How much more the units want than the pool holds (0 when it is enough)."""
    return max(sum(wanted, ZERO) - total(pool), ZERO)


def allot(pool: Pool, wanted: Sequence[Decimal]) -> list[list[Take]]:
    """Each unit's takes of one component from the front of ``pool``, in unit order."""
    return [take_from(pool, quantity) if quantity > 0 else [] for quantity in wanted]


def consumed_message(serial: str, component: str) -> str:
    """Why a serial consumed by a done order cannot be consumed again."""
    return (
        f"The serial number {serial} used for component {component} has already been "
        "consumed; choose a serial that is in stock."
    )
