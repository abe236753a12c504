"""Names of lots and serial numbers, and series of them (SN0009, SN0010, ...)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lotline.errors import InvalidInput, InvalidLotName, InvalidQuantity
from lotline.rules.text import as_text, described, required_text

MAX_LOT_NAME = 128


def validate_lot_name(name: object) -> str:
    """Return the lot/serial name trimmed of surrounding spaces, or refuse it."""
    return required_text(name, "lot/serial number", limit=MAX_LOT_NAME, error=InvalidLotName)


MAX_SERIES = 1_000_000
DEFAULT_WIDTH = 7
_LAST_NUMBER = re.compile(r"([0-9]+)([^0-9]*)\Z")


@dataclass(frozen=True, slots=True)
class Series:
    """A name cut around its last group of digits: ``prefix`` + number + ``suffix``.

    ``width`` is the zero padding of the number (its digit count in the name).
    """

    prefix: str
    number: int
    width: int
    suffix: str

    def name(self, number: int) -> str:
        """The name of ``number`` in this series; a number outgrowing the padding gets longer."""
        return self.prefix + str(number).zfill(self.width) + self.suffix


def split_series(name: str) -> Series:
    """Cut a name around its last group of digits; a name without digits counts from 0.

    SN0009 -> ("SN", 9, 4, ""); A1B -> ("A", 1, 1, "B"); ABC -> ("ABC", 0, 1, "").
    """
    found = _LAST_NUMBER.search(name)
    if found is None:
        return Series(name, 0, 1, "")
    digits = found.group(1)
    return Series(name[: found.start()], int(digits), len(digits), found.group(2))


def _series_count(count: object) -> int:
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_SERIES:
        raise InvalidQuantity(
            f"The number of lot/serial names to generate must be a whole number from 1 to "
            f"{MAX_SERIES:,}, not {described(count)}.",
            details={"field": "count", "value": as_text(count), "limit": MAX_SERIES},
        )
    return count


def _check_last(first: str, last: str, count: int) -> None:
    if len(last) > MAX_LOT_NAME:
        raise InvalidLotName(
            f"A series of {count:,} names from {first!r} would end with a name of "
            f"{len(last)} characters ({last[:20]!r}...); the limit is {MAX_LOT_NAME}. "
            "Shorten the first name or generate fewer.",
            details={"lot": first, "count": count, "length": len(last), "limit": MAX_LOT_NAME},
        )


def generate_names(first: str, count: int) -> list[str]:
    """The ``count`` names of the series starting at ``first`` (Odoo's First Lot/SN).

    The last group of digits counts upward keeping its zero padding; the text
    around it is kept. SN0009, 3 -> SN0009, SN0010, SN0011; ABC, 2 -> ABC0, ABC1.
    Raises InvalidLotName for a bad first name or a too long last name,
    InvalidQuantity (an InvalidInput) for a count outside 1..1,000,000.
    """
    count = _series_count(count)
    start = validate_lot_name(first)
    series = split_series(start)
    number = series.number
    _check_last(start, series.name(number + count - 1), count)
    prefix, width, suffix = series.prefix, series.width, series.suffix
    if suffix:
        return [prefix + str(n).zfill(width) + suffix for n in range(number, number + count)]
    return [prefix + str(n).zfill(width) for n in range(number, number + count)]


def next_name(name: str) -> str:
    """The name right after ``name`` in its series: SN0009 -> SN0010, ABC -> ABC1."""
    current = validate_lot_name(name)
    series = split_series(current)
    following = series.name(series.number + 1)
    _check_last(current, following, 2)
    return following


def default_first_serial(prefix: str | None, number: int = 1) -> str:
    """The first name of a new series: the prefix and ``number`` padded to 7 digits.

    "FG" -> "FG0000001"; None -> "0000001"; (None, 42) -> "0000042".
    """
    if not isinstance(number, int) or isinstance(number, bool) or number < 0:
        raise InvalidInput(
            f"A series number must be a whole number of 0 or more, not {described(number)}.",
            details={"field": "number", "value": str(number)},
        )
    return validate_lot_name(f"{prefix or ''}{number:0{DEFAULT_WIDTH}d}")


# --- split orders: WH/MO/00109 -> WH/MO/00109-001, -002, ... -999, -1000 ------------------

SPLIT_WIDTH = 3
_SPLIT_SUFFIX = re.compile(r"^(.*)-(\d{3,})$")


def split_name(base: str, index: int) -> str:
    """The name of split order ``index`` (from 1) of ``base``: WH/MO/00109, 2 -> WH/MO/00109-002.

    After -999 comes -1000.
    """
    return f"{base}-{index:0{SPLIT_WIDTH}d}"


def base_name(name: str) -> str:
    """The order a split order was cut from: WH/MO/00109-002 -> WH/MO/00109 (others unchanged)."""
    match = _SPLIT_SUFFIX.match(name)
    return match.group(1) if match else name


def split_key(name: str) -> tuple[str, int]:
    """Sort key putting split orders in split order (-999 before -1000); unsplit first."""
    match = _SPLIT_SUFFIX.match(name)
    return (match.group(1), int(match.group(2))) if match else (name, 0)
