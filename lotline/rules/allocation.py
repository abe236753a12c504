"""Which lots or serials to take: FIFO, FEFO, LIFO, or the ones named explicitly."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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
    picks: list[Pick] = []
    remaining = quantity
    for candidate in removal_order(candidates, strategy):
        if remaining <= 0:
            break
        if candidate.available <= 0:
            continue
        taken = min(candidate.available, remaining)
        picks.append(Pick(candidate.location_id, candidate.lot_id, candidate.lot_name, taken))
        remaining -= taken
    return picks, max(remaining, Decimal(0))
