"""The one check of each kind of non-text input: whole numbers, ids, choices, lists, flags.

A value a caller gives is checked here before it reaches SQL or Python internals,
so a wrong type or a number the database cannot hold is refused as an
``InvalidInput`` naming the field, never as a driver or Python error. (Text goes
through ``rules.text``, quantities through ``rules.quantities``.)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import TypeVar

from lotline.errors import InvalidInput
from lotline.rules.text import as_text, described

MAX_INT64 = 2**63 - 1
MAX_ID = 2**31 - 1
"""The highest id a row can have (ids are 32-bit integers on PostgreSQL)."""
MAX_DAYS = 36_500
"""The most days a product's expiry settings may count: a hundred years."""

T = TypeVar("T")


def whole_number(
    value: object,
    what: str,
    *,
    field: str | None = None,
    minimum: int = 0,
    maximum: int = MAX_INT64,
    error: type[InvalidInput] = InvalidInput,
) -> int:
    """``value`` as an int from ``minimum`` to ``maximum``, or ``error`` naming ``what``
    (``field``: the caller's name of it, for the details; ``what`` by default)."""
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise error(
            f"The {what} must be a whole number from {minimum} to {maximum}, "
            f"not {described(value)}.",
            details={"field": field or what, "value": as_text(value)},
        )
    return value


def record_id(value: object, what: str) -> int:
    """A row id given by the caller: a whole number an id column can hold."""
    return whole_number(value, what, minimum=-MAX_ID, maximum=MAX_ID)


def one_of(value: object, choices: Iterable[T], what: str) -> T:
    """``value`` when it is one of ``choices``, else InvalidInput listing them."""
    options = list(choices)
    if isinstance(value, str | int) and not isinstance(value, bool):
        for choice in options:
            if value == choice:
                return choice
    raise InvalidInput(
        f"The {what} {described(value)} is not one of {', '.join(map(str, options))}.",
        details={"field": what, "value": as_text(value)},
    )


def flag(value: object, what: str) -> bool:
    """A yes-or-no option: True or False, nothing that merely looks true."""
    if not isinstance(value, bool):
        raise InvalidInput(
            f"The {what} option is True or False, not {described(value)}.",
            details={"field": what, "value": as_text(value)},
        )
    return value


def mapping(value: object, what: str, example: str) -> Mapping[object, object]:
    """``value`` when it is a dict (or another mapping), as ``example`` shows one."""
    if not isinstance(value, Mapping):
        raise InvalidInput(
            f"The {what} are given as {example}, not {described(value)}.",
            details={"field": what, "value": as_text(value)},
        )
    return value


def items_of(value: object, what: str) -> list[object]:
    """The items of a list (or tuple, set, iterator...) given for ``what``; one text,
    or a dict, is no list."""
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise InvalidInput(
            f"The {what} must be a list, not {described(value)}.",
            details={"field": what, "value": as_text(value)},
        )
    return list(value)


def name_list(value: object, what: str) -> list[str]:
    """A list of names: a list whose items are all text (each checked later by its own rule).

    A single text is refused: "XYZ" is not the names X, Y and Z.
    """
    return instances_of(items_of(value, what), str, what, "text")


def instances_of(items: Iterable[object], kind: type[T], what: str, noun: str) -> list[T]:
    """``items`` when every one is a ``kind`` (a ``noun`` in the operator's words)."""
    checked: list[T] = []
    for position, item in enumerate(items, start=1):
        if not isinstance(item, kind):
            raise InvalidInput(
                f"Item {position} of the {what} must be {noun}, not {described(item)}.",
                details={"field": what, "position": position, "value": as_text(item)},
            )
        checked.append(item)
    return checked


def moment(value: object, what: str) -> datetime:
    """A date and time given by the caller, as stored: naive UTC (a date is its midnight)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    raise InvalidInput(
        f"The {what} must be a date and time, not {described(value)}.",
        details={"field": what, "value": as_text(value)},
    )
