"""Physical inventory: counted quantities recorded beside what is on hand, before applying.

A count is kept per quant (product, location, lot) with the quantity on hand
when it was made; it is outdated when stock moved there since.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, and_, delete, exists, func, select, true
from sqlalchemy.dialects import postgresql, sqlite

from lotline.models import Count
from lotline.rules.quantities import QuantityInput, counted_quantity
from lotline.services.adjustments.levels import (
    check_target,
    internal_location,
    level_of,
    lot_id_or_new,
    named_lot,
)
from lotline.services.base import utcnow
from lotline.services.catalog import ProductRef, get_product
from lotline.services.locations import LocationRef, get_location, subtree_path
from lotline.store.schema import inventory_counts, locations, lots, products, quants

QUANT_OF_COUNT = and_(
    quants.c.product_id == inventory_counts.c.product_id,
    quants.c.location_id == inventory_counts.c.location_id,
    quants.c.lot_key == inventory_counts.c.lot_key,
)


def record_count(
    conn: Connection,
    user: str,
    product_ref: ProductRef,
    location_ref: LocationRef,
    quantity: QuantityInput,
    lot: str | None = None,
) -> Count:
    """Record a counted quantity beside the quantity on hand, without moving stock."""
    target = counted_quantity(quantity, what="counted quantity")
    product = get_product(conn, product_ref)
    location = internal_location(conn, location_ref)
    name, lot_id = named_lot(conn, product, lot, target)
    level = level_of(conn, product, location, name, lot_id)
    check_target(product, location.full_name, name, target, level)
    lot_id = lot_id_or_new(conn, product, name, lot_id)
    now = utcnow()
    conn.execute(
        _upsert_counts(conn),
        {
            "product_id": product.id,
            "location_id": location.id,
            "lot_id": lot_id,
            "lot_key": lot_id or 0,
            "counted_quantity": target,
            "on_hand_at_count": level.quantity,
            "counted_at": now,
            "user_name": user,
        },
    )
    return Count(
        product=product.code,
        location=location.full_name,
        lot=name,
        counted=target,
        on_hand=level.quantity,
        difference=target - level.quantity,
        counted_at=now,
        user=user,
        outdated=False,
        on_hand_at_count=level.quantity,
    )


def pending_counts(conn: Connection) -> list[Count]:
    """Every count not yet applied, beside the quantity on hand now."""
    return [count_from_row(row) for row in count_rows(conn)]


def set_counts(
    conn: Connection,
    user: str,
    product_ref: ProductRef | None = None,
    location_ref: LocationRef | None = None,
) -> int:
    """Copy the on-hand quantities into counts ("Set"); existing counts are kept."""
    query = (
        select(
            quants.c.product_id,
            quants.c.location_id,
            quants.c.lot_id,
            quants.c.lot_key,
            quants.c.quantity,
        )
        .join(locations, locations.c.id == quants.c.location_id)
        .where(
            locations.c.usage == "internal",
            quants.c.quantity > 0,
            ~exists().where(QUANT_OF_COUNT),
        )
    )
    if product_ref is not None:
        query = query.where(quants.c.product_id == get_product(conn, product_ref).id)
    if location_ref is not None:
        path = subtree_path(conn, get_location(conn, location_ref))
        query = query.where(locations.c.parent_path.startswith(path))
    now = utcnow()
    rows = [
        {
            "product_id": r.product_id,
            "location_id": r.location_id,
            "lot_id": r.lot_id,
            "lot_key": r.lot_key,
            "counted_quantity": r.quantity,
            "on_hand_at_count": r.quantity,
            "counted_at": now,
            "user_name": user,
        }
        for r in conn.execute(query)
    ]
    if rows:
        conn.execute(_upsert_counts(conn), rows)
    return len(rows)


def clear_counts(
    conn: Connection, product_ref: ProductRef | None = None, location_ref: LocationRef | None = None
) -> int:
    """Drop the pending counts ("Clear"); returns how many were dropped."""
    conditions = _count_filter(conn, product_ref, location_ref)
    result = conn.execute(delete(inventory_counts).where(and_(true(), *conditions)))
    return int(result.rowcount)


def count_rows(conn: Connection, *, lock: bool = False) -> list[Row[Any]]:
    """Every pending count with its names and the current quant; optionally locked."""
    if lock:
        conn.execute(select(inventory_counts.c.id).with_for_update()).all()
        conn.execute(
            select(quants.c.id).join(inventory_counts, QUANT_OF_COUNT).with_for_update(of=quants)
        ).all()
    return list(
        conn.execute(
            select(
                inventory_counts.c.id,
                inventory_counts.c.product_id,
                inventory_counts.c.location_id,
                inventory_counts.c.lot_id,
                inventory_counts.c.counted_quantity,
                inventory_counts.c.on_hand_at_count,
                inventory_counts.c.counted_at,
                inventory_counts.c.user_name,
                products.c.code,
                products.c.tracking,
                locations.c.full_name,
                lots.c.name.label("lot_name"),
                func.coalesce(quants.c.quantity, 0).label("on_hand"),
                func.coalesce(quants.c.reserved_quantity, 0).label("reserved"),
            )
            .select_from(
                inventory_counts.join(products, products.c.id == inventory_counts.c.product_id)
                .join(locations, locations.c.id == inventory_counts.c.location_id)
                .outerjoin(lots, lots.c.id == inventory_counts.c.lot_id)
                .outerjoin(quants, QUANT_OF_COUNT)
            )
            .order_by(products.c.code, locations.c.full_name, lots.c.name.asc().nulls_first())
        )
    )


def count_from_row(row: Row[Any]) -> Count:
    """A pending count as the operator sees it, beside what is on hand now."""
    on_hand = as_decimal(row.on_hand)
    return Count(
        product=row.code,
        location=row.full_name,
        lot=row.lot_name,
        counted=row.counted_quantity,
        on_hand=on_hand,
        difference=row.counted_quantity - on_hand,
        counted_at=row.counted_at,
        user=row.user_name,
        outdated=on_hand != row.on_hand_at_count,
        on_hand_at_count=row.on_hand_at_count,
    )


def as_decimal(value: Any) -> Decimal:
    """A coalesced quantity: the Quantity type's Decimal, or 0 when no quant exists."""
    return value if isinstance(value, Decimal) else Decimal(value)


def _upsert_counts(conn: Connection) -> Any:
    table = inventory_counts
    ins = postgresql.insert(table) if conn.dialect.name == "postgresql" else sqlite.insert(table)
    return ins.on_conflict_do_update(
        index_elements=[table.c.product_id, table.c.location_id, table.c.lot_key],
        set_={
            "counted_quantity": ins.excluded.counted_quantity,
            "on_hand_at_count": ins.excluded.on_hand_at_count,
            "counted_at": ins.excluded.counted_at,
            "user_name": ins.excluded.user_name,
        },
    )


def _count_filter(
    conn: Connection, product_ref: ProductRef | None, location_ref: LocationRef | None
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if product_ref is not None:
        conditions.append(inventory_counts.c.product_id == get_product(conn, product_ref).id)
    if location_ref is not None:
        path = subtree_path(conn, get_location(conn, location_ref))
        conditions.append(
            inventory_counts.c.location_id.in_(
                select(locations.c.id).where(locations.c.parent_path.startswith(path))
            )
        )
    return conditions
