"""Applying counts: every chosen quant set to its counted quantity, as one document."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Row, delete

from lotline.errors import OutdatedCount, UnknownCount
from lotline.errors import describe_quantity as q
from lotline.models import Count, Operation
from lotline.rules.inputs import flag, instances_of, items_of
from lotline.services import ledger
from lotline.services.adjustments.counts import as_decimal, count_rows
from lotline.services.adjustments.levels import Level, check_target
from lotline.services.adjustments.post import (
    QUANTITY_UPDATED,
    check_reason,
    post_adjustment,
    posting,
)
from lotline.services.catalog import products_by_id
from lotline.services.locations import INVENTORY_ADJUSTMENT, get_location
from lotline.store.bulk import chunked
from lotline.store.schema import inventory_counts

SHOWN_OUTDATED = 10


def apply_counts(
    conn: Connection,
    user: str,
    wanted: Iterable[object] | None = None,
    *,
    reason: str | None = None,
    force: bool = False,
) -> Operation | None:
    """Set every chosen quant to its counted quantity as one document, then drop the counts.

    Outdated counts are refused unless ``force``; None when nothing changes.
    """
    reference = check_reason(reason, QUANTITY_UPDATED)
    force = flag(force, "force")
    rows = _chosen(count_rows(conn, lock=True), wanted)
    if not force:
        _refuse_outdated(rows)
    adjustment = get_location(conn, INVENTORY_ADJUSTMENT)
    postings = _differences(conn, rows, adjustment.id)
    for chunk in chunked([r.id for r in rows]):
        conn.execute(delete(inventory_counts).where(inventory_counts.c.id.in_(chunk)))
    if not postings:
        return None
    return post_adjustment(conn, user, postings, reference, adjustment.id)


def _chosen(rows: list[Row[Any]], wanted: Iterable[object] | None) -> list[Row[Any]]:
    """The pending counts asked for (all when None); each one must still be pending."""
    if wanted is None:
        return rows
    counts = instances_of(items_of(wanted, "counts"), Count, "counts", "a pending count")
    keys = {(c.product, c.location, c.lot) for c in counts}
    chosen = [r for r in rows if (r.code, r.full_name, r.lot_name) in keys]
    missing = keys - {(r.code, r.full_name, r.lot_name) for r in chosen}
    if missing:
        product, location, lot = sorted(missing, key=str)[0]
        lot_text = f" lot {lot}" if lot else ""
        raise UnknownCount(
            f"There is no pending count of {product}{lot_text} at {location}; it was applied "
            "or cleared already.",
            details={"product": product, "lot": lot, "location": location},
        )
    return chosen


def _refuse_outdated(rows: Sequence[Row[Any]]) -> None:
    outdated = [r for r in rows if as_decimal(r.on_hand) != r.on_hand_at_count]
    if not outdated:
        return
    listed = "; ".join(
        f"{r.code}{' lot ' + r.lot_name if r.lot_name else ''} at {r.full_name}: "
        f"{q(r.on_hand_at_count)} on hand when counted, {q(as_decimal(r.on_hand))} now"
        for r in outdated[:SHOWN_OUTDATED]
    )
    more = f" (and {len(outdated) - SHOWN_OUTDATED} more)" if len(outdated) > SHOWN_OUTDATED else ""
    raise OutdatedCount(
        f"{len(outdated)} count(s) are outdated because stock moved after counting: "
        f"{listed}{more}. Count them again, or force the counted quantities anyway.",
        details={
            "outdated": [
                {
                    "product": r.code,
                    "lot": r.lot_name,
                    "location": r.full_name,
                    "on_hand_at_count": q(r.on_hand_at_count),
                    "on_hand": q(as_decimal(r.on_hand)),
                }
                for r in outdated
            ]
        },
    )


def _differences(
    conn: Connection, rows: Sequence[Row[Any]], adjustment_id: int
) -> list[ledger.Posting]:
    """The ledger lines that bring each counted quant to its count, checked by the rules."""
    product_map = products_by_id(conn, {r.product_id for r in rows})
    postings = []
    for row in rows:
        level = Level(as_decimal(row.on_hand), as_decimal(row.reserved))
        product = product_map[row.product_id]
        check_target(product, row.full_name, row.lot_name, row.counted_quantity, level)
        difference = row.counted_quantity - level.quantity
        if difference:
            postings.append(
                posting(row.product_id, row.lot_id, row.location_id, adjustment_id, difference)
            )
    return postings
