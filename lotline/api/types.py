"""Value types of the API: exact quantities in and out, safe text, UTC timestamps."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, PlainSerializer, WithJsonSchema

from lotline.errors import describe_quantity

QUANTITY_PATTERN = r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*$"


def _exact_quantity(value: Any) -> Decimal:
    """A JSON number (read exactly) or a decimal string; never a boolean."""
    if isinstance(value, bool | float):
        raise ValueError('a quantity is a decimal string such as "2.5" or a JSON number')
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"{value!r} is not a number such as 3 or 2.5") from None
    raise ValueError('a quantity is a decimal string such as "2.5" or a JSON number')


QuantityIn = Annotated[
    Decimal,
    BeforeValidator(_exact_quantity),
    WithJsonSchema(
        {
            "anyOf": [{"type": "string", "pattern": QUANTITY_PATTERN}, {"type": "number"}],
            "description": 'Exact quantity: a decimal string ("12.5") or a JSON number.',
        }
    ),
]


def _safe_text(value: str) -> str:
    """Refuse what no database can store (NUL, lone surrogates); the services check the rest."""
    if "\x00" in value:
        raise ValueError("text cannot contain the NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text cannot contain lone surrogates") from None
    return value


Text = Annotated[str, AfterValidator(_safe_text)]


def quantity_text(value: Decimal) -> str:
    """A quantity as an exact decimal string without exponent: "12.5", "3"."""
    return describe_quantity(value) if value != 0 else "0"


QuantityOut = Annotated[
    Decimal,
    PlainSerializer(quantity_text, return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^-?\d+(\.\d+)?$"}, mode="serialization"),
]


def timestamp_text(value: datetime) -> str:
    """A stored UTC time as RFC 3339: 2026-11-24T19:58:51.267231Z."""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat().replace("+00:00", "Z")


Timestamp = Annotated[
    datetime,
    PlainSerializer(timestamp_text, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}, mode="serialization"),
]
