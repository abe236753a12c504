"""What is on hand at one quant, and which counted quantities the rules of stock allow there."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection, select

from lotline.errors import InvalidInput, InvalidQuantity, InvalidState, MissingLot
from lotline.errors import describe_quantity as q
from lotline.models import Location, Product
from lotline.rules.lots_input import kind_word, require_tracked
from lotline.rules.naming import validate_lot_name
from lotline.rules.quantities import ONE, ZERO
from lotline.services import ledger
from lotline.services.locations import LocationRef, get_location
from lotline.services.lots import ensure_lots, find_lot
from lotline.store.schema import quants


@dataclass(frozen=True, slots=True)
class Level:
    """A quant's quantity on hand and the part of it reserved for transfers."""

    quantity: Decimal = ZERO
    reserved: Decimal = ZERO


def quant_level(conn: Connection, product_id: int, location_id: int, lot_id: int | None) -> Level:
    """The quant's quantity and reservation, locked until the transaction ends."""
    row = conn.execute(
        select(quants.c.quantity, quants.c.reserved_quantity)
        .where(
            quants.c.product_id == product_id,
            quants.c.location_id == location_id,
            quants.c.lot_key == (lot_id or 0),
        )
        .with_for_update()
    ).first()
    return Level(row.quantity, row.reserved_quantity) if row is not None else Level()


def locked_level(
    conn: Connection, product: Product, location: Location, lot_id: int | None
) -> Level:
    """What is on hand at the quant, locked first even when the quant is new (see
    ``ledger.lock_quant``), so that the difference posted is still the right one."""
    quantity, reserved = ledger.lock_quant(conn, product, location, lot_id)
    return Level(quantity, reserved)


def level_of(
    conn: Connection, product: Product, location: Location, name: str | None, lot_id: int | None
) -> Level:
    """What is on hand at the quant; nothing for a lot that does not exist yet."""
    if name is not None and lot_id is None:
        return Level()
    return quant_level(conn, product.id, location.id, lot_id)


def internal_location(conn: Connection, ref: LocationRef) -> Location:
    """The location where stock is counted; only an internal one."""
    location = get_location(conn, ref)
    if not location.is_internal:
        raise InvalidInput(
            f"{location.full_name} is not an internal location; inventory is counted in "
            "internal locations such as WH/Stock.",
            details={"location": location.full_name, "usage": location.usage},
        )
    return location


def what(product: Product, lot: str | None) -> str:
    """The stock of a quant in the operator's words: "WOOD lot A-1"."""
    if lot is None:
        return f"{product.code} without a lot/serial number"
    return f"{product.code} {kind_word(product)} {lot}"


def named_lot(
    conn: Connection, product: Product, lot: str | None, target: Decimal
) -> tuple[str | None, int | None]:
    """The lot's cleaned name and its id, None for a name the product does not have yet."""
    if lot is None:
        return None, None
    name = validate_lot_name(lot)
    if product.tracking == "serial" and target not in (ZERO, ONE):
        raise InvalidQuantity(
            f"Serial number {name} of {product.code} is one unit: count it 0 or 1, "
            f"not {q(target)}.",
            details={"product": product.code, "lot": name, "quantity": target},
        )
    found = find_lot(conn, product, name)
    if found is None:
        require_tracked(product, fix="set its quantity without a lot", lot=name)
    return name, found.id if found is not None else None


def lot_id_or_new(
    conn: Connection, product: Product, name: str | None, lot_id: int | None
) -> int | None:
    """The lot's id, creating the lot first when it is new (the "New" line of Update Quantity)."""
    if name is not None and lot_id is None:
        return ensure_lots(conn, product, [name])[name]
    return lot_id


def check_target(
    product: Product, place: str, lot: str | None, target: Decimal, level: Level
) -> None:
    """Refuse a target the rules of stock do not allow at this quant."""
    details = {
        "product": product.code,
        "lot": lot,
        "location": place,
        "on_hand": level.quantity,
        "asked": target,
    }
    if target > level.quantity and product.is_tracked and lot is None:
        raise MissingLot(
            f"Product {product.code} is tracked by {product.tracking}: its quantity "
            f"without a lot/serial number at {place} can only be lowered "
            f"({q(level.quantity)} on hand, {q(target)} asked). Give the lot/serial number "
            "of the stock to add.",
            details=details,
        )
    if target > level.quantity and not product.is_tracked and lot is not None:
        raise InvalidInput(
            f"Product {product.code} is no longer tracked: lot {lot} at {place} can only be "
            f"lowered ({q(level.quantity)} on hand, {q(target)} asked). Add stock without a lot.",
            details=details,
        )
    if target < level.reserved:
        raise InvalidState(
            f"{q(level.reserved)} of {what(product, lot)} at {place} is reserved for "
            f"transfers, so it cannot be set to {q(target)}. Unreserve those transfers first.",
            details={**details, "reserved": level.reserved},
        )
