"""Recall exports: CSV text and XLSX cells from recall rows, no database."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from lotline.models import RecallRow
from lotline.services.exports import RECALL_COLUMNS, to_csv, to_xlsx

DELIVERED = RecallRow(
    "CHAIR",
    "CH-1",
    "Partners/Customers",
    "Deco",
    "WH/OUT/1",
    datetime(2026, 3, 4, 5, 6, 7, 890),
    Decimal("1.50"),
)
CONSUMED = RecallRow("WOOD", "OAK-1", None, None, None, None, Decimal(0))


def test_csv_has_the_header_then_one_line_per_row_with_exact_quantities() -> None:
    lines = list(csv.reader(io.StringIO(to_csv([DELIVERED, CONSUMED]))))
    assert lines == [
        list(RECALL_COLUMNS),
        ["CHAIR", "CH-1", "Partners/Customers", "Deco", "WH/OUT/1", "2026-03-04 05:06:07", "1.5"],
        ["WOOD", "OAK-1", "", "", "", "", "0"],
    ]


def test_xlsx_keeps_dates_and_quantities_as_values(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = to_xlsx([DELIVERED, CONSUMED], tmp_path / "recall.xlsx")
    sheet = load_workbook(path).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == list(RECALL_COLUMNS)
    assert rows[1][:5] == ["CHAIR", "CH-1", "Partners/Customers", "Deco", "WH/OUT/1"]
    assert rows[1][5].replace(microsecond=0) == datetime(2026, 3, 4, 5, 6, 7)
    assert Decimal(str(rows[1][6])) == Decimal("1.5")
    assert rows[2] == ["WOOD", "OAK-1", None, None, None, None, 0]
