"""Documents (operations) shared by transfers, adjustments and manufacturing."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, insert, select
from sqlalchemy.orm import aliased

from lotline.errors import UnknownOperation
from lotline.models import Operation
from lotline.store.schema import locations, operations

OperationRef = Operation | str

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
    """Insert a document row and return its id."""
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


def operation_row(conn: Connection, ref: OperationRef | int) -> RowMapping:
    """The operations row of a document given as an Operation, its name or its id."""
    if isinstance(ref, Operation):
        condition = operations.c.id == ref.id
    elif isinstance(ref, int) and not isinstance(ref, bool):
        condition = operations.c.id == ref
    elif isinstance(ref, str):
        condition = operations.c.name == ref.strip()
    else:
        raise UnknownOperation(f"A document is given by its name, not {ref!r}.")
    row = conn.execute(select(operations).where(condition)).mappings().first()
    if row is None:
        raise UnknownOperation(
            f"There is no document {ref!r}; names look like WH/IN/00001 or WH/MO/00001."
        )
    return row


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
