"""The one rule for text a user types: names, partners, references, reasons.

Text is trimmed; it must fit its limit and hold no character a database or a
label cannot carry safely: control characters (NUL, tab, newline, the GS a
scanner sends), format characters, line or paragraph separators, and lone
surrogates (which no database can encode).
"""

from __future__ import annotations

import unicodedata

from lotline.errors import InvalidInput

_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def bad_character(text: str) -> tuple[int, str] | None:
    """The first refused character of ``text`` as (1-based position, character), or None."""
    for position, char in enumerate(text, start=1):
        if unicodedata.category(char) in _REFUSED_CATEGORIES:
            return position, char
    return None


def shown(text: str, limit: int = 40) -> str:
    """``text`` as a message quotes it: repr, cut after ``limit`` characters."""
    return repr(text) if len(text) <= limit else repr(text[:limit]) + "..."


def clean_text(
    value: object,
    what: str,
    *,
    limit: int,
    required: bool = True,
    error: type[InvalidInput] = InvalidInput,
) -> str | None:
    """``value`` trimmed, or ``error`` naming ``what`` and the problem.

    An empty value is refused when ``required``, else returned as None.
    """
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise error(f"The {what} must be text, not {shown(repr(value))}.", details={"field": what})
    cleaned = value.strip()
    if not cleaned:
        if required:
            raise error(f"The {what} cannot be empty.", details={"field": what})
        return None
    if len(cleaned) > limit:
        raise error(
            f"The {what} {shown(cleaned, 20)} has {len(cleaned)} characters; the limit is {limit}.",
            details={"field": what, "length": len(cleaned), "limit": limit},
        )
    bad = bad_character(cleaned)
    if bad is not None:
        position, char = bad
        raise error(
            f"The {what} {shown(cleaned.encode('utf-8', 'backslashreplace').decode())} contains "
            f"the control character U+{ord(char):04X} at position {position}; remove it.",
            details={"field": what, "position": position, "character": f"U+{ord(char):04X}"},
        )
    return cleaned


def required_text(
    value: object, what: str, *, limit: int, error: type[InvalidInput] = InvalidInput
) -> str:
    """``clean_text`` of a value that must be given."""
    cleaned = clean_text(value, what, limit=limit, error=error)
    assert cleaned is not None
    return cleaned
