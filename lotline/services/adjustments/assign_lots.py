"""Giving lots to the stock without a lot of a product that became tracked.

The untracked quantity at one location is replaced by the same quantity in the
lots given, in one adjustment document.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Connection

from lotline.errors import InvalidInput, InvalidQuantity, InvalidState
from lotline.errors import describe_quantity as q
from lotline.models import Location, Operation, Product
from lotline.rules.lots_input import LotsInput, named_lots, require_tracked
from lotline.rules.naming import generate_names, validate_lot_name
from lotline.rules.quantities import ONE, ZERO
from lotline.rules.text import described
from lotline.services import ledger
from lotline.services.adjustments.levels import Level, internal_location, quant_level, what
from lotline.services.adjustments.post import (
    PRODUCT_QUANTITY_UPDATED,
    check_reason,
    post_adjustment,
)
from lotline.services.catalog import ProductRef, get_product
from lotline.services.locations import INVENTORY_ADJUSTMENT, LocationRef, get_location
from lotline.services.lots import ensure_lots


def assign_lots(
    conn: Connection,
    user: str,
    product_ref: ProductRef,
    location_ref: LocationRef,
    lots_given: LotsInput | None = None,
    *,
    first: str | None = None,
    count: int | None = None,
    reason: str | None = None,
) -> Operation:
    """Replace the untracked stock at a location by the same quantity in lots, in one document."""
    reference = check_reason(reason, PRODUCT_QUANTITY_UPDATED)
    product = get_product(conn, product_ref)
    location = internal_location(conn, location_ref)
    require_tracked(product)
    asked = lots_asked(product, lots_given, first, count)
    level = quant_level(conn, product.id, location.id, None)
    _check_untracked(product, location, level, sum(asked.values(), ZERO))
    ids = ensure_lots(conn, product, list(asked))
    adjustment = get_location(conn, INVENTORY_ADJUSTMENT)
    postings = [
        ledger.Posting(product.id, None, level.quantity, location.id, adjustment.id),
        *(
            ledger.Posting(product.id, ids[name], quantity, adjustment.id, location.id)
            for name, quantity in asked.items()
        ),
    ]
    return post_adjustment(conn, user, postings, reference, adjustment.id)


def lots_asked(
    product: Product, lots_given: LotsInput | None, first: str | None, count: int | None
) -> dict[str, Decimal]:
    """The lots asked for, read by ``rules.lots_input``; ``first`` + ``count`` number them."""
    if first is not None or count is not None:
        if lots_given is not None:
            raise InvalidInput("Give either the lots, or a first serial number and a count.")
        lots_given = dict.fromkeys(_numbered(first, count), ONE)
    if lots_given is None:
        raise InvalidInput(
            "Give the lots as {name: quantity}, or a list of serial numbers (one unit each).",
            details={"product": product.code},
        )
    asked = named_lots(product, lots_given)
    if not asked:
        raise InvalidInput(
            f"Give at least one lot/serial number for {product.code}.",
            details={"product": product.code},
        )
    return asked


def _numbered(first: str | None, count: int | None) -> list[str]:
    if first is None or count is None:
        raise InvalidInput("Give both the first serial number and the count of serials.")
    if isinstance(count, bool) or not isinstance(count, int) or count <= 0:
        raise InvalidQuantity(
            f"The count of serial numbers must be 1 or more, not {described(count)}.",
            details={"first": first},
        )
    return generate_names(validate_lot_name(first), count)


def _check_untracked(product: Product, location: Location, level: Level, total: Decimal) -> None:
    """Refuse unless the lots add up to the untracked stock there, none of it reserved."""
    details = {"product": product.code, "location": location.full_name}
    if level.quantity <= 0:
        raise InvalidState(
            f"There is no stock of {product.code} without a lot/serial number at "
            f"{location.full_name}.",
            details=details,
        )
    if total != level.quantity:
        raise InvalidQuantity(
            f"The lots given for {product.code} add up to {q(total)}, but "
            f"{q(level.quantity)} is on hand at {location.full_name} without a lot/serial "
            f"number; give lots for exactly {q(level.quantity)}.",
            details={**details, "given": total, "on_hand": level.quantity},
        )
    if level.reserved:
        raise InvalidState(
            f"{q(level.reserved)} of {what(product, None)} at {location.full_name} is reserved "
            "for transfers; unreserve them first.",
            details={**details, "reserved": level.reserved},
        )
