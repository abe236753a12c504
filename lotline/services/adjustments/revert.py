"""Reverting an inventory adjustment: a new adjustment that posts the opposite lines."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Row, RowMapping, select

from lotline.errors import InvalidState, MissingLot
from lotline.errors import describe_quantity as q
from lotline.models import Operation
from lotline.services import documents, ledger
from lotline.services.adjustments.post import KIND, MAX_REFERENCE, REVERTED, post_adjustment
from lotline.services.documents import OperationRef, operation_row
from lotline.services.locations import INVENTORY_ADJUSTMENT, get_location
from lotline.store.schema import locations, move_lines, operations, products


def revert(conn: Connection, user: str, ref: OperationRef) -> Operation:
    """Post the opposite of a done inventory adjustment as a new adjustment, once."""
    original = documents.lock(conn, _adjustment_row(conn, ref), "revert")
    _refuse_reverted_twice(conn, original)
    lines = _ledger_lines(conn, original["id"])
    _refuse_untracked_back(original, lines)
    postings = [
        ledger.Posting(
            line.product_id, line.lot_id, line.quantity, line.destination_id, line.source_id
        )
        for line in lines
    ]
    base = original["reference"] or original["name"]
    reference = base[: MAX_REFERENCE - len(REVERTED)] + REVERTED
    adjustment = get_location(conn, INVENTORY_ADJUSTMENT)
    return post_adjustment(conn, user, postings, reference, adjustment.id, origin=original["name"])


def _adjustment_row(conn: Connection, ref: OperationRef) -> RowMapping:
    row = operation_row(conn, ref)
    if row["kind"] != KIND:
        raise InvalidState(
            f"{row['name']} is a {row['kind']} document, not an inventory adjustment; only "
            "inventory adjustments can be reverted.",
            details={"document": row["name"], "kind": row["kind"], "action": "revert"},
        )
    return row


def _refuse_reverted_twice(conn: Connection, original: RowMapping) -> None:
    earlier = conn.execute(
        select(operations.c.name).where(
            operations.c.kind == KIND, operations.c.origin == original["name"]
        )
    ).scalar()
    if earlier is not None:
        raise InvalidState(
            f"{original['name']} was already reverted by {earlier}; reverting it again would "
            "count the same correction twice. Adjust the quantity instead.",
            details={"document": original["name"], "reverted_by": earlier},
        )


def _ledger_lines(conn: Connection, operation_id: int) -> list[Row[Any]]:
    """The adjustment's move lines with their product and source location."""
    return list(
        conn.execute(
            select(
                move_lines.c.product_id,
                move_lines.c.lot_id,
                move_lines.c.quantity,
                move_lines.c.source_id,
                move_lines.c.destination_id,
                products.c.code,
                products.c.tracking,
                locations.c.full_name,
                locations.c.usage,
            )
            .join(products, products.c.id == move_lines.c.product_id)
            .join(locations, locations.c.id == move_lines.c.source_id)
            .where(move_lines.c.operation_id == operation_id)
            .order_by(move_lines.c.id)
        )
    )


def _refuse_untracked_back(original: RowMapping, lines: Sequence[Row[Any]]) -> None:
    """Stock without a lot of a product tracked since cannot come back without a lot."""
    for line in lines:
        if line.tracking != "none" and line.lot_id is None and line.usage == "internal":
            raise MissingLot(
                f"Cannot revert {original['name']}: it took {q(line.quantity)} of {line.code} "
                f"without a lot/serial number out of {line.full_name}, and {line.code} is "
                f"tracked by {line.tracking}, so stock without a lot cannot come back. Set the "
                "quantity of a lot instead.",
                details={
                    "document": original["name"],
                    "product": line.code,
                    "location": line.full_name,
                    "quantity": line.quantity,
                },
            )
