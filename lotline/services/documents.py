"""Documents (operations): create, load, lock and change state, for every kind.

Receipts, deliveries, internal transfers, inventory adjustments and
manufacturing orders share one table and one life (``rules.states``). Every
state change goes through ``lock`` then ``change_state``: the row is locked
first (SELECT ... FOR UPDATE on PostgreSQL; SQLite's writers are serialized by
BEGIN IMMEDIATE), so two users acting on one document at once are served one
after the other, and the second sees what the first did.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Connection, RowMapping, func, insert, select, update
from sqlalchemy.orm import aliased

from lotline.errors import InvalidState, UnknownOperation
from lotline.models import Operation, OperationLine
from lotline.rules import states
from lotline.rules.inputs import record_id
from lotline.rules.text import described, lookup_text
from lotline.services.partners import partner_id
from lotline.store.schema import (
    locations,
    lots,
    move_details,
    move_lines,
    moves,
    operations,
    products,
)

OperationRef = Operation | str
MAX_DOCUMENT_NAME = 64

DOCUMENT_PREFIXES = {
    "receipt": "WH/IN/",
    "delivery": "WH/OUT/",
    "internal": "WH/INT/",
    "manufacturing": "WH/MO/",
    "scrap": "SP/",
    "adjustment": "INV/",
}


def create_operation(
    conn: Connection,
    *,
    name: str,
    kind: str,
    state: str,
    source_id: int,
    destination_id: int,
    user: str,
    at: datetime,
    **values: Any,
) -> int:
    """Insert a document row and return its id; a partner name refers to its record."""
    if values.get("partner"):
        values["partner_id"] = partner_id(conn, values["partner"])
    key = conn.execute(
        insert(operations).values(
            name=name,
            kind=kind,
            state=state,
            source_id=source_id,
            destination_id=destination_id,
            user_name=user,
            created_at=at,
            **values,
        )
    ).inserted_primary_key
    assert key is not None
    return int(key[0])


def operation_condition(ref: object, what: str = "A document") -> ColumnElement[bool]:
    """The WHERE clause picking a document given as an object with an id, its name or id."""
    if isinstance(ref, int) and not isinstance(ref, bool):
        return operations.c.id == record_id(ref, "document id")
    if isinstance(ref, str):
        return operations.c.name == document_name(ref)
    ref_id = getattr(ref, "id", None)
    if isinstance(ref_id, int) and not isinstance(ref_id, bool):
        return operations.c.id == record_id(ref_id, "document id")
    raise UnknownOperation(
        f"{what} is given by its name, not {described(ref)}.",
        details={"document": described(ref)},
    )


def document_name(value: object) -> str:
    """A document name as lookups compare it (the text rule's lookup variant)."""
    return lookup_text(
        value, "document", limit=MAX_DOCUMENT_NAME, error=UnknownOperation, key="document"
    )


def operation_row(conn: Connection, ref: OperationRef | int) -> RowMapping:
    """The operations row of a document given as an Operation, its name or its id."""
    condition = operation_condition(ref)
    row = conn.execute(select(operations).where(condition)).mappings().first()
    if row is None:
        raise UnknownOperation(
            f"There is no document {described(ref)}; names look like WH/IN/00001 or WH/MO/00001.",
            details={"document": described(ref)},
        )
    return row


def lock(conn: Connection, row: RowMapping, action: str) -> RowMapping:
    """Lock a document's row until the transaction ends, then check ``action`` may start.

    ``row`` is the document as the caller read it; the locked row returned is the
    current one. Raises InvalidState naming the state, and saying so when another
    user changed it in between.
    """
    current = (
        conn.execute(select(operations).where(operations.c.id == row["id"]).with_for_update())
        .mappings()
        .one()
    )
    if any(current[column] != row[column] for column in _WHAT_IT_IS):
        raise _refusal(
            states.changed_by_another_user(row["name"], current["state"]), current, action, row
        )
    refuse_unless_allowed(current, action, changed=current["state"] != row["state"], read=row)
    return current


_WHAT_IT_IS = ("name", "product_quantity", "lot_id", "split_index")
"""The columns that say what a document is: another user changing one (splitting an
order, say) makes whatever was decided on the row as read wrong, whatever its state."""


def refuse_unless_allowed(
    row: RowMapping, action: str, *, changed: bool = False, read: RowMapping | None = None
) -> None:
    """Raise InvalidState when ``action`` is not allowed on the document in its state.

    ``read``: the row as the caller read it, whose name the refusal gives.
    """
    name = (read or row)["name"]
    why = states.refusal(row["kind"], action, name, row["state"], changed=changed)
    if why is not None:
        raise _refusal(why, row, action, read or row)


def _refusal(why: str, row: RowMapping, action: str, read: RowMapping) -> InvalidState:
    return InvalidState(
        why,
        details={
            "document": read["name"],
            "kind": row["kind"],
            "state": row["state"],
            "action": action,
        },
    )


def change_state(conn: Connection, row: RowMapping, action: str, state: str, **values: Any) -> None:
    """Move a locked document to ``state`` by ``action`` (as the transition table allows)."""
    if not states.may_end_in(row["kind"], action, state):
        raise AssertionError(f"{action} cannot leave a {row['kind']} {state}")
    conn.execute(
        update(operations).where(operations.c.id == row["id"]).values(state=state, **values)
    )


def load_operation(conn: Connection, ref: OperationRef | int) -> Operation:
    """A document with its source, destination and related document names."""
    row = operation_row(conn, ref)
    return operation_from_row(conn, row)


def operation_from_row(conn: Connection, row: RowMapping | Mapping[str, Any]) -> Operation:
    src, dst = aliased(locations), aliased(locations)
    backorder, returned = aliased(operations), aliased(operations)
    names = conn.execute(
        select(src.c.full_name, dst.c.full_name, backorder.c.name, returned.c.name)
        .select_from(operations)
        .join(src, src.c.id == operations.c.source_id)
        .join(dst, dst.c.id == operations.c.destination_id)
        .outerjoin(backorder, backorder.c.id == operations.c.backorder_of_id)
        .outerjoin(returned, returned.c.id == operations.c.return_of_id)
        .where(operations.c.id == row["id"])
    ).one()
    return Operation(
        id=row["id"],
        name=row["name"],
        kind=row["kind"],
        state=row["state"],
        source=names[0],
        destination=names[1],
        partner=row["partner"],
        origin=row["origin"],
        reference=row["reference"],
        created_at=row["created_at"],
        done_at=row["done_at"],
        backorder_of=names[2],
        return_of=names[3],
    )


def quantities_per_move(
    conn: Connection, operation_ids: Sequence[int], *, done: bool
) -> tuple[dict[int, Decimal], dict[int, dict[str, Decimal]]]:
    """Per move of the documents: the quantity detailed (or, once done, in the ledger)
    and how much of it each lot/serial carries. One query."""
    source = move_lines if done else move_details
    lot_name = lots.c.name if done else func.coalesce(lots.c.name, move_details.c.lot_name)
    detailed = conn.execute(
        select(source.c.move_id, lot_name, func.sum(source.c.quantity))
        .select_from(source.outerjoin(lots, lots.c.id == source.c.lot_id))
        .where(source.c.operation_id.in_(operation_ids))
        .group_by(source.c.move_id, lot_name)
        .order_by(source.c.move_id, lot_name)
    ).all()
    per_move: dict[int, Decimal] = defaultdict(Decimal)
    per_lot: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for move_id, name, quantity in detailed:
        per_move[move_id] += quantity
        if name is not None:
            per_lot[move_id][name] = quantity
    return per_move, per_lot


def load_lines(conn: Connection, operation_id: int, *, done: bool) -> tuple[OperationLine, ...]:
    """A document's demanded lines with their lots: detailed lines, or the ledger once done.

    Two queries whatever the number of lines and serials.
    """
    demanded = conn.execute(
        select(moves.c.id, products.c.code, moves.c.quantity)
        .join(products, products.c.id == moves.c.product_id)
        .where(moves.c.operation_id == operation_id)
        .order_by(moves.c.sequence, moves.c.id)
    ).all()
    done_by_move, lots_by_move = quantities_per_move(conn, [operation_id], done=done)
    return tuple(
        OperationLine(
            product=code,
            quantity=quantity,
            done_quantity=done_by_move.get(move_id, Decimal(0)),
            lots=lots_by_move.get(move_id, {}),
        )
        for move_id, code, quantity in demanded
    )


def load_document(conn: Connection, ref: OperationRef | int) -> Operation:
    """A document with its lines (see ``load_lines``)."""
    operation = load_operation(conn, ref)
    return replace(operation, lines=load_lines(conn, operation.id, done=operation.state == "done"))
