"""On-hand quantities read from the quants."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Select, func, select

from lotline.models import Quant
from lotline.services.base import Service
from lotline.services.catalog import ProductRef, get_product
from lotline.services.locations import LocationRef, get_location, subtree_path
from lotline.services.lots import get_lot
from lotline.services.untracked_stock import untracked_quants
from lotline.store.schema import locations, lots, products, quants


def _filtered(
    conn: Connection,
    query: Select[Any],
    product: ProductRef | None,
    location: LocationRef | None,
    lot: str | None,
) -> Select[Any]:
    if product is not None:
        found = get_product(conn, product)
        query = query.where(quants.c.product_id == found.id)
        if lot is not None:
            query = query.where(quants.c.lot_id == get_lot(conn, found, lot).id)
    elif lot is not None:
        query = query.where(lots.c.name == lot)
    if location is None:
        return query.where(quants.c.internal)
    place = get_location(conn, location)
    return query.where(locations.c.parent_path.startswith(subtree_path(conn, place)))


def on_hand(
    conn: Connection,
    product: ProductRef,
    location: LocationRef | None = None,
    lot: str | None = None,
) -> Decimal:
    query = select(func.coalesce(func.sum(quants.c.quantity), 0)).select_from(
        quants.join(locations, locations.c.id == quants.c.location_id)
    )
    total = conn.execute(_filtered(conn, query, product, location, lot)).scalar_one()
    return Decimal(total) if not isinstance(total, Decimal) else total


def list_quants(
    conn: Connection,
    product: ProductRef | None = None,
    location: LocationRef | None = None,
    lot: str | None = None,
) -> list[Quant]:
    query = (
        select(
            products.c.code,
            locations.c.full_name,
            lots.c.name,
            quants.c.quantity,
            quants.c.reserved_quantity,
            quants.c.in_date,
        )
        .select_from(
            quants.join(products, products.c.id == quants.c.product_id)
            .join(locations, locations.c.id == quants.c.location_id)
            .outerjoin(lots, lots.c.id == quants.c.lot_id)
        )
        .where(quants.c.quantity != 0)
        .order_by(products.c.code, locations.c.full_name, lots.c.name)
    )
    return [
        Quant(
            product=r.code,
            location=r.full_name,
            lot=r.name,
            quantity=r.quantity,
            reserved_quantity=r.reserved_quantity,
            in_date=r.in_date,
        )
        for r in conn.execute(_filtered(conn, query, product, location, lot))
    ]


def untracked(conn: Connection, product: ProductRef | None = None) -> list[Quant]:
    """The stock of tracked products that has no lot/serial number, per internal location."""
    product_id = get_product(conn, product).id if product is not None else None
    return untracked_quants(conn, product_id)


class StockService(Service):
    """app.stock: what is on hand, where, in which lots."""

    def on_hand(
        self,
        product: ProductRef,
        location: LocationRef | None = None,
        lot: str | None = None,
    ) -> Decimal:
        """On hand in internal locations (or in ``location`` and its children)."""
        return self._read(lambda conn: on_hand(conn, product, location, lot))

    def quants(
        self,
        product: ProductRef | None = None,
        location: LocationRef | None = None,
        lot: str | None = None,
    ) -> list[Quant]:
        """Every non-zero quant, in internal locations unless ``location`` is given."""
        return self._read(lambda conn: list_quants(conn, product, location, lot))

    def untracked(self, product: ProductRef | None = None) -> list[Quant]:
        """Stock of lot- or serial-tracked products without a lot/serial number (to repair)."""
        return self._read(lambda conn: untracked(conn, product))
