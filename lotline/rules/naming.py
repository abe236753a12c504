"""Names of lots and serial numbers."""

from __future__ import annotations

import unicodedata

from lotline.errors import InvalidLotName

MAX_LOT_NAME = 128


def validate_lot_name(name: object) -> str:
    """Return the lot/serial name trimmed of surrounding spaces, or refuse it."""
    if not isinstance(name, str):
        raise InvalidLotName(f"A lot/serial number must be text, not {name!r}.")
    cleaned = name.strip()
    if not cleaned:
        raise InvalidLotName("A lot/serial number cannot be empty; type its name.")
    if len(cleaned) > MAX_LOT_NAME:
        raise InvalidLotName(
            f"The lot/serial number {cleaned[:20]!r}... has {len(cleaned)} characters; "
            f"the limit is {MAX_LOT_NAME}. Shorten it."
        )
    for position, char in enumerate(cleaned, start=1):
        if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp"):
            raise InvalidLotName(
                f"The lot/serial number {cleaned!r} contains the control character "
                f"U+{ord(char):04X} at position {position}; remove it "
                "(a scanner may have sent a separator)."
            )
    return cleaned
