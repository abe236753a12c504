"""Listing transfers (without their lines), by kind and state, and a document's backorders."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import aliased

from lotline.models import Operation
from lotline.rules.inputs import one_of
from lotline.rules.states import STATES, TRANSFER_KINDS
from lotline.services.documents import OperationRef
from lotline.services.transfers.document import transfer_row
from lotline.store.schema import locations, operations


def list_transfers(conn: Connection, kind: str | None, state: str | None) -> list[Operation]:
    """Transfers of ``kind`` in ``state`` (None: any), in order of creation."""
    conditions = []
    if kind is not None:
        conditions.append(operations.c.kind == one_of(kind, TRANSFER_KINDS, "kind of transfer"))
    if state is not None:
        conditions.append(operations.c.state == one_of(state, STATES, "state"))
    return listing(conn, *conditions)


def backorders(conn: Connection, ref: OperationRef) -> list[Operation]:
    """The backorders created when the document was validated in part."""
    return listing(conn, operations.c.backorder_of_id == transfer_row(conn, ref)["id"])


def listing(conn: Connection, *conditions: Any) -> list[Operation]:
    """Transfers meeting ``conditions``, with their place and related document names."""
    src, dst = aliased(locations), aliased(locations)
    backorder, returned = aliased(operations), aliased(operations)
    rows = conn.execute(
        select(
            operations,
            src.c.full_name.label("source_name"),
            dst.c.full_name.label("destination_name"),
            backorder.c.name.label("backorder_name"),
            returned.c.name.label("return_name"),
        )
        .select_from(operations)
        .join(src, src.c.id == operations.c.source_id)
        .join(dst, dst.c.id == operations.c.destination_id)
        .outerjoin(backorder, backorder.c.id == operations.c.backorder_of_id)
        .outerjoin(returned, returned.c.id == operations.c.return_of_id)
        .where(operations.c.kind.in_(TRANSFER_KINDS), *conditions)
        .order_by(operations.c.id)
    ).mappings()
    return [
        Operation(
            id=r["id"],
            name=r["name"],
            kind=r["kind"],
            state=r["state"],
            source=r["source_name"],
            destination=r["destination_name"],
            partner=r["partner"],
            origin=r["origin"],
            reference=r["reference"],
            created_at=r["created_at"],
            done_at=r["done_at"],
            backorder_of=r["backorder_name"],
            return_of=r["return_name"],
        )
        for r in rows
    ]
