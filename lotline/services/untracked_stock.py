"""Stock that has no lot/serial number: the one query behind the stock report of
what to repair and the warning given when a product starts being tracked.

Below both stock.py and catalog.py (it imports neither), so that each can use it.
"""

from __future__ import annotations

from sqlalchemy import Connection, select

from lotline.models import Quant
from lotline.store.schema import locations, products, quants


def untracked_quants(
    conn: Connection, product_id: int | None = None, *, tracked_only: bool = True
) -> list[Quant]:
    """Non-zero quants without a lot in internal locations, by product code then location.

    ``product_id``: only that product's. ``tracked_only``: only products tracked by
    lot or serial (False while a product's tracking is being changed).
    """
    query = (
        select(
            products.c.code,
            locations.c.full_name,
            quants.c.quantity,
            quants.c.reserved_quantity,
            quants.c.in_date,
        )
        .select_from(
            quants.join(products, products.c.id == quants.c.product_id).join(
                locations, locations.c.id == quants.c.location_id
            )
        )
        .where(
            quants.c.lot_id.is_(None),
            quants.c.quantity != 0,
            locations.c.usage == "internal",
        )
        .order_by(products.c.code, locations.c.full_name)
    )
    if tracked_only:
        query = query.where(products.c.tracking != "none")
    if product_id is not None:
        query = query.where(quants.c.product_id == product_id)
    return [
        Quant(
            product=r.code,
            location=r.full_name,
            lot=None,
            quantity=r.quantity,
            reserved_quantity=r.reserved_quantity,
            in_date=r.in_date,
        )
        for r in conn.execute(query)
    ]
