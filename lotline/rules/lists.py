"""Pasted and imported lists of lots/serial numbers (Odoo's "Import Serials/Lots").

One entry per line (or file row): a name, optionally followed by its quantity
in a second column. Pasted text separates the columns with a tab (cells copied
from a spreadsheet), ``;`` or ``,``: the first of these found in the line, in
that order, so a name containing a comma needs a tab or ``;`` before its
quantity. A line without a quantity is one unit. Every problem of the list is
reported at once in one ``InvalidList``, each with its 1-based line number.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal

from lotline.errors import (
    InvalidInput,
    InvalidList,
    InvalidLotName,
    InvalidQuantity,
    describe_quantity,
)
from lotline.rules.naming import validate_lot_name
from lotline.rules.quantities import ONE, positive_quantity
from lotline.rules.text import described

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_COLUMN_SEPARATORS = ("\t", ";", ",")
HEADER_NAMES = frozenset(
    {
        "name",
        "names",
        "lot",
        "lots",
        "serial",
        "serials",
        "sn",
        "lot name",
        "lot number",
        "serial number",
        "serial numbers",
        "lot/serial",
        "lot/serial number",
        "lot/serial numbers",
    }
)

Entry = tuple[str, Decimal]


def parse_list(text: str, *, serial: bool = False) -> list[Entry]:
    """(name, quantity) pairs, in order, from pasted text: "abc;4" is abc with 4 units.

    Blank lines are dropped and cells trimmed. With ``serial`` every quantity
    must be 1. Raises InvalidList with every bad line (bad or repeated name, bad
    quantity), or InvalidInput when there is no name at all.
    """
    if not isinstance(text, str):
        raise InvalidInput(
            f"A list of lots/serial numbers must be text, one per line, not {described(text)}.",
            details={"field": "list"},
        )
    return _validated(
        ((number, _split_line(line)) for number, line in enumerate(_LINE_BREAK.split(text), 1)),
        serial=serial,
    )


def parse_rows(
    rows: Iterable[Sequence[object]], *, serial: bool = False, start: int = 1
) -> list[Entry]:
    """The rules of ``parse_list`` for rows of cells (CSV, XLSX): a name, then a quantity.

    Cells may be text, int, Decimal or float (as openpyxl reads numbers; a float
    is taken as its shortest repr, so 2.5 is exactly 2.5). Empty rows are
    dropped. ``start`` is the file row number of the first row, for messages.
    """
    return _validated(enumerate(rows, start), serial=serial)


def parse_sheet(rows: Sequence[Sequence[object]], *, serial: bool = False) -> list[Entry]:
    """``parse_rows`` for the rows of a whole sheet (CSV or XLSX), skipping its header.

    The first row is a header when its first cell is a column title such as "name",
    "lot", "serial" or "serial number" (any case) and its second cell, if any, is
    not a number. Row numbers in messages are the sheet's rows.
    """
    if rows and _is_header(rows[0]):
        return parse_rows(rows[1:], serial=serial, start=2)
    return parse_rows(rows, serial=serial)


def parse_csv(content: str, *, serial: bool = False) -> list[Entry]:
    """``parse_sheet`` of CSV text whose column separator (``,``, ``;`` or tab) is detected."""
    return parse_sheet(_csv_rows(content), serial=serial)


def _split_line(line: str) -> list[str]:
    for separator in _COLUMN_SEPARATORS:
        if separator in line:
            return [cell.strip() for cell in line.split(separator)]
    return [line.strip()]


def _csv_rows(content: str) -> list[list[object]]:
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            content[:8192], delimiters=",;\t"
        )
    except csv.Error:
        dialect = csv.excel
    return [list(row) for row in csv.reader(io.StringIO(content), dialect)]


def _is_header(row: Sequence[object]) -> bool:
    if not row or not isinstance(row[0], str):
        return False
    title = " ".join(row[0].replace("_", " ").lower().split())
    if title not in HEADER_NAMES:
        return False
    second = row[1] if len(row) > 1 else None
    if second is None or isinstance(second, bool):
        return True
    if isinstance(second, int | float | Decimal):
        return False
    try:
        Decimal(str(second).strip())
    except ArithmeticError:
        return True
    return False


def _is_blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _name_text(cell: object) -> object:
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, int | float | Decimal):
        return str(cell)
    return cell


def _quantity_value(cell: object) -> object:
    if isinstance(cell, float):
        return repr(cell)
    return cell


def _validated(rows: Iterable[tuple[int, Sequence[object]]], *, serial: bool) -> list[Entry]:
    problems: list[str] = []
    entries: list[Entry] = []
    first_line: dict[str, int] = {}
    for number, checked in _checked(rows, serial=serial):
        if isinstance(checked, str):
            problems.append(f"line {number}: {checked}")
            continue
        name = checked[0]
        if name in first_line:
            problems.append(
                f"line {number}: {name!r} is repeated (first on line {first_line[name]})"
            )
            continue
        first_line[name] = number
        entries.append(checked)
    if problems:
        raise InvalidList(problems)
    if not entries:
        raise InvalidInput(
            "The list is empty; give one lot/serial number per line.", details={"field": "list"}
        )
    return entries


def _checked(
    rows: Iterable[tuple[int, Sequence[object]]], *, serial: bool
) -> Iterator[tuple[int, str | Entry]]:
    """Each non-blank row as (row number, its problem or its entry)."""
    for number, row in rows:
        cells = list(row)
        while cells and _is_blank(cells[-1]):
            cells.pop()
        if not cells:
            continue
        if len(cells) > 2:
            yield (
                number,
                f"it has {len(cells)} columns; give the name and at most its quantity "
                "(a tab, ';' or ',' between them).",
            )
            continue
        try:
            name = validate_lot_name(_name_text(cells[0]))
        except InvalidLotName as exc:
            yield number, str(exc)
            continue
        quantity = ONE
        if len(cells) == 2:
            try:
                quantity = positive_quantity(_quantity_value(cells[1]))
            except InvalidQuantity as exc:
                yield number, str(exc)
                continue
        if serial and quantity != ONE:
            yield (
                number,
                f"{name!r} is a serial number, one unit, not {describe_quantity(quantity)}; "
                "give each serial number on its own line.",
            )
            continue
        yield number, (name, ONE if serial else quantity)
