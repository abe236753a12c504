"""Update Quantity: set what is on hand at one place, posting the difference."""

from __future__ import annotations

from sqlalchemy import Connection

from lotline.models import Operation
from lotline.rules.quantities import QuantityInput, counted_quantity
from lotline.services.adjustments.levels import (
    check_target,
    internal_location,
    level_of,
    locked_level,
    lot_id_or_new,
    named_lot,
)
from lotline.services.adjustments.post import (
    PRODUCT_QUANTITY_UPDATED,
    check_reason,
    post_adjustment,
    posting,
)
from lotline.services.catalog import ProductRef, get_product
from lotline.services.locations import INVENTORY_ADJUSTMENT, LocationRef, get_location


def set_quantity(
    conn: Connection,
    user: str,
    product_ref: ProductRef,
    location_ref: LocationRef,
    quantity: QuantityInput,
    lot: str | None = None,
    reason: str | None = None,
) -> Operation | None:
    """Post the difference between the counted and the recorded quantity; None if nothing."""
    target = counted_quantity(quantity, what="counted quantity")
    reference = check_reason(reason, PRODUCT_QUANTITY_UPDATED)
    product = get_product(conn, product_ref)
    location = internal_location(conn, location_ref)
    name, lot_id = named_lot(conn, product, lot, target)
    if target:
        lot_id = lot_id_or_new(conn, product, name, lot_id)
        level = locked_level(conn, product, location, lot_id)
    else:
        level = level_of(conn, product, location, name, lot_id)
    check_target(product, location.full_name, name, target, level)
    difference = target - level.quantity
    if difference == 0:
        return None
    adjustment = get_location(conn, INVENTORY_ADJUSTMENT)
    line = posting(product.id, lot_id, location.id, adjustment.id, difference)
    return post_adjustment(conn, user, [line], reference, adjustment.id)
