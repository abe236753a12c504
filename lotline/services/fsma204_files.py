"""The FSMA 204 sortable spreadsheet as files: XLSX (with a sheet explaining the columns)
and CSV. Pure formatting of rows already read."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path

from lotline.services.fsma204 import COLUMNS, DOCUMENT_TYPES, HEADERS, Fsma204Row

EXPLANATIONS = (
    (
        "Critical Tracking Event",
        "Receiving (21 CFR 1.1345), Shipping (1.1340) or "
        "Transformation (1.1350). A transformation has one row per input lot used.",
    ),
    (
        "Traceability Lot Code (TLC)",
        "The lot or serial number of the food. For a transformation, the TLC of the food it made.",
    ),
    ("Product", "Our product code."),
    ("Product Description", "The product's name."),
    ("Quantity / Unit of Measure", "Quantity received, shipped or made in the product's unit."),
    ("Event Date", "The date the document was done (UTC), YYYY-MM-DD."),
    (
        "Location Description (this location)",
        "Our site where the event happened: name, "
        "address, city, state, postal code, country, phone and GLN when known.",
    ),
    (
        "Immediate Previous Source",
        "Receiving: the supplier the food came from, described the same way.",
    ),
    ("Immediate Subsequent Recipient", "Shipping: the customer the food went to."),
    (
        "TLC Source Location",
        "Where the TLC was assigned: the supplier of the lot's first "
        "receipt, or our site for a lot we made or counted into stock.",
    ),
    (
        "TLC Source Reference",
        "Instead of the TLC source location: a reference to it "
        "(an FDA Food Facility Registration, a URL, ...), when one was recorded for the lot.",
    ),
    (
        "Input TLC / Input Product / Input Product Description / Input Quantity / Input Unit",
        "Transformation: the lot of one food used, and how much of it.",
    ),
    (
        "Reference Document Type / Number",
        "The document that recorded the event: "
        + "; ".join(f"{kind}: {label}" for kind, label in DOCUMENT_TYPES.items())
        + ".",
    ),
    ("Order Reference", "The purchase or sales order the document came from, when given."),
    (
        "Missing KDEs",
        "The key data elements the rule asks for that are not recorded for "
        "this row (for example a partner without an address or phone). Empty when complete.",
    ),
)


def _text(value: object) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value else "0"
    return "" if value is None else str(value)


def to_csv(rows: Iterable[Fsma204Row]) -> str:
    """The spreadsheet as CSV text with a header line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADERS)
    writer.writerows([_text(getattr(row, column)) for column in COLUMNS] for row in rows)
    return out.getvalue()


def to_xlsx(rows: Sequence[Fsma204Row], path: str | Path) -> Path:
    """Write the spreadsheet (sheet "FSMA 204") and its explanations (sheet "Explanations")."""
    import xlsxwriter

    target = Path(path)
    book = xlsxwriter.Workbook(str(target), {"constant_memory": True})
    bold = book.add_format({"bold": True})
    sheet = book.add_worksheet("FSMA 204")
    sheet.write_row(0, 0, HEADERS, bold)
    numbers = {COLUMNS.index("quantity"), COLUMNS.index("input_quantity")}
    for number, row in enumerate(rows, start=1):
        for index, column in enumerate(COLUMNS):
            value = getattr(row, column)
            if index in numbers and value is not None:
                sheet.write_number(number, index, float(value))
            else:
                sheet.write_string(number, index, _text(value))
    sheet.autofilter(0, 0, max(len(rows), 1), len(COLUMNS) - 1)
    notes = book.add_worksheet("Explanations")
    notes.write_row(0, 0, ("Column", "Meaning"), bold)
    for number, (column, meaning) in enumerate(EXPLANATIONS, start=1):
        notes.write_row(number, 0, (column, meaning))
    book.close()
    return target
