"""app.transfers: the facade of receipts, deliveries, internal transfers and returns."""

from __future__ import annotations

import builtins
from collections.abc import Sequence

from sqlalchemy import Connection

from lotline.errors import PartialTransfer, describe_quantity
from lotline.models import Operation
from lotline.services.base import Service
from lotline.services.catalog import ProductRef
from lotline.services.documents import OperationRef, load_document
from lotline.services.locations import STOCK, LocationRef
from lotline.services.transfers.cancel import cancel
from lotline.services.transfers.change_lots import set_lots
from lotline.services.transfers.create import create_delivery, create_internal, create_receipt
from lotline.services.transfers.document import transfer_row
from lotline.services.transfers.lines import LineInput, LotsInput
from lotline.services.transfers.listing import backorders, list_transfers
from lotline.services.transfers.reserve import reserve
from lotline.services.transfers.returns import return_of
from lotline.services.transfers.validate import validate


class Transfers(Service):
    """app.transfers: receipts, deliveries, internal transfers, backorders and returns.

    lines: [{"product": p, "quantity": q, "lots": {name: qty} | [serial, ...] | None}];
    a line may instead give "scans" (scanned barcodes), and a serial receipt "first"
    + "count", "serials_text" (a pasted list) or "assign_serials": True (the next
    available serials).
    """

    def receipt(
        self,
        lines: Sequence[LineInput],
        partner: str | None = None,
        destination: LocationRef = STOCK,
        origin: str | None = None,
    ) -> Operation:
        """A receipt from Partners/Vendors, ready to validate."""
        return self._run(
            lambda conn: create_receipt(conn, self.user, lines, partner, destination, origin)
        )

    def delivery(
        self,
        lines: Sequence[LineInput],
        partner: str | None = None,
        source: LocationRef = STOCK,
        origin: str | None = None,
    ) -> Operation:
        """A draft delivery to Partners/Customers; named lots are taken as given."""
        return self._run(
            lambda conn: create_delivery(conn, self.user, lines, partner, source, origin)
        )

    def internal(
        self,
        lines: Sequence[LineInput],
        source: LocationRef,
        destination: LocationRef,
        origin: str | None = None,
    ) -> Operation:
        """A draft transfer between two internal locations."""
        return self._run(
            lambda conn: create_internal(conn, self.user, lines, source, destination, origin)
        )

    def receive(
        self,
        lines: Sequence[LineInput],
        partner: str | None = None,
        destination: LocationRef = STOCK,
        origin: str | None = None,
        *,
        backorder: bool | None = True,
    ) -> Operation:
        """Create a receipt and validate it in one transaction: all of it, or nothing.

        ``backorder`` as for ``validate``.
        """

        def work(conn: Connection) -> Operation:
            created = create_receipt(conn, self.user, lines, partner, destination, origin)
            return _validate(conn, self.user, created, backorder)

        return self._run(work)

    def deliver(
        self,
        lines: Sequence[LineInput],
        partner: str | None = None,
        source: LocationRef = STOCK,
        origin: str | None = None,
        *,
        backorder: bool | None = True,
    ) -> Operation:
        """Create a delivery, reserve it (named lots, then by removal strategy) and validate
        it, in one transaction. ``backorder`` as for ``validate``."""

        def work(conn: Connection) -> Operation:
            created = create_delivery(conn, self.user, lines, partner, source, origin)
            return _validate(conn, self.user, created, backorder)

        return self._run(work)

    def move(
        self,
        lines: Sequence[LineInput],
        source: LocationRef,
        destination: LocationRef,
        origin: str | None = None,
        *,
        backorder: bool | None = True,
    ) -> Operation:
        """Create an internal transfer and validate it, in one transaction."""

        def work(conn: Connection) -> Operation:
            created = create_internal(conn, self.user, lines, source, destination, origin)
            return _validate(conn, self.user, created, backorder)

        return self._run(work)

    def reserve(self, operation: OperationRef) -> Operation:
        """Reserve named lots, then the rest by removal strategy: ready, or confirmed if short."""
        return self._run(lambda conn: reserve(conn, operation))

    def set_lots(self, operation: OperationRef, product: ProductRef, lots: LotsInput) -> Operation:
        """Replace the detailed lots/serials of a product (what will be done on validation)."""
        return self._run(lambda conn: set_lots(conn, operation, product, lots))

    def validate(self, operation: OperationRef, backorder: bool | None = True) -> Operation:
        """Post the detailed quantities; the rest goes to a backorder (True) or is dropped
        (False). With None a document that can be done only in part is refused
        (PartialTransfer, with what is available) and nothing is recorded."""
        return self._run(lambda conn: _validate(conn, self.user, operation, backorder))

    def cancel(self, operation: OperationRef) -> Operation:
        """Cancel a document that is not done, releasing its reservations."""
        return self._run(lambda conn: cancel(conn, operation))

    def get(self, name: OperationRef) -> Operation:
        """A transfer with its lines."""
        return self._read(lambda conn: load_document(conn, transfer_row(conn, name)["id"]))

    def list(self, kind: str | None = None, state: str | None = None) -> builtins.list[Operation]:
        """Transfers in order of creation (without their lines)."""
        return self._read(lambda conn: list_transfers(conn, kind, state))

    def backorders(self, operation: OperationRef) -> builtins.list[Operation]:
        """The backorders created when ``operation`` was validated in part."""
        return self._read(lambda conn: backorders(conn, operation))

    def return_of(
        self, operation: OperationRef, lines: Sequence[LineInput] | None = None
    ) -> Operation:
        """The reverse document of a done transfer, with the same lots/serials."""
        return self._run(lambda conn: return_of(conn, self.user, operation, lines))


def _validate(
    conn: Connection, user: str, operation: OperationRef, backorder: bool | None
) -> Operation:
    done = validate(conn, user, operation, backorder is not False)
    if backorder is None:
        refuse_partial(done)
    return done


def refuse_partial(done: Operation) -> None:
    """Refuse a document validated in part: say what could be done of the first short line."""
    for line in done.lines:
        if line.done_quantity >= line.quantity:
            continue
        rest = describe_quantity(line.quantity - line.done_quantity)
        have = describe_quantity(line.done_quantity)
        want = describe_quantity(line.quantity)
        if done.kind == "receipt":
            what = (
                f"The lots/serial numbers given cover {have} of the {want} {line.product} received"
            )
        else:
            what = f"Only {have} of the {want} {line.product} can be taken from {done.source}"
        raise PartialTransfer(
            f"{what}, so nothing was recorded. Choose to keep the other {rest} in a "
            "backorder, or to drop them.",
            details={
                "product": line.product,
                "quantity": line.quantity,
                "available": line.done_quantity,
                "location": done.destination if done.kind == "receipt" else done.source,
                "kind": done.kind,
            },
        )
