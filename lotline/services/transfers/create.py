"""Creating receipts, deliveries and internal transfers (and the documents made from them).

A receipt comes in ready to validate; a delivery or an internal transfer is a
draft until it is reserved. Lots named on the lines become detailed lines, not
yet reserved.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, insert

from lotline.errors import InvalidInput
from lotline.models import Location, Operation
from lotline.rules.allocation import Pick
from lotline.rules.states import DRAFT, READY
from lotline.rules.text import clean_text
from lotline.services.base import utcnow
from lotline.services.documents import DOCUMENT_PREFIXES, create_operation, load_document
from lotline.services.locations import (
    CUSTOMERS,
    STOCK_KEEPING,
    VENDORS,
    LocationRef,
    get_location,
)
from lotline.services.sequences import next_document_name
from lotline.services.transfers.document import detail_row
from lotline.services.transfers.lines import Line, parse_lines
from lotline.store.bulk import insert_dicts
from lotline.store.schema import move_details, moves


def create_receipt(
    conn: Connection,
    user: str,
    lines: Any,
    partner: str | None,
    destination: LocationRef,
    origin: str | None,
) -> Operation:
    """A receipt from Partners/Vendors into an internal location, ready to validate."""
    to = get_location(conn, destination)
    _require_stock_keeping(to, "destination of a receipt", "receive into WH/Stock or a child.")
    parsed = parse_lines(conn, lines, incoming=True)
    vendors = get_location(conn, VENDORS)
    return create(conn, user, "receipt", vendors, to, parsed, partner=partner, origin=origin)


def create_delivery(
    conn: Connection,
    user: str,
    lines: Any,
    partner: str | None,
    source: LocationRef,
    origin: str | None,
) -> Operation:
    """A draft delivery from an internal location to Partners/Customers."""
    frm = get_location(conn, source)
    _require_stock_keeping(frm, "source of a delivery", "deliver from WH/Stock or a child.")
    parsed = parse_lines(conn, lines, incoming=False)
    customers = get_location(conn, CUSTOMERS)
    return create(conn, user, "delivery", frm, customers, parsed, partner=partner, origin=origin)


def create_internal(
    conn: Connection,
    user: str,
    lines: Any,
    source: LocationRef,
    destination: LocationRef,
    origin: str | None,
) -> Operation:
    """A draft transfer between two internal locations."""
    frm, to = get_location(conn, source), get_location(conn, destination)
    hint = "an internal transfer moves stock between internal locations such as WH/Stock."
    _require_stock_keeping(frm, "source of an internal transfer", hint)
    _require_stock_keeping(to, "destination of an internal transfer", hint)
    if frm.id == to.id:
        raise InvalidInput(
            f"An internal transfer from {frm.full_name} to itself moves nothing; "
            "choose another destination.",
            details={"location": frm.full_name},
        )
    parsed = parse_lines(conn, lines, incoming=False)
    return create(conn, user, "internal", frm, to, parsed, origin=origin)


def create(
    conn: Connection,
    user: str,
    kind: str,
    source: Location,
    destination: Location,
    lines: Sequence[Line],
    *,
    partner: str | None = None,
    origin: str | None = None,
    **values: Any,
) -> Operation:
    """Write a document with its demanded lines and the lots they name."""
    incoming = source.usage not in STOCK_KEEPING
    operation_id = create_operation(
        conn,
        name=next_document_name(conn, DOCUMENT_PREFIXES[kind]),
        kind=kind,
        state=READY if incoming else DRAFT,
        source_id=source.id,
        destination_id=destination.id,
        user=user,
        at=utcnow(),
        partner=clean_text(partner, "partner", limit=256, required=False),
        origin=clean_text(origin, "origin", limit=256, required=False),
        **values,
    )
    move_ids = insert_moves(
        conn, operation_id, source, destination, [(ln.product.id, ln.quantity) for ln in lines]
    )
    rows = [
        detail_row(
            operation_id,
            move_id,
            line.product.id,
            Pick(source.id, None, name, quantity),
            destination.id,
            reserved=False,
        )
        for move_id, line in zip(move_ids, lines, strict=True)
        for name, quantity in line.details
    ]
    if rows:
        insert_dicts(conn, move_details, rows)
    return load_document(conn, operation_id)


def insert_moves(
    conn: Connection,
    operation_id: int,
    source: Location,
    destination: Location,
    demands: Sequence[tuple[int, Decimal]],
) -> list[int]:
    """Insert the demanded lines ((product id, quantity) in order); their ids in that order."""
    result = conn.execute(
        insert(moves).returning(moves.c.id, sort_by_parameter_order=True),
        [
            {
                "operation_id": operation_id,
                "product_id": product_id,
                "quantity": quantity,
                "source_id": source.id,
                "destination_id": destination.id,
                "sequence": index,
            }
            for index, (product_id, quantity) in enumerate(demands, start=1)
        ],
    )
    return [row.id for row in result]


def _require_stock_keeping(location: Location, role: str, hint: str) -> None:
    if location.usage not in STOCK_KEEPING:
        raise InvalidInput(
            f"{location.full_name} cannot be the {role}: {hint}",
            details={"location": location.full_name, "usage": location.usage},
        )
