"""Pasted and imported lists of lots/serials ("Import Serials/Lots").

One entry per line (or row): a name, optionally followed by a quantity after
``;``, ``,`` or a tab. Every problem is reported at once, with its line number.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path

from lotline.errors import InvalidInput, InvalidList, InvalidLotName, InvalidQuantity
from lotline.rules.naming import validate_lot_name
from lotline.rules.quantities import positive_quantity

_SEPARATOR = re.compile(r"[;,\t]")
_HEADER_WORDS = {"name", "lot", "lots", "serial", "serials", "lot/serial number", "serial number"}


def parse_list(text: str, *, serial: bool = False) -> list[tuple[str, Decimal]]:
    """(name, quantity) pairs from pasted text; "abc;4" is lot abc with 4 units."""
    if not isinstance(text, str):
        raise InvalidInput("A list of lots/serial numbers must be text, one per line.")
    rows: list[tuple[int, Sequence[object]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        rows.append((number, [cell.strip() for cell in _SEPARATOR.split(line, maxsplit=1)]))
    return _validated(rows, serial=serial)


def parse_rows(
    rows: Iterable[Sequence[object]], *, serial: bool = False
) -> list[tuple[str, Decimal]]:
    """The same rules for rows of cells (CSV, XLSX): the name, then an optional quantity."""
    numbered = [
        (number, row)
        for number, row in enumerate(rows, start=1)
        if row and any(cell not in (None, "") for cell in row)
    ]
    return _validated(numbered, serial=serial)


def read_serials_file(path: str | Path, *, serial: bool = False) -> list[tuple[str, Decimal]]:
    """Read a .csv or .xlsx file (a header row such as "name;quantity" is skipped),
    or any other file as pasted text."""
    file = Path(path)
    if not file.is_file():
        raise InvalidInput(f"The file {str(file)!r} does not exist; check the path.")
    suffix = file.suffix.lower()
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(file, read_only=True, data_only=True)
        try:
            sheet_rows = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
        finally:
            book.close()
        return parse_rows(_without_header(sheet_rows), serial=serial)
    if suffix == ".csv":
        content = file.read_text(encoding="utf-8-sig")
        dialect = csv.Sniffer().sniff(content[:2048], delimiters=";,\t") if content else None
        csv_rows: list[list[object]] = [
            list(row) for row in csv.reader(content.splitlines(), dialect or csv.excel)
        ]
        return parse_rows(_without_header(csv_rows), serial=serial)
    return parse_list(file.read_text(encoding="utf-8-sig"), serial=serial)


def _without_header(rows: list[list[object]]) -> list[list[object]]:
    if rows and rows[0] and str(rows[0][0] or "").strip().lower() in _HEADER_WORDS:
        return [[None], *rows[1:]]
    return rows


def _cell_quantity(cell: object) -> object:
    if isinstance(cell, float):
        return Decimal(repr(cell))
    if isinstance(cell, str):
        return cell.strip()
    return cell


def _validated(
    rows: Sequence[tuple[int, Sequence[object]]], *, serial: bool
) -> list[tuple[str, Decimal]]:
    problems: list[str] = []
    result: list[tuple[str, Decimal]] = []
    first_seen: dict[str, int] = {}
    for number, cells in rows:
        raw_name = cells[0] if cells else None
        name_text = "" if raw_name is None else str(raw_name)
        try:
            name = validate_lot_name(name_text)
        except InvalidLotName as exc:
            problems.append(f"line {number}: {exc}")
            continue
        quantity = Decimal(1)
        raw_quantity = cells[1] if len(cells) > 1 else None
        if raw_quantity not in (None, ""):
            try:
                quantity = positive_quantity(
                    _cell_quantity(raw_quantity), what=f"quantity of {name}"
                )
            except InvalidQuantity as exc:
                problems.append(f"line {number}: {exc}")
                continue
        if serial and quantity != 1:
            problems.append(
                f"line {number}: serial number {name} has quantity {quantity}; "
                "a serial number is one unit."
            )
            continue
        if name in first_seen:
            problems.append(
                f"line {number}: {name!r} is repeated (first on line {first_seen[name]})"
            )
            continue
        first_seen[name] = number
        result.append((name, quantity))
    if problems:
        raise InvalidList(problems)
    if not result:
        raise InvalidInput("The list is empty; give one lot/serial number per line.")
    return result
