"""FSMA 204: the sortable spreadsheet's rows, its files, one step back and forward."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from lotline.app import Lotline
from lotline.services.fsma204 import HEADERS, Fsma204Row
from tests.standards_support import food_chain

WH = "WH, 5 Depot St, Springfield, IL 62701, US; phone +1 217 555 0199; GLN 0614141000012"
FARM = "Green Farms, 1 Field Rd, Salinas, CA 93901, US; phone +1 831 555 0100; GLN 0614141000029"


def _rows(app: Lotline) -> tuple[dict[str, str], list[Fsma204Row]]:
    names = food_chain(app)
    return names, app.exports.fsma204()


def test_a_receipt_gives_one_receiving_row_per_lot_with_its_kdes(app: Lotline) -> None:
    names, rows = _rows(app)
    receiving = [r for r in rows if r.event == "Receiving"]
    assert [(r.traceability_lot_code, r.quantity, r.unit) for r in receiving] == [
        ("LT-1", Decimal(20), "kg"),
        ("LT/2", Decimal(10), "kg"),
    ]
    row = receiving[0]
    assert row == Fsma204Row(
        event="Receiving",
        traceability_lot_code="LT-1",
        product="LETTUCE",
        product_description="Romaine lettuce",
        quantity=Decimal(20),
        unit="kg",
        event_date=row.event_date,
        location_description=WH,
        previous_source=FARM,
        next_recipient="",
        tlc_source=FARM,
        tlc_source_reference="",
        input_lot_code="",
        input_product="",
        input_product_description="",
        input_quantity=None,
        input_unit="",
        reference_document_type="Receipt",
        reference_document_number=names["receipt"],
        order_reference="PO-77",
        missing_kdes="",
    )


def test_a_shipment_names_the_recipient_and_what_its_description_lacks(app: Lotline) -> None:
    names, rows = _rows(app)
    [shipping] = [r for r in rows if r.event == "Shipping"]
    assert (shipping.traceability_lot_code, shipping.quantity) == (names["salad"], Decimal(25))
    assert shipping.next_recipient == "Fresh Mart, Boston, MA; GLN 0614141000036"
    assert shipping.previous_source == ""
    assert shipping.tlc_source == WH  # we made the salad: our site assigned its code
    assert shipping.reference_document_type == "Delivery (shipping document)"
    assert shipping.reference_document_number == names["delivery"]
    assert shipping.missing_kdes == "immediate subsequent recipient (address, phone)"


def test_a_transformation_gives_one_row_per_input_lot(app: Lotline) -> None:
    names, rows = _rows(app)
    made = [r for r in rows if r.event == "Transformation"]
    assert [
        (
            r.traceability_lot_code,
            r.quantity,
            r.input_lot_code,
            r.input_product,
            r.input_product_description,
            r.input_quantity,
            r.input_unit,
        )
        for r in made
    ] == [
        (names["salad"], Decimal(40), "LT-1", "LETTUCE", "Romaine lettuce", Decimal(6), "kg"),
        (names["salad"], Decimal(40), "LT/2", "LETTUCE", "Romaine lettuce", Decimal(4), "kg"),
    ]
    assert {(r.location_description, r.tlc_source, r.missing_kdes) for r in made} == {(WH, WH, "")}
    assert {r.reference_document_number for r in made} == {names["mo"]}


def test_a_row_without_a_tlc_source_says_so_until_a_reference_is_recorded(app: Lotline) -> None:
    app.products.create("HERB", "Basil", "lot")
    app.transfers.validate(
        app.transfers.receipt([{"product": "HERB", "quantity": 1, "lots": {"B1": 1}}])
    )
    [row] = app.exports.fsma204()
    assert row.missing_kdes == (
        "immediate previous source; TLC source location description or TLC source "
        "reference; location description (address, city, phone)"
    )
    app.lots.set_tlc_source_reference("HERB", "B1", "FFRN 12345678901")
    [row] = app.exports.fsma204()
    assert row.tlc_source_reference == "FFRN 12345678901"
    assert "TLC source" not in row.missing_kdes


def test_rows_for_some_products_or_lots_only(app: Lotline) -> None:
    names, _ = _rows(app)
    assert {r.event for r in app.exports.fsma204(products=["SALAD"])} == {
        "Transformation",
        "Shipping",
    }
    by_input = app.exports.fsma204(lots=["LT/2"])
    assert [(r.event, r.traceability_lot_code) for r in by_input] == [
        ("Receiving", "LT/2"),
        ("Transformation", names["salad"]),
    ]


def test_csv_and_xlsx_carry_the_rows_and_an_explanation_sheet(app: Lotline, tmp_path: Path) -> None:
    _, rows = _rows(app)
    table = list(csv.reader(io.StringIO(app.exports.fsma204_csv(rows))))
    assert tuple(table[0]) == HEADERS and len(table) == len(rows) + 1
    assert table[1][:6] == ["Receiving", "LT-1", "LETTUCE", "Romaine lettuce", "20", "kg"]
    book = load_workbook(app.exports.fsma204_xlsx(rows, tmp_path / "fsma.xlsx"))
    assert book.sheetnames == ["FSMA 204", "Explanations"]
    sheet = [list(r) for r in book["FSMA 204"].iter_rows(values_only=True)]
    assert tuple(sheet[0]) == HEADERS and sheet[1][4] == 20 and len(sheet) == len(rows) + 1
    explained = [r[0] for r in book["Explanations"].iter_rows(min_row=2, values_only=True)]
    assert "Missing KDEs" in explained and "TLC Source Location" in explained


def test_one_step_back_and_one_step_forward(app: Lotline) -> None:
    names = food_chain(app)
    lettuce = app.exports.one_step("LETTUCE", "LT-1")
    assert [(s.kind, s.partner, s.document, s.quantity) for s in lettuce.back] == [
        ("receipt", "Green Farms", names["receipt"], Decimal(20))
    ]
    assert [(s.kind, s.partner, s.document, s.quantity) for s in lettuce.forward] == [
        ("manufacturing", None, names["mo"], Decimal(6))
    ]
    salad = app.exports.one_step("SALAD", names["salad"])
    assert [(s.kind, s.document) for s in salad.back] == [("manufacturing", names["mo"])]
    assert [(s.kind, s.partner, s.quantity) for s in salad.forward] == [
        ("delivery", "Fresh Mart", Decimal(25))
    ]
