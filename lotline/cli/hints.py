"""What the command line adds after a refusal: the command that helps, by error code.

Messages say what is wrong in the operator's words and name no command (see
docs/errors.md); the command line knows its own commands, so it adds them here.
A hint reads the error's ``details`` (product, lot, location, document ...);
values put into a command are quoted for the shell, and a value not given
shows as a placeholder such as CODE.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Mapping
from typing import Any

from lotline.errors import LotlineError

Details = Mapping[str, Any]
Hint = Callable[[Details], str | None]


def hint_for(error: LotlineError) -> str | None:
    """The command-line hint for ``error``, or None when its message says it all."""
    hint = HINTS.get(error.code)
    return hint(error.details) if hint is not None else None


def _arg(details: Details, key: str, placeholder: str) -> str:
    """``details[key]`` quoted for the shell, or ``placeholder`` when it is not given."""
    value = details.get(key)
    return shlex.quote(value) if isinstance(value, str) and value.strip() else placeholder


def _groups(document: object) -> list[str]:
    """The command groups that list a document like ``document`` (both when unsure).

    No group for an adjustment or scrap (INV/..., SP/...): no command lists those.
    """
    name = document if isinstance(document, str) else ""
    if "/MO/" in name:
        return ["mo"]
    if any(f"/{kind}/" in name for kind in ("IN", "OUT", "INT")):
        return ["transfers"]
    if name.startswith(("INV/", "SP/")):
        return []
    return ["transfers", "mo"]


def _unknown_product(d: Details) -> str:
    if "gtin" in d and "product" not in d:
        gtin = _arg(d, "gtin", "GTIN")
        return f"Create the product with `lotline products add CODE NAME --gtin {gtin}`."
    return (
        f"Create it with `lotline products add {_arg(d, 'product', 'CODE')} NAME`; "
        "`lotline products list` shows the codes."
    )


def _unknown_document(d: Details) -> str:
    groups = _groups(d.get("document"))
    if not groups:
        return "`lotline history PRODUCT` shows a product's moves with their documents."
    shown = " / ".join(f"`lotline {group} list`" for group in groups)
    return f"{shown} show{'s' if len(groups) == 1 else ''} them."


def _not_found(d: Details) -> str:
    # Bills of materials are the one thing raised as a plain NotFound.
    product = _arg(d, "product", "PRODUCT")
    if "product" in d and "bom" not in d:
        return f"Add one with `lotline bom add {product} COMPONENT:QTY`."
    return f"`lotline bom list {product}` shows the bills of materials of a product."


def _is_order(d: Details) -> bool:
    return _groups(d.get("document")) == ["mo"]


def _invalid_input(d: Details) -> str | None:
    if _is_order(d) and d.get("tracking") in ("none", "lot"):
        return (
            f"`lotline mo produce {_arg(d, 'document', 'NAME')}` produces it all "
            "(--quantity for part of it)."
        )
    if d.get("tracking") == "none" and "product" in d:
        product = _arg(d, "product", "CODE")
        return f"`lotline products set-tracking {product} lot` (or serial) tracks it."
    return None


def _invalid_state(d: Details) -> str | None:
    product = _arg(d, "product", "CODE")
    if "document" in d:
        groups = _groups(d["document"])
        if not groups:
            return None
        return f"`lotline {groups[0]} show {_arg(d, 'document', 'NAME')}` shows its state."
    if "tracking" in d and "location" in d:
        return f"`lotline adjust {product} {_arg(d, 'location', 'LOCATION')} 0` sets it to 0."
    if "location" in d and "product" in d:
        return f"`lotline stock-untracked --product {product}` shows where that stock is."
    return None


def _serial_taken(d: Details) -> str | None:
    if _is_order(d):
        return (
            f"`lotline mo lot {_arg(d, 'document', 'NAME')} --generate` sets the next "
            "available serial number."
        )
    if "lot" in d:
        return (
            f"`lotline lots show {_arg(d, 'product', 'CODE')} {_arg(d, 'lot', 'SERIAL')}` "
            "shows where it is."
        )
    return None


def _setting_required(d: Details) -> str:
    if d.get("tracked"):
        return "`lotline products set-tracking CODE none` stops tracking a product."
    option = (
        "--expiration-dates" if d.get("setting") == "expiration_dates" else "--lots-and-serials"
    )
    return f"Turn it on with `lotline settings {option} on`."


def _serials_required(d: Details) -> str:
    first = _arg(d, "first", "SERIAL")
    count = d.get("count") if isinstance(d.get("count"), int) else "N"
    return (
        f"Give --first-serial and --count (Batch Production): `lotline mo produce "
        f"{_arg(d, 'document', 'NAME')} --first-serial {first} --count {count}`."
    )


def _partial(d: Details) -> str:
    available, wanted = d.get("available"), d.get("quantity")
    done = f"the {available} available" if isinstance(available, str) else "what is available"
    rest = f"the other {_rest(available, wanted)}" if _rest(available, wanted) else "the rest"
    return (
        f"Run the command again with --backorder to do {done} and keep {rest} in a "
        f"backorder, or with --no-backorder to drop {rest}."
    )


def _rest(available: object, wanted: object) -> str | None:
    from decimal import Decimal, InvalidOperation

    try:
        rest = Decimal(str(wanted)) - Decimal(str(available))
    except (InvalidOperation, ValueError):
        return None
    return format(rest.normalize(), "f")


def _database_not_found(d: Details) -> str:
    database = _arg(d, "database", "URL")
    return (
        f"`lotline --db {database} init` creates a new database there; --db or LOTLINE_DB "
        "chooses another one."
    )


def _text(text: str) -> Hint:
    return lambda _details: text


HINTS: dict[str, Hint] = {
    "invalid_input": _invalid_input,
    "lot_required": _text(
        "Name the lot or serial number with --lot; receive, deliver and move also take "
        "--serials, --first-serial with --count, or --serials-file."
    ),
    "not_found": _not_found,
    "unknown_product": _unknown_product,
    "unknown_location": _text(
        "`lotline locations list` shows them all; `lotline locations add` creates one."
    ),
    "unknown_lot": lambda d: (
        f"`lotline lots list --product {_arg(d, 'product', 'CODE')}` shows its lots."
    ),
    "unknown_document": _unknown_document,
    "unknown_count": _text("`lotline counts` lists the pending counts."),
    "duplicate_product": _text("`lotline products list` shows the products and their GTINs."),
    "duplicate_location": _text("`lotline locations list` shows them all."),
    "duplicate_lot": lambda d: (
        f"`lotline lots list --product {_arg(d, 'product', 'CODE')}` shows its lots."
    ),
    "conflict": lambda d: _serial_taken(d) if "lot" in d else None,
    "serial_already_in_stock": _serial_taken,
    "insufficient_stock": lambda d: (
        f"`lotline stock --product {_arg(d, 'product', 'CODE')}` shows what is on hand and where."
    ),
    "setting_required": _setting_required,
    "invalid_state": _invalid_state,
    "outdated_count": _text(
        "Apply with --force (`lotline counts --apply --force`) or count again "
        "(`lotline count PRODUCT LOCATION QUANTITY`)."
    ),
    "serials_required": _serials_required,
    "database_unavailable": _text(
        "Give the database with --db or LOTLINE_DB, e.g. sqlite:///lotline.db or "
        "postgresql://user@host/dbname."
    ),
    "database_not_found": _database_not_found,
    "database_busy": _text(
        "Readers never wait; a write waits for the one in progress. Run the command again "
        "when the other one has finished."
    ),
    "database_read_only": _text(
        "Commands that only read still work. To record changes, get write access to the "
        "database, or copy the file somewhere you may write and give the copy with --db."
    ),
    "concurrent_update": _text("Run the command again."),
    "partial_transfer": _partial,
}
