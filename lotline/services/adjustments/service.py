"""app.adjustments: the facade of Update Quantity, counts, reverts and history."""

from __future__ import annotations

from collections.abc import Iterable

from lotline.models import Count, MoveLine, Operation
from lotline.rules.lots_input import LotsInput
from lotline.rules.quantities import QuantityInput
from lotline.services.adjustments.apply_counts import apply_counts
from lotline.services.adjustments.assign_lots import assign_lots
from lotline.services.adjustments.counts import (
    clear_counts,
    pending_counts,
    record_count,
    set_counts,
)
from lotline.services.adjustments.history import history
from lotline.services.adjustments.revert import revert
from lotline.services.adjustments.update_quantity import set_quantity
from lotline.services.base import Service
from lotline.services.catalog import ProductRef
from lotline.services.documents import OperationRef
from lotline.services.locations import LocationRef


class Adjustments(Service):
    """app.adjustments: Update Quantity, physical inventory counts, reverts and history."""

    def set_quantity(
        self,
        product: ProductRef,
        location: LocationRef,
        quantity: QuantityInput,
        lot: str | None = None,
        *,
        reason: str | None = None,
    ) -> Operation | None:
        """Set the on-hand quantity of (product, location, lot); None when it already was.

        A lot name the product does not have yet is created.
        """
        return self._run(
            lambda conn: set_quantity(conn, self.user, product, location, quantity, lot, reason)
        )

    def assign_lots(
        self,
        product: ProductRef,
        location: LocationRef,
        lots: LotsInput | None = None,
        *,
        first: str | None = None,
        count: int | None = None,
        reason: str | None = None,
    ) -> Operation:
        """Give lots to the stock without a lot at ``location``, in one adjustment.

        ``lots``: {name: quantity}, or [serial, ...] (one unit each); or ``first``
        and ``count`` to number serials. The total must equal the untracked quantity.
        """
        return self._run(
            lambda conn: assign_lots(
                conn,
                self.user,
                product,
                location,
                lots,
                first=first,
                count=count,
                reason=reason,
            )
        )

    def count(
        self,
        product: ProductRef,
        location: LocationRef,
        quantity: QuantityInput,
        lot: str | None = None,
    ) -> Count:
        """Record a counted quantity without moving stock (replaces an earlier count)."""
        return self._run(
            lambda conn: record_count(conn, self.user, product, location, quantity, lot)
        )

    def pending(self) -> list[Count]:
        """The counts not yet applied, beside the on-hand quantities and differences."""
        return self._read(pending_counts)

    def apply(
        self,
        counts: Iterable[Count] | None = None,
        *,
        reason: str | None = None,
        force: bool = False,
    ) -> Operation | None:
        """Apply all counts (or ``counts``) as one adjustment; None when nothing changes.

        Outdated counts are refused unless ``force``.
        """
        chosen = list(counts) if counts is not None else None
        return self._run(
            lambda conn: apply_counts(conn, self.user, chosen, reason=reason, force=force)
        )

    def set_counts(
        self, product: ProductRef | None = None, location: LocationRef | None = None
    ) -> int:
        """Count the on-hand quantities as they are ("Set"); returns how many counts were made."""
        return self._run(lambda conn: set_counts(conn, self.user, product, location))

    def clear(self, product: ProductRef | None = None, location: LocationRef | None = None) -> int:
        """Drop pending counts ("Clear"); returns how many were dropped."""
        return self._run(lambda conn: clear_counts(conn, product, location))

    def revert(self, operation: OperationRef) -> Operation:
        """Undo a done inventory adjustment with a new one, "<reference> [reverted]"."""
        return self._run(lambda conn: revert(conn, self.user, operation))

    def history(
        self,
        product: ProductRef,
        lot: str | None = None,
        location: LocationRef | None = None,
    ) -> list[MoveLine]:
        """The done move lines of ``product``, newest first; ``location`` includes children."""
        return self._read(lambda conn: history(conn, product, lot, location))
