"""How the command line reads lots and serial numbers given as options.

``--lot NAME:QTY`` splits at the last colon only when what follows it is a
quantity written the plain way (3, 2.5, 0.25: no sign, no exponent, no leading
zero), so ``--lot 2026:01`` is the lot "2026:01" and ``--lot A:B:3`` is 3 of
the lot "A:B". A name that itself ends in ":NUMBER" is given with its quantity:
``--lot 10:30:5``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from lotline.errors import InvalidInput

_QUANTITY = re.compile(r"(?:0|[1-9][0-9]*)(?:\.[0-9]+)?|\.[0-9]+")

LotsOption = Annotated[
    list[str] | None,
    typer.Option(
        "--lot", help="NAME:QTY (repeat for several lots); NAME alone takes the whole quantity"
    ),
]
SerialsOption = Annotated[
    str | None, typer.Option("--serials", help="Serial numbers separated by commas: A,B,C")
]
FileOption = Annotated[
    Path | None, typer.Option("--serials-file", help="CSV, XLSX or text file of serials")
]
ScanOption = Annotated[
    list[str] | None,
    typer.Option("--scan", help="A scanned barcode (GS1 label or typed name); repeat per scan"),
]


def split_lot(item: str) -> tuple[str, str | None]:
    """(NAME, QTY) of ``NAME:QTY`` when QTY is a plain quantity; else (item, None)."""
    name, sep, tail = item.rpartition(":")
    if sep and name.strip() and _QUANTITY.fullmatch(tail.strip()):
        return name, tail.strip()
    return item, None


def lots_with_quantities(items: Sequence[str], whole: str | None) -> dict[str, str]:
    """{name: quantity} of repeated --lot options; a lone NAME takes ``whole``.

    Without ``whole`` (no line quantity) a NAME alone is one unit.
    """
    lots: dict[str, str] = {}
    for item in items:
        name, amount = split_lot(item)
        if amount is None:
            if whole is not None and len(items) > 1:
                raise InvalidInput(
                    f"--lot {item} has no quantity; with several lots write NAME:QTY.",
                    details={"lot": item},
                )
            amount = whole if whole is not None else "1"
        if name.strip() in lots:
            raise InvalidInput(
                f"--lot {name.strip()} is given twice; give each lot once with its quantity.",
                details={"lot": name.strip()},
            )
        lots[name.strip()] = amount
    return lots


def serial_list(text: str) -> list[str]:
    """Serial numbers separated by commas, blanks dropped."""
    return [s for s in (part.strip() for part in text.split(",")) if s]


def lots_given(
    quantity: str | None,
    lot: Sequence[str] | None = None,
    serials: str | None = None,
    serials_file: Path | None = None,
    scan: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The lots of one line, from whichever way they were given (at most one):
    {"lots": {...} | [...]} or {"scans": [...]}; {} when none was."""
    from lotline.files import read_serials_file

    given = [
        option
        for option, value in (
            ("--lot", lot),
            ("--serials", serials),
            ("--serials-file", serials_file),
            ("--scan", scan),
        )
        if value
    ]
    if len(given) > 1:
        raise InvalidInput(f"Give lots in one way only, not {' and '.join(given)}.")
    if lot:
        return {"lots": lots_with_quantities(lot, quantity)}
    if serials:
        return {"lots": serial_list(serials)}
    if serials_file:
        return {"lots": read_serials_file(serials_file, serial=True)}
    if scan:
        return {"scans": list(scan)}
    return {}
