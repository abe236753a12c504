"""The Lots/Serial Numbers dashboard: every lot with its on-hand quantity and places."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Select, and_, func, or_, select

from lotline.models import LotRow
from lotline.services.base import utcnow
from lotline.services.catalog import ProductRef, get_product
from lotline.services.locations import LocationRef, get_location, subtree_path
from lotline.store.schema import locations, lots, products, quants

ONE = Decimal(1)
_SEPARATOR = "\x1f"  # location names cannot contain control characters
_ON_HAND = func.coalesce(func.sum(quants.c.quantity), 0)


def list_lots(
    conn: Connection,
    product: ProductRef | None = None,
    location: LocationRef | None = None,
    in_stock: bool | None = None,
    expired: bool | None = None,
) -> list[LotRow]:
    """Lots with their on-hand quantity in internal locations, by product code then name.

    ``location``: only lots on hand there (children included), counted there.
    ``in_stock``: True, lots with stock; False, lots without. ``expired``: True, lots
    whose expiration date has passed; False, the others. One statement.
    """
    held = and_(quants.c.lot_id == lots.c.id, quants.c.internal, quants.c.quantity > 0)
    if location is not None:
        path = subtree_path(conn, get_location(conn, location))
        places = select(locations.c.id).where(locations.c.parent_path.startswith(path))
        held = and_(held, quants.c.location_id.in_(places))
    query = _dashboard(held)
    if product is not None:
        query = query.where(lots.c.product_id == get_product(conn, product).id)
    if location is not None or in_stock:
        query = query.having(_ON_HAND > 0)
    elif in_stock is False:
        query = query.having(_ON_HAND == 0)
    if expired is not None:
        query = query.where(_expiry(expired))
    if location is not None and in_stock is False:
        return []
    return [_lot_row(r) for r in conn.execute(query)]


def _dashboard(held: Any) -> Select[Any]:
    """Every lot with the sum and the places of its quants that match ``held``."""
    lot_columns = (
        products.c.code,
        products.c.tracking,
        lots.c.name,
        lots.c.expiration_date,
        lots.c.created_at,
    )
    return (
        select(
            *lot_columns,
            _ON_HAND.label("on_hand"),
            func.aggregate_strings(locations.c.full_name, _SEPARATOR).label("places"),
        )
        .select_from(lots)
        .join(products, products.c.id == lots.c.product_id)
        .outerjoin(quants, held)
        .outerjoin(locations, locations.c.id == quants.c.location_id)
        .group_by(lots.c.id, *lot_columns)
        .order_by(products.c.code, lots.c.name)
    )


def _expiry(expired: bool) -> Any:
    """Lots whose expiration date has passed; or (False) those without one or not yet past."""
    now = utcnow()
    if expired:
        return lots.c.expiration_date < now
    return or_(lots.c.expiration_date.is_(None), lots.c.expiration_date >= now)


def _lot_row(r: Any) -> LotRow:
    return LotRow(
        product=r.code,
        lot=r.name,
        on_hand=min(r.on_hand, ONE) if r.tracking == "serial" else r.on_hand,
        locations=tuple(sorted(r.places.split(_SEPARATOR))) if r.places else (),
        expiration_date=r.expiration_date,
        created_at=r.created_at,
    )
