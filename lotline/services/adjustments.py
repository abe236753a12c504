"""Inventory adjustments ("Update Quantity"): setting on-hand quantities to what was counted."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Connection, select

from lotline.errors import InvalidInput, InvalidQuantity
from lotline.models import Operation
from lotline.rules.naming import validate_lot_name
from lotline.rules.quantities import QuantityInput, counted_quantity
from lotline.services import ledger
from lotline.services.base import Service, utcnow
from lotline.services.catalog import ProductRef, get_product
from lotline.services.locations import INVENTORY_ADJUSTMENT, LocationRef, get_location
from lotline.services.lots import ensure_lots
from lotline.services.operations import (
    DOCUMENT_PREFIXES,
    create_operation,
    load_operation,
)
from lotline.services.sequences import next_document_name
from lotline.store.schema import quants

PRODUCT_QUANTITY_UPDATED = "Product Quantity Updated"


def set_quantity(
    conn: Connection,
    user: str,
    product_ref: ProductRef,
    location_ref: LocationRef,
    quantity: QuantityInput,
    lot: str | None = None,
    reason: str | None = None,
) -> Operation | None:
    """Post the difference between the counted and the recorded quantity."""
    target = counted_quantity(quantity, what="counted quantity")
    product = get_product(conn, product_ref)
    location = get_location(conn, location_ref)
    if not location.is_internal:
        raise InvalidInput(
            f"{location.full_name} is not an internal location; inventory is counted in "
            "internal locations such as WH/Stock."
        )
    if lot is not None and not product.is_tracked:
        raise InvalidInput(
            f"Product {product.code} is not tracked; set its quantity without a lot."
        )
    if product.tracking == "serial" and lot is not None and target not in (0, 1):
        raise InvalidQuantity(
            f"Serial number {lot} of {product.code} can be counted 0 or 1, not {target}."
        )
    lot_id = None
    if lot is not None:
        name = validate_lot_name(lot)
        lot_id = ensure_lots(conn, product, [name])[name]
    current = conn.execute(
        select(quants.c.quantity).where(
            quants.c.product_id == product.id,
            quants.c.location_id == location.id,
            quants.c.lot_key == (lot_id or 0),
        )
    ).scalar()
    difference = target - (current if current is not None else Decimal(0))
    if difference == 0:
        return None
    adjustment = get_location(conn, INVENTORY_ADJUSTMENT)
    source, destination = (adjustment, location) if difference > 0 else (location, adjustment)
    now = utcnow()
    operation_id = create_operation(
        conn,
        name=next_document_name(conn, DOCUMENT_PREFIXES["adjustment"]),
        kind="adjustment",
        state="done",
        source_id=source.id,
        destination_id=destination.id,
        user=user,
        at=now,
        done_at=now,
        reference=reason or PRODUCT_QUANTITY_UPDATED,
    )
    ledger.post(
        conn,
        operation_id,
        [ledger.Posting(product.id, lot_id, abs(difference), source.id, destination.id)],
        user=user,
        at=now,
    )
    return load_operation(conn, operation_id)


class Adjustments(Service):
    """app.adjustments: Update Quantity, counts and their history."""

    def set_quantity(
        self,
        product: ProductRef,
        location: LocationRef,
        quantity: QuantityInput,
        lot: str | None = None,
        *,
        reason: str | None = None,
    ) -> Operation | None:
        """Set the on-hand quantity of (product, location, lot); None when it already was."""
        return self._run(
            lambda conn: set_quantity(conn, self.user, product, location, quantity, lot, reason)
        )
