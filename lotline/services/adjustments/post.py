"""Posting an inventory adjustment: one done document whose lines go to or from
"Virtual Locations/Inventory adjustment"."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import Connection, select

from lotline.models import Operation
from lotline.rules.states import DONE
from lotline.rules.text import required_text
from lotline.services import ledger
from lotline.services.base import utcnow
from lotline.services.documents import DOCUMENT_PREFIXES, create_operation, load_operation
from lotline.services.sequences import next_document_name
from lotline.store.schema import locations

KIND = "adjustment"
PRODUCT_QUANTITY_UPDATED = "Product Quantity Updated"
QUANTITY_UPDATED = "Quantity Updated"
REVERTED = " [reverted]"
MAX_REFERENCE = 256


def check_reason(reason: str | None, default: str) -> str:
    """The document's reference: the reason given, or ``default``."""
    if reason is None:
        return default
    return required_text(reason, "adjustment reason", limit=MAX_REFERENCE - len(REVERTED))


def posting(
    product_id: int, lot_id: int | None, location_id: int, adjustment_id: int, difference: Decimal
) -> ledger.Posting:
    """The ledger line that adds ``difference`` at the location (removes it when negative)."""
    if difference > 0:
        return ledger.Posting(product_id, lot_id, difference, adjustment_id, location_id)
    return ledger.Posting(product_id, lot_id, -difference, location_id, adjustment_id)


def post_adjustment(
    conn: Connection,
    user: str,
    postings: Sequence[ledger.Posting],
    reference: str,
    adjustment_id: int,
    *,
    origin: str | None = None,
) -> Operation:
    """One done adjustment document carrying ``postings``."""
    source_id, destination_id = _document_ends(conn, postings, adjustment_id)
    now = utcnow()
    operation_id = create_operation(
        conn,
        name=next_document_name(conn, DOCUMENT_PREFIXES[KIND]),
        kind=KIND,
        state=DONE,
        source_id=source_id,
        destination_id=destination_id,
        user=user,
        at=now,
        done_at=now,
        reference=reference,
        origin=origin,
    )
    ledger.post(conn, operation_id, postings, user=user, at=now)
    return load_operation(conn, operation_id)


def _document_ends(
    conn: Connection, postings: Sequence[ledger.Posting], adjustment_id: int
) -> tuple[int, int]:
    """The document's source and destination: the adjustment location and the counted place.

    Several counted places are summed up by their closest common parent.
    """
    places = {
        p.source_id if p.destination_id == adjustment_id else p.destination_id for p in postings
    }
    paths = conn.execute(
        select(locations.c.parent_path).where(locations.c.id.in_(places))
    ).scalars()
    common: list[str] | None = None
    for path in paths:
        parts = path.rstrip("/").split("/")
        common = parts if common is None else _common_prefix(common, parts)
    place = int(common[-1]) if common else min(places)
    if all(p.destination_id == adjustment_id for p in postings):
        return place, adjustment_id
    return adjustment_id, place


def _common_prefix(first: list[str], second: list[str]) -> list[str]:
    size = 0
    while size < min(len(first), len(second)) and first[size] == second[size]:
        size += 1
    return first[:size]
