from datetime import date
from decimal import Decimal

import pytest

from lotline.errors import InvalidBarcode
from lotline.rules.barcodes import parse_barcode


def test_human_readable_element_string() -> None:
    scan = parse_barcode("(01)09506000134352(17)201225(10)ABC123")
    assert (scan.gtin, scan.lot, scan.expiration_date) == (
        "09506000134352",
        "ABC123",
        date(2020, 12, 25),
    )
    assert scan.is_gs1


def test_raw_element_string_without_separators() -> None:
    scan = parse_barcode("01095060001343521720122510ABC123")
    assert (scan.gtin, scan.lot) == ("09506000134352", "ABC123")


def test_datamatrix_with_symbology_identifier_and_gs_separator() -> None:
    scan = parse_barcode("]d2010950600013435210ABC123\x1d21SER42")
    assert (scan.lot, scan.serial) == ("ABC123", "SER42")


def test_digital_link_with_lot_serial_and_expiry() -> None:
    scan = parse_barcode("https://id.gs1.org/01/09506000134352/10/ABC123/21/12345?17=201231")
    assert (scan.gtin, scan.lot, scan.serial, scan.expiration_date) == (
        "09506000134352",
        "ABC123",
        "12345",
        date(2020, 12, 31),
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [("(17)250200", date(2025, 2, 28)), ("(17)240200", date(2024, 2, 29))],
)
def test_expiry_day_00_means_the_last_day_of_the_month(data: str, expected: date) -> None:
    assert parse_barcode(data).expiration_date == expected


def test_best_before_production_date_and_quantity() -> None:
    scan = parse_barcode("(01)09506000134352(11)240115(15)250300(30)12")
    assert scan.production_date == date(2024, 1, 15)
    assert scan.best_before_date == date(2025, 3, 31)
    assert scan.quantity == Decimal(12)


def test_a_bad_check_digit_names_the_gtin() -> None:
    with pytest.raises(InvalidBarcode, match=r"\(01\) 09506000134353.*Expected 2"):
        parse_barcode("(01)09506000134353(10)A")


def test_an_unknown_ai_is_refused() -> None:
    with pytest.raises(InvalidBarcode, match="999"):
        parse_barcode("(01)09506000134352(999)X")


def test_plain_input_is_a_typed_lot_or_serial_name() -> None:
    scan = parse_barcode("  LOT-42 ")
    assert (scan.lot, scan.serial, scan.is_gs1) == ("LOT-42", "LOT-42", False)
