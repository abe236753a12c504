"""Splitting an order into the orders that result from producing it.

The first unit keeps the order's row; every other unit, and a backorder of
what is left to make, is a new order of the same split family, numbered on
from the family's highest split index (WH/MO/00109-001, -002, ...).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, RowMapping, func, select

from lotline.rules.naming import base_name, split_name
from lotline.rules.production import Unit
from lotline.rules.states import CONFIRMED, DONE
from lotline.services.documents import change_state
from lotline.services.manufacturing.moves import KIND
from lotline.store.bulk import insert_dicts, newest_id, rows_after
from lotline.store.schema import operations

ACTION = "produce"


@dataclass(frozen=True, slots=True)
class Split:
    """The resulting orders: one per unit, and the backorder of the remainder if any."""

    unit_ids: list[int]
    remainder_id: int | None


@dataclass(frozen=True, slots=True)
class _Family:
    base: str
    root_id: int
    first_index: int
    next_index: int


def split_order(
    conn: Connection,
    user: str,
    row: RowMapping,
    units: Sequence[Unit],
    remainder: Decimal,
    *,
    complete: bool,
    at: datetime,
) -> Split:
    """Write the resulting orders: ``row`` (locked) becomes the first unit's, done when
    ``complete`` (else confirmed: "Prepare MO"); the others are inserted in one statement."""
    state = DONE if complete else CONFIRMED
    done_at = at if complete else None
    first = units[0]
    values = {"done_at": done_at, "product_quantity": first.quantity, "lot_id": first.lot_id}
    if len(units) == 1 and remainder == 0:
        change_state(conn, row, ACTION, state, **values)
        return Split([int(row["id"])], None)
    family = _family(conn, row)
    change_state(
        conn,
        row,
        ACTION,
        state,
        name=split_name(family.base, family.first_index),
        split_root_id=family.root_id,
        split_index=family.first_index,
        **values,
    )
    common = {
        "kind": KIND,
        "source_id": row["source_id"],
        "destination_id": row["destination_id"],
        "origin": row["origin"],
        "user_name": user,
        "created_at": at,
        "product_id": row["product_id"],
        "bom_id": row["bom_id"],
        "split_root_id": family.root_id,
    }
    index = family.next_index
    rows = [
        _row(common, family.base, index + i, state, done_at, unit.quantity, unit.lot_id)
        for i, unit in enumerate(units[1:])
    ]
    if remainder > 0:
        index += len(rows)
        rows.append(_row(common, family.base, index, CONFIRMED, None, remainder, None, row["id"]))
    ids = _insert(conn, rows)
    return Split([int(row["id"]), *ids[: len(units) - 1]], ids[-1] if remainder > 0 else None)


def _family(conn: Connection, row: RowMapping) -> _Family:
    """Where ``row`` stands in its split family; an unsplit order starts one."""
    if row["split_index"] is None:
        return _Family(row["name"], row["id"], 1, 2)
    highest = conn.execute(
        select(func.max(operations.c.split_index)).where(
            operations.c.split_root_id == row["split_root_id"]
        )
    ).scalar_one()
    return _Family(base_name(row["name"]), row["split_root_id"], row["split_index"], highest + 1)


def _row(
    common: dict[str, Any],
    base: str,
    index: int,
    state: str,
    done_at: datetime | None,
    quantity: Decimal,
    lot_id: int | None,
    backorder_of: int | None = None,
) -> dict[str, Any]:
    return {
        **common,
        "name": split_name(base, index),
        "state": state,
        "done_at": done_at,
        "product_quantity": quantity,
        "lot_id": lot_id,
        "split_index": index,
        "backorder_of_id": backorder_of,
    }


def _insert(conn: Connection, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert new orders in one statement; their ids in the order of ``rows``."""
    if not rows:
        return []
    newest = newest_id(conn, operations)
    insert_dicts(conn, operations, rows)
    names = {r["name"] for r in rows}
    ids = {
        r.name: r.id
        for r in rows_after(conn, operations, newest, operations.c.name)
        if r.name in names
    }
    return [ids[r["name"]] for r in rows]
