"""Exports of lotline's lists to files other programs read: the recall list as CSV or XLSX.

Pure formatting of rows already read; no database. The future home of every
export (EPCIS events included), so that services that read data do not also
write file formats.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from lotline.models import RecallRow
from lotline.rules.inputs import instances_of, items_of

RECALL_COLUMNS = ("Product", "Lot/Serial Number", "Location", "Partner", "Document", "Date", "Qty")

Cell = str | datetime | Decimal | None


def _recall_cells(row: RecallRow) -> tuple[Cell, ...]:
    """One recall row in the order of RECALL_COLUMNS, empty text for what is unknown."""
    return (
        row.product,
        row.lot,
        row.location or "",
        row.partner or "",
        row.document or "",
        row.date,
        row.quantity,
    )


def _as_text(cell: Cell) -> str:
    if isinstance(cell, datetime):
        return cell.isoformat(sep=" ", timespec="seconds")
    if isinstance(cell, Decimal):
        return format(cell.normalize(), "f") if cell else "0"
    return cell or ""


def to_csv(rows: Iterable[RecallRow]) -> str:
    """The recall list as CSV text with a header line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(RECALL_COLUMNS)
    writer.writerows([_as_text(cell) for cell in _recall_cells(row)] for row in _rows(rows))
    return out.getvalue()


def to_xlsx(rows: Sequence[RecallRow], path: str | Path) -> Path:
    """Write the recall list to an Excel workbook; returns its path."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Recall"
    sheet.append(RECALL_COLUMNS)
    for row in _rows(rows):
        sheet.append(list(_recall_cells(row)))
    target = Path(path)
    book.save(target)
    return target


def _rows(rows: object) -> list[RecallRow]:
    """The rows given, each a recall row as the recall list reads them."""
    return instances_of(items_of(rows, "recall rows"), RecallRow, "recall rows", "a recall row")
