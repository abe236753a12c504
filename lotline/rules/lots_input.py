"""The lots of a line as a user gives them: ``{lot: quantity}``, ``[serial, ...]`` or a quantity.

One reading for receipts, deliveries, internal transfers, inventory adjustments
and the component lots of a manufacturing order:

- ``{name: quantity}``: lots (or serials, one unit each) with their quantities;
- ``[serial, ...]``: serial numbers, one unit each; items may also be
  ``(name, quantity)`` pairs;
- a bare quantity: only for a product that is not tracked, where allowed.

A name appears once; a serial number is one unit; an untracked product takes
no lots.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from lotline.errors import InvalidInput, InvalidQuantity, MissingLot, describe_quantity
from lotline.models import Product
from lotline.rules.naming import validate_lot_name
from lotline.rules.quantities import QuantityInput, positive_quantity
from lotline.rules.text import as_text, described

LotsInput = Mapping[str, QuantityInput] | Sequence[Any]
"""``{lot: quantity}`` or ``[serial, ...]`` (items may be ``(name, quantity)`` pairs)."""

LotsOrQuantity = LotsInput | QuantityInput | None
"""What a transfer line's ``lots`` may hold: lots, a bare quantity, or nothing."""

ONE = Decimal(1)


def kind_word(product: Product) -> str:
    """How the operator calls one of the product's lots: "serial number" or "lot"."""
    return "serial number" if product.tracking == "serial" else "lot"


def require_tracked(
    product: Product,
    *,
    fix: str = "set its tracking to lot or serial first",
    lot: str | None = None,
) -> None:
    """Refuse a product that is tracked neither by lot nor by serial number; ``fix`` says
    what to do instead."""
    if not product.is_tracked:
        details = {"product": product.code, "tracking": product.tracking}
        raise InvalidInput(
            f"Product {product.code} is not tracked by lots or serial numbers; {fix}.",
            details=details if lot is None else {**details, "lot": lot},
        )


def parse_lots(
    product: Product, given: LotsOrQuantity, *, allow_quantity: bool = False
) -> list[tuple[str | None, Decimal]]:
    """(lot name, quantity) pairs of ``given``, checked; None gives [].

    With ``allow_quantity`` a bare quantity of an untracked product gives one
    pair with no lot name.
    """
    if given is None:
        return []
    if _is_quantity(given):
        return [_bare_quantity(product, given, allow_quantity)]
    require_tracked(product, fix="give its quantity without lots")
    pairs = _pairs(product, given)
    return _checked(product, pairs)


def named_lots(product: Product, given: LotsInput) -> dict[str, Decimal]:
    """``parse_lots`` for a tracked product whose lots must all be named, as a dict."""
    pairs = parse_lots(product, given)
    return {name: quantity for name, quantity in pairs if name is not None}


def _is_quantity(given: object) -> bool:
    return isinstance(given, int | Decimal | str) and not isinstance(given, bool)


def _bare_quantity(product: Product, given: Any, allowed: bool) -> tuple[str | None, Decimal]:
    if product.is_tracked:
        wanted = (
            "a list of its serial numbers (one unit each)"
            if product.tracking == "serial"
            else "its lots with their quantities, as {name: quantity}"
        )
        raise MissingLot(
            f"Product {product.code} is tracked by {product.tracking}: give {wanted}, "
            f"not {described(given)}.",
            details={"product": product.code, "tracking": product.tracking},
        )
    if not allowed:
        raise InvalidInput(
            f"Lots of {product.code} are given as {{name: quantity}} or [serial, ...], "
            f"not {described(given)}.",
            details={"product": product.code},
        )
    return None, positive_quantity(given, what=f"quantity of {product.code}")


def _pairs(product: Product, given: object) -> list[tuple[Any, Any]]:
    if isinstance(given, Mapping):
        return list(given.items())
    if not isinstance(given, Sequence) or isinstance(given, str | bytes):
        raise InvalidInput(
            f"Lots of {product.code} are given as {{name: quantity}} or [serial, ...], "
            f"not {type(given).__name__}.",
            details={"product": product.code},
        )
    pairs: list[tuple[Any, Any]] = []
    for item in given:
        if isinstance(item, tuple | list) and len(item) == 2:
            pairs.append((item[0], item[1]))
        elif product.tracking == "serial":
            pairs.append((item, ONE))
        else:
            raise InvalidInput(
                f"Product {product.code} is tracked by lot: give each lot with its "
                f"quantity, e.g. {{{described(item)}: 10}}.",
                details={"product": product.code, "lot": as_text(item)},
            )
    return pairs


def _checked(product: Product, pairs: list[tuple[Any, Any]]) -> list[tuple[str | None, Decimal]]:
    details: list[tuple[str | None, Decimal]] = []
    seen: set[str] = set()
    for raw_name, raw_quantity in pairs:
        name = validate_lot_name(raw_name)
        quantity = positive_quantity(raw_quantity, what=f"quantity of {product.code} {name}")
        if name in seen:
            raise InvalidInput(
                f"The {kind_word(product)} {name} of {product.code} is given twice; "
                "give each one once"
                + (
                    " (a serial number is one unit)."
                    if product.tracking == "serial"
                    else " with its whole quantity."
                ),
                details={"product": product.code, "lot": name},
            )
        if product.tracking == "serial" and quantity != ONE:
            raise InvalidQuantity(
                f"Product {product.code} is tracked by unique serial number: serial "
                f"{name} is one unit, not {describe_quantity(quantity)}.",
                details={"product": product.code, "lot": name, "quantity": quantity},
            )
        seen.add(name)
        details.append((name, quantity))
    return details
