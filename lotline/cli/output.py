"""Listings for people and for pipes: a table, CSV or JSON, written row by row.

A table on a terminal is drawn by Rich when it is small enough to draw quickly;
otherwise (piped, redirected, or many rows) it is plain text whose columns are as
wide as their widest cell, so no name or reference is ever cut. CSV and JSON
carry exact values: quantities as written (never floats), dates in ISO 8601.
CSV has a UTF-8 byte order mark and CRLF line ends only with --excel, so that
pipes and other programs get plain UTF-8.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from itertools import islice
from typing import Annotated, Any, Generic, TextIO, TypeVar

import typer

R = TypeVar("R")

RICH_ROWS = 500
"""Above this many rows a terminal gets the plain table too: Rich takes seconds per 10,000."""


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


FormatOption = Annotated[
    Format,
    typer.Option("--format", help="table (for people), csv or json (for programs)"),
]
LimitOption = Annotated[
    int | None, typer.Option("--limit", min=1, help="Show at most this many rows")
]
ExcelOption = Annotated[
    bool,
    typer.Option("--excel", help="CSV for Excel: UTF-8 with a byte order mark, CRLF (implies csv)"),
]


@dataclass(frozen=True, slots=True)
class Column(Generic[R]):
    """One column of a listing: its title, its JSON key and how to read it from a row."""

    title: str
    key: str
    value: Callable[[R], Any]
    right: bool = False
    in_table: bool = True


@dataclass(frozen=True, slots=True)
class Listing:
    """How to write a listing: the format, the row limit, and whether the CSV is for Excel."""

    format: Format = Format.table
    limit: int | None = None
    excel: bool = False

    @property
    def for_people(self) -> bool:
        return self.format is Format.table and not self.excel


def listing(format: Format, limit: int | None, excel: bool = False) -> Listing:
    return Listing(Format.csv if excel else format, limit, excel)


def quantity_text(value: Decimal) -> str:
    """A quantity as people write it: 40, 2.5 (never 40.000000 or 4E+1)."""
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def date_text(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def _text(value: Any) -> str:
    """A cell as a table shows it."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return quantity_text(value)
    if isinstance(value, datetime):
        return date_text(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(_text(v) for v in value)
    return str(value)


def plain(value: Any) -> Any:
    """A cell as CSV and JSON carry it: exact quantities, ISO dates."""
    if isinstance(value, Decimal):
        return quantity_text(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _csv_cell(value: Any) -> Any:
    carried = plain(value)
    if isinstance(carried, list):
        return ", ".join(str(v) for v in carried)
    return "" if carried is None else carried


def write(
    rows: Iterable[R],
    columns: Sequence[Column[R]],
    how: Listing,
    *,
    title: str = "",
    out: TextIO | None = None,
) -> int:
    """Write ``rows`` in the chosen format; returns how many rows were written.

    A reader that goes away (``| head``) ends the command quietly.
    """
    try:
        return _write(rows, columns, how, title, out or sys.stdout)
    except BrokenPipeError:
        from lotline.cli.common import reader_gone

        reader_gone()


def _write(
    rows: Iterable[R], columns: Sequence[Column[R]], how: Listing, title: str, stream: TextIO
) -> int:
    limited: Iterable[R] = islice(rows, how.limit) if how.limit else rows
    if how.format is Format.json:
        return _write_json(limited, columns, stream)
    if how.format is Format.csv:
        return _write_csv(limited, columns, stream, excel=how.excel)
    shown = [c for c in columns if c.in_table]
    cells = [[_text(c.value(row)) for c in shown] for row in limited]
    if stream.isatty() and len(cells) <= RICH_ROWS:
        _write_rich(cells, shown, title)
    else:
        _write_plain(cells, shown, title, stream)
    return len(cells)


def _write_json(rows: Iterable[R], columns: Sequence[Column[R]], out: TextIO) -> int:
    count = 0
    out.write("[")
    for row in rows:
        item = {c.key: plain(c.value(row)) for c in columns}
        out.write(("," if count else "") + "\n" + json.dumps(item, ensure_ascii=False))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def _write_csv(rows: Iterable[R], columns: Sequence[Column[R]], out: TextIO, excel: bool) -> int:
    if excel:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n" if excel else "\n")
    writer.writerow([c.title for c in columns])
    count = 0
    for row in rows:
        writer.writerow([_csv_cell(c.value(row)) for c in columns])
        count += 1
    return count


def _write_plain(
    cells: Sequence[Sequence[str]], columns: Sequence[Column[Any]], title: str, out: TextIO
) -> None:
    """Columns padded to their widest cell, two spaces apart; nothing is ever cut."""
    widths = [len(c.title) for c in columns]
    for line in cells:
        widths = [max(w, len(cell)) for w, cell in zip(widths, line, strict=True)]

    def render(line: Sequence[str]) -> str:
        padded = (
            cell.rjust(width) if column.right else cell.ljust(width)
            for cell, width, column in zip(line, widths, columns, strict=True)
        )
        return "  ".join(padded).rstrip() + "\n"

    if title:
        out.write(title + "\n")
    out.write(render([c.title for c in columns]))
    out.write(render(["-" * w for w in widths]))
    out.writelines(_rendered(cells, render))


def _rendered(
    cells: Iterable[Sequence[str]], render: Callable[[Sequence[str]], str]
) -> Iterator[str]:
    for line in cells:
        yield render(line)


def _write_rich(cells: Sequence[Sequence[str]], columns: Sequence[Column[Any]], title: str) -> None:
    from rich.table import Table
    from rich.text import Text

    from lotline.cli.common import console

    table = Table(title=title or None)
    for column in columns:
        table.add_column(column.title, justify="right" if column.right else "left")
    for line in cells:
        table.add_row(*(Text(cell) for cell in line))
    console().print(table)
