"""Which lots or serials to take: FIFO, FEFO, LIFO, or the ones named explicitly.

Every way of taking stock here takes candidates in an order, never more than a
candidate's available quantity, and reports what it could not take (the
shortfall) instead of taking it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

STRATEGIES = ("fifo", "fefo", "lifo")
_FAR_FUTURE = datetime.max


@dataclass(frozen=True, slots=True)
class Candidate:
    """Stock that can be taken: one quant's unreserved quantity."""

    location_id: int
    lot_id: int | None
    lot_name: str | None
    available: Decimal
    in_date: datetime
    removal_date: datetime | None = None
    expiration_date: datetime | None = None


@dataclass(frozen=True, slots=True)
class Pick:
    """A quantity taken from one candidate."""

    location_id: int
    lot_id: int | None
    lot_name: str | None
    quantity: Decimal


def removal_order(candidates: Sequence[Candidate], strategy: str) -> list[Candidate]:
    """Candidates in the order a removal strategy takes them.

    FIFO: first in first (then lot name); LIFO: last in first; FEFO: the
    earliest removal (or expiration) date first, lots without a date last.
    """

    def name(c: Candidate) -> str:
        return c.lot_name or ""

    if strategy == "lifo":
        return sorted(candidates, key=lambda c: (c.in_date, name(c)), reverse=True)
    if strategy == "fefo":
        return sorted(
            candidates,
            key=lambda c: (c.removal_date or c.expiration_date or _FAR_FUTURE, c.in_date, name(c)),
        )
    return sorted(candidates, key=lambda c: (c.in_date, name(c)))


def allocate(
    candidates: Sequence[Candidate], quantity: Decimal, strategy: str = "fifo"
) -> tuple[list[Pick], Decimal]:
    """Take ``quantity`` from the candidates by ``strategy``; returns (picks, shortfall)."""
    return _take_in_order(removal_order(candidates, strategy), quantity)


def take_named(
    offered: Iterable[Candidate], lot_name: str | None, quantity: Decimal
) -> tuple[list[Pick], Decimal]:
    """Take ``quantity`` of one named lot or serial (None: stock without a lot) from the
    candidates holding it, in the order offered; returns (picks, shortfall).

    Candidates of other lots are passed over, so ``offered`` may be every candidate
    or only those of ``lot_name``.
    """
    return _take_in_order((c for c in offered if c.lot_name == lot_name), quantity)


def remaining_after(candidates: Sequence[Candidate], picks: Iterable[Pick]) -> list[Candidate]:
    """The candidates with what ``picks`` took from them subtracted."""
    taken: dict[tuple[int, int | None], Decimal] = defaultdict(Decimal)
    for pick in picks:
        taken[(pick.location_id, pick.lot_id)] += pick.quantity
    if not taken:
        return list(candidates)
    return [
        replace(c, available=c.available - taken[(c.location_id, c.lot_id)])
        if (c.location_id, c.lot_id) in taken
        else c
        for c in candidates
    ]


def spread(picks: Sequence[Pick], needs: Sequence[tuple[int, Decimal]]) -> list[tuple[int, Pick]]:
    """Share ``picks`` among ``needs`` ((key, quantity) pairs) in order: each need is
    filled before the next; returns (key, pick) pairs; what no need wants is left out."""
    shared: list[tuple[int, Pick]] = []
    wanted = [quantity for _, quantity in needs]
    index = 0
    for pick in picks:
        left = pick.quantity
        while left > 0 and index < len(needs):
            taken = min(left, wanted[index])
            if taken > 0:
                shared.append((needs[index][0], replace(pick, quantity=taken)))
            left -= taken
            wanted[index] -= taken
            if wanted[index] <= 0:
                index += 1
    return shared


def _take_in_order(
    candidates: Iterable[Candidate], quantity: Decimal
) -> tuple[list[Pick], Decimal]:
    picks: list[Pick] = []
    remaining = quantity
    for candidate in candidates:
        if remaining <= 0:
            break
        if candidate.available <= 0:
            continue
        taken = min(candidate.available, remaining)
        picks.append(Pick(candidate.location_id, candidate.lot_id, candidate.lot_name, taken))
        remaining -= taken
    return picks, max(remaining, Decimal(0))
