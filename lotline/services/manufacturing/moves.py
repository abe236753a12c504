"""The rows of an order: its component and finished moves, and the details of each."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import Connection, RowMapping

from lotline.rules.production import Take
from lotline.store.bulk import insert_dicts, newest_id, rows_after
from lotline.store.schema import moves

KIND = "manufacturing"
"""The document kind of manufacturing orders."""


class OrderMoves(NamedTuple):
    """The moves of one order: its component needs (in BoM order) and what it makes."""

    operation_id: int
    needs: Sequence[tuple[int, Decimal]]
    product_id: int
    quantity: Decimal


def insert_moves(
    conn: Connection,
    orders: Sequence[OrderMoves],
    row: RowMapping,
    production_id: int,
) -> dict[tuple[int, int], int]:
    """Component and finished moves of orders, one bulk INSERT; (order id, sequence) -> move id.

    A component move goes from the order's source to production, the finished move
    from production to its destination; the finished move's sequence follows the needs.
    """
    rows: list[dict[str, Any]] = []
    for order in orders:
        rows.extend(
            _move(order.operation_id, pid, need, row["source_id"], production_id, "component", i)
            for i, (pid, need) in enumerate(order.needs)
            if need > 0
        )
        rows.append(
            _move(
                order.operation_id,
                order.product_id,
                order.quantity,
                production_id,
                row["destination_id"],
                "finished",
                len(order.needs),
            )
        )
    newest = newest_id(conn, moves)
    insert_dicts(conn, moves, rows)
    ours = {order.operation_id for order in orders}
    return {
        (r.operation_id, r.sequence): r.id
        for r in rows_after(conn, moves, newest, moves.c.operation_id, moves.c.sequence)
        if r.operation_id in ours
    }


def _move(
    operation_id: int,
    product_id: int,
    quantity: Decimal,
    source_id: int,
    destination_id: int,
    role: str,
    sequence: int,
) -> dict[str, Any]:
    return {
        "operation_id": operation_id,
        "product_id": product_id,
        "quantity": quantity,
        "source_id": source_id,
        "destination_id": destination_id,
        "role": role,
        "sequence": sequence,
    }


def detail_row(
    operation_id: int,
    move_id: int,
    product_id: int,
    take: Take,
    production_id: int,
    *,
    reserved: bool,
) -> dict[str, Any]:
    """A move_details row: ``take`` going to production for a component move."""
    return {
        "operation_id": operation_id,
        "move_id": move_id,
        "product_id": product_id,
        "lot_id": take.lot_id,
        "lot_name": take.lot_name,
        "quantity": take.quantity,
        "source_id": take.location_id,
        "destination_id": production_id,
        "reserved": reserved,
    }
