"""Exact quantities: parsing user input into Decimal and storing it as integers.

Quantities are stored as whole numbers of millionths (``SCALE``) so that SQLite
and PostgreSQL compute identical sums with no binary floating point.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from lotline.errors import InvalidQuantity
from lotline.rules.text import as_text, described

DIGITS = 6
SCALE = 10**DIGITS
ONE = Decimal(1)
ZERO = Decimal(0)
MAX_QUANTITY = Decimal(10**12)
STORAGE_LIMIT = 2**63 - 1
"""The most millionths a stored quantity holds, either sign (a 64-bit integer)."""
MAX_STORED = Decimal(STORAGE_LIMIT).scaleb(-DIGITS)
"""The largest quantity, either sign, a quant can hold: 9223372036854.775807."""

QuantityInput = int | Decimal | str


def _refused(what: str, value: object, message: str, **details: object) -> InvalidQuantity:
    """The refusal of ``value`` given as ``what``, with the field and the value given."""
    return InvalidQuantity(message, details={"field": what, "value": as_text(value), **details})


def parse_quantity(value: object, *, what: str = "quantity") -> Decimal:
    """Turn an int, Decimal or numeric string into an exact Decimal, or refuse it."""
    if isinstance(value, bool | float):
        raise _refused(
            what,
            value,
            f"The {what} {described(value)} is a {type(value).__name__}; give a whole number, a "
            "decimal or a text such as '2.5' so that it stays exact.",
        )
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, Decimal):
        number = value
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip().replace("_", ""))
        except InvalidOperation:
            raise _refused(
                what,
                value,
                f"The {what} {described(value)} is not a number; type digits such as 3 or 2.5.",
            ) from None
    else:
        raise _refused(
            what,
            value,
            f"The {what} {described(value)} is not a number; give a whole number or a decimal.",
        )
    return _within_limits(number, value, what)


def _within_limits(number: Decimal, value: object, what: str) -> Decimal:
    if not number.is_finite():
        raise _refused(
            what, value, f"The {what} {described(value)} is not a finite number; give a real count."
        )
    if abs(number) > MAX_QUANTITY:
        raise _refused(
            what,
            value,
            f"The {what} {described(value)} is too large; the limit is {MAX_QUANTITY}.",
            limit=MAX_QUANTITY,
        )
    exponent = number.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -DIGITS:
        raise _refused(
            what,
            value,
            f"The {what} {described(value)} has more than {DIGITS} decimal places; round it.",
            decimals=DIGITS,
        )
    return number if number != 0 else ZERO


def positive_quantity(value: object, *, what: str = "quantity") -> Decimal:
    """A quantity that must be greater than zero (a move, a receipt line)."""
    number = parse_quantity(value, what=what)
    if number <= 0:
        raise _refused(
            what, value, f"The {what} must be greater than zero, not {described(value)}."
        )
    return number


def counted_quantity(value: object, *, what: str = "quantity") -> Decimal:
    """A quantity that may be zero but never negative (a count, an on-hand target)."""
    number = parse_quantity(value, what=what)
    if number < 0:
        raise _refused(
            what, value, f"The {what} cannot be negative ({described(value)}); count 0 or more."
        )
    return number


def require_whole(number: Decimal, *, what: str) -> Decimal:
    if number != number.to_integral_value():
        raise _refused(what, number, f"The {what} must be a whole number, not {number}.")
    return number


def to_storage(number: Decimal) -> int:
    """Decimal -> integer millionths; exact because parse_quantity limits the scale."""
    return int(number.scaleb(DIGITS))


def from_storage(units: int) -> Decimal:
    """Integer millionths -> Decimal without trailing zeros."""
    whole, fraction = divmod(units, SCALE)
    if not fraction:
        return Decimal(whole)
    return Decimal(units).scaleb(-DIGITS).normalize()


def fits_storage(number: Decimal) -> bool:
    """Whether ``number`` can be stored: within the 64-bit range of millionths."""
    return abs(number) <= MAX_STORED
