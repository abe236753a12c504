"""The done move lines of a product, as the history views show them."""

from __future__ import annotations

from sqlalchemy import Connection

from lotline.models import MoveLine
from lotline.services import ledger
from lotline.services.catalog import ProductRef, get_product
from lotline.services.locations import LocationRef, get_location, subtree_path
from lotline.services.lots import get_lot


def history(
    conn: Connection,
    product_ref: ProductRef,
    lot: str | None = None,
    location_ref: LocationRef | None = None,
) -> list[MoveLine]:
    """The done move lines of a product (one lot, one place and its children), newest first."""
    product = get_product(conn, product_ref)
    return ledger.read_lines(
        conn,
        product,
        lot_id=get_lot(conn, product, lot).id if lot is not None else None,
        location_path=(
            subtree_path(conn, get_location(conn, location_ref))
            if location_ref is not None
            else None
        ),
    )
