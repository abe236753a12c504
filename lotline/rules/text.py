"""The one rule for text a user types: names, partners, references, reasons.

Text is trimmed; it must fit its limit and hold no character a database or a
label cannot carry safely: control characters (NUL, tab, newline, the GS a
scanner sends), format characters, line or paragraph separators, and lone
surrogates (which no database can encode).
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from lotline.errors import InvalidInput, LotlineError

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


def printable(text: str) -> str:
    """``text`` with what UTF-8 cannot carry (lone surrogates) written as escapes."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def described(value: object, limit: int = 40) -> str:
    """Any value a caller gave, as a message shows it: short, and never failing.

    A huge number is described by its size (Python refuses to write one of more
    than 4300 digits); text is quoted with its unprintable characters escaped.
    """
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 100:
        return f"{'-' if value < 0 else ''}a number of {value.bit_length()} bits"
    if isinstance(value, str):
        return shown(printable(value), limit)
    try:
        text = repr(value)
    except Exception:
        text = f"a {type(value).__name__}"
    return text if len(text) <= limit else text[:limit] + "..."


def clean_text(
    value: object,
    what: str,
    *,
    limit: int,
    required: bool = True,
    error: type[InvalidInput] = InvalidInput,
    multiline: bool = False,
) -> str | None:
    """``value`` trimmed, or ``error`` naming ``what`` and the problem.

    An empty value is refused when ``required``, else returned as None. A
    ``multiline`` text (a note) may hold line breaks and tabs.
    """
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise error(f"The {what} must be text, not {described(value)}.", details={"field": what})
    cleaned = value.strip()
    if not cleaned:
        if required:
            raise error(f"The {what} cannot be empty.", details={"field": what})
        return None
    if len(cleaned) > limit:
        raise error(
            f"The {what} {shown(printable(cleaned), 20)} has {len(cleaned)} characters; "
            f"the limit is {limit}.",
            details={"field": what, "length": len(cleaned), "limit": limit},
        )
    spaced = cleaned.replace("\r\n", " ").replace("\n", " ").replace("\t", " ")
    bad = bad_character(spaced if multiline else cleaned)
    if bad is not None:
        position, char = bad
        raise error(
            f"The {what} {shown(printable(cleaned))} contains "
            f"the control character U+{ord(char):04X} at position {position}; remove it.",
            details={"field": what, "position": position, "character": f"U+{ord(char):04X}"},
        )
    return cleaned


def plain_text(value: object, what: str) -> str:
    """``value`` when it is text, of any content (a text box whose lines have their own rule)."""
    if not isinstance(value, str):
        raise InvalidInput(
            f"The {what} must be text, not {described(value)}.", details={"field": what}
        )
    return value


def required_text(
    value: object, what: str, *, limit: int, error: type[InvalidInput] = InvalidInput
) -> str:
    """``clean_text`` of a value that must be given."""
    cleaned = clean_text(value, what, limit=limit, error=error)
    assert cleaned is not None
    return cleaned


def as_text(value: object, limit: int = 200) -> str:
    """Any value a caller gave, as ``details`` carry it: its text, printable (and bounded,
    unless it is text)."""
    if isinstance(value, str):
        return printable(value)
    huge = isinstance(value, int) and value.bit_length() > 100
    if isinstance(value, int | float | Decimal) and not huge:
        return str(value)
    return described(value, limit)


def lookup_text(
    value: object, what: str, *, limit: int, error: type[LotlineError], key: str
) -> str:
    """``value`` trimmed, as a lookup compares it with stored names; the text rule's
    lookup variant.

    What no stored name can equal (not text, longer than ``limit``, a character the
    text rule refuses) is refused here with ``error`` (the lookup's NotFound),
    ``details[key]`` holding it printable, and never reaches the database.
    """
    if not isinstance(value, str):
        raise error(
            f"A {what} is given as text, not {described(value)}.",
            details={key: described(value)},
        )
    cleaned = value.strip()
    bad = bad_character(cleaned)
    if len(cleaned) > limit or bad is not None:
        why = (
            f"it has {len(cleaned)} characters, more than any {what} ({limit})"
            if bad is None
            else f"a {what} holds no control character such as U+{ord(bad[1]):04X}"
        )
        raise error(
            f"There is no {what} {shown(printable(cleaned))}: {why}.",
            details={key: printable(cleaned)},
        )
    return cleaned
