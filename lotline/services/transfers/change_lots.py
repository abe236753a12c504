"""Changing the lots of one product of an open document (what validation will move)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import Connection, RowMapping, delete, insert

from lotline.errors import InvalidInput, InvalidQuantity, describe_quantity
from lotline.models import Operation, Product
from lotline.rules.allocation import Pick, spread
from lotline.rules.quantities import ZERO
from lotline.services.catalog import ProductRef, get_product
from lotline.services.documents import OperationRef, load_document
from lotline.services.reservations import release
from lotline.services.transfers.document import (
    Move,
    detail_row,
    load,
    lock_transfer,
    read_details,
    read_moves,
    reserved_picks,
)
from lotline.services.transfers.lines import Details, LotsInput, parse_details
from lotline.services.transfers.reserve import FILL_NONE, reserve_details
from lotline.store.schema import move_details


def set_lots(
    conn: Connection, ref: OperationRef, product_ref: ProductRef, lots_input: LotsInput
) -> Operation:
    """Replace the detailed lots of a product; an outgoing document reserves them at once."""
    row = lock_transfer(conn, ref, "set_lots")
    product = get_product(conn, product_ref)
    product_moves = [m for m in read_moves(conn, row["id"]) if m.product_id == product.id]
    given = _lots_within_demand(row, product, product_moves, lots_input)
    _drop_details(conn, row, product)
    _write_details(conn, row, product, product_moves, given)
    doc = load(conn, row)
    if doc.outgoing:
        reserve_details(conn, doc, fill=FILL_NONE, only_product=product.id)
    return load_document(conn, row["id"])


def _lots_within_demand(
    row: RowMapping, product: Product, product_moves: Sequence[Move], lots_input: LotsInput
) -> Details:
    """The lots given, checked against what the document demands of the product."""
    if not product_moves:
        raise InvalidInput(
            f"{row['name']} has no line of {product.code}; lots are set on a product "
            "the document moves.",
            details={"document": row["name"], "product": product.code},
        )
    given = parse_details(product, lots_input)
    demand = sum((m.quantity for m in product_moves), ZERO)
    total = sum((q for _, q in given), ZERO)
    if total > demand:
        raise InvalidQuantity(
            f"The lots of {product.code} add up to {describe_quantity(total)}, more than "
            f"the {describe_quantity(demand)} demanded in {row['name']}; give at most "
            f"{describe_quantity(demand)}.",
            details={
                "document": row["name"],
                "product": product.code,
                "detailed": total,
                "demanded": demand,
            },
        )
    return given


def _drop_details(conn: Connection, row: RowMapping, product: Product) -> None:
    """Release and delete the product's detailed lines."""
    old = [d for d in read_details(conn, row["id"]) if d.product_id == product.id]
    release(conn, product, reserved_picks(old))
    conn.execute(
        delete(move_details).where(
            move_details.c.operation_id == row["id"], move_details.c.product_id == product.id
        )
    )


def _write_details(
    conn: Connection,
    row: RowMapping,
    product: Product,
    product_moves: Sequence[Move],
    given: Sequence[tuple[str | None, Decimal]],
) -> None:
    """The given lots as unreserved detailed lines, shared among the product's lines in order."""
    shared = spread(
        [Pick(row["source_id"], None, name, quantity) for name, quantity in given],
        [(m.id, m.quantity) for m in product_moves],
    )
    if shared:
        conn.execute(
            insert(move_details),
            [
                detail_row(
                    row["id"], move_id, product.id, pick, row["destination_id"], reserved=False
                )
                for move_id, pick in shared
            ],
        )
