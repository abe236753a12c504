"""Cancelling a transfer that is not done: its reservations are given back."""

from __future__ import annotations

from sqlalchemy import Connection, update

from lotline.models import Operation
from lotline.rules.states import CANCELLED
from lotline.services.catalog import products_by_id
from lotline.services.documents import OperationRef, change_state, load_document
from lotline.services.reservations import release
from lotline.services.transfers.document import lock_transfer, read_details, reserved_picks
from lotline.store.schema import move_details


def cancel(conn: Connection, ref: OperationRef) -> Operation:
    """Cancel an open document, releasing what it reserved (one statement per product)."""
    row = lock_transfer(conn, ref, "cancel")
    reserved = [d for d in read_details(conn, row["id"]) if d.reserved]
    product_map = products_by_id(conn, {d.product_id for d in reserved})
    for product_id, product in sorted(product_map.items()):
        release(conn, product, reserved_picks(d for d in reserved if d.product_id == product_id))
    conn.execute(
        update(move_details).where(move_details.c.operation_id == row["id"]).values(reserved=False)
    )
    change_state(conn, row, "cancel", CANCELLED)
    return load_document(conn, row["id"])
