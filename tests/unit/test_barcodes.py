"""Reading scans: GS1 element strings, their human-readable form, Digital Link URIs, names."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from lotline.errors import InvalidBarcode, InvalidInput, InvalidLotName
from lotline.models import Scan
from lotline.rules.barcodes import parse_barcode

GTIN = "09506000134352"
GS = "\x1d"


@pytest.mark.parametrize(
    "data",
    [
        "(01)09506000134352(17)201225(10)ABC123",
        "(01) 09506000134352 (17) 201225 (10) ABC123",
        "010950600013435217201225" + "10ABC123",
        "0109506000134352" + "10ABC123" + GS + "17201225",
        "]C1010950600013435217201225" + "10ABC123",
        "]d2" + "0109506000134352" + "10ABC123" + GS + "17201225",
        "]Q3" + "010950600013435217201225" + "10ABC123",
        GS + "0109506000134352" + "10ABC123" + GS + "17201225" + GS,
    ],
)
def test_the_gs1_general_specification_example_in_every_form(data: str) -> None:
    assert parse_barcode(data) == Scan(
        raw=data,
        gtin=GTIN,
        lot="ABC123",
        expiration_date=date(2020, 12, 25),
        is_gs1=True,
    )


def test_a_variable_length_field_ends_at_the_gs_separator() -> None:
    scan = parse_barcode("]d2" + "0109506000134352" + "10ABC123" + GS + "21SER42" + GS + "3012")
    assert (scan.lot, scan.serial, scan.quantity) == ("ABC123", "SER42", Decimal(12))


def test_a_digital_link_with_lot_serial_and_expiry() -> None:
    data = "https://id.gs1.org/01/09506000134352/10/ABC123/21/12345?17=201231"
    assert parse_barcode(data) == Scan(
        raw=data,
        gtin=GTIN,
        lot="ABC123",
        serial="12345",
        expiration_date=date(2020, 12, 31),
        is_gs1=True,
    )


def test_a_digital_link_on_a_brand_domain_in_a_plain_qr_code() -> None:
    scan = parse_barcode("]Q1https://example.com/products/01/09506000134352/21/SN%2F7")
    assert (scan.gtin, scan.serial, scan.is_gs1) == (GTIN, "SN/7", True)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("(17)250200", date(2025, 2, 28)),
        ("(17)240200", date(2024, 2, 29)),
        ("(17)241200", date(2024, 12, 31)),
        ("(17)250415", date(2025, 4, 15)),
    ],
)
def test_an_expiry_on_day_00_is_the_last_day_of_the_month(data: str, expected: date) -> None:
    assert parse_barcode(data).expiration_date == expected


def test_best_before_and_production_dates_and_a_count() -> None:
    scan = parse_barcode("(01)09506000134352(11)240115(15)250300(30)12")
    assert scan.production_date == date(2024, 1, 15)
    assert scan.best_before_date == date(2025, 3, 31)
    assert scan.quantity == Decimal(12)


def test_the_count_of_trade_items_of_a_logistic_unit_gives_the_contained_gtin() -> None:
    scan = parse_barcode("(02)09506000134352(37)40(10)L7")
    assert (scan.gtin, scan.quantity, scan.lot) == (GTIN, Decimal(40), "L7")


def test_an_element_string_without_a_gtin_is_still_gs1() -> None:
    assert parse_barcode("(10)OAK-5(30)3") == Scan(
        raw="(10)OAK-5(30)3", lot="OAK-5", quantity=Decimal(3), is_gs1=True
    )


def test_an_ean13_scanned_with_its_symbology_identifier_is_a_gtin() -> None:
    assert parse_barcode("]E09506000134352") == Scan(raw="]E09506000134352", gtin=GTIN, is_gs1=True)


@pytest.mark.parametrize(
    "data",
    [
        "(01)09506000134353",
        "0109506000134353" + "10ABC",
        "]d2" + "0109506000134353" + "10ABC",
        "https://id.gs1.org/01/09506000134353/10/ABC",
    ],
)
def test_a_wrong_gtin_check_digit_says_which_digit_is_expected(data: str) -> None:
    with pytest.raises(
        InvalidBarcode, match=r"^\(01\) 09506000134353: the check digit should be 2"
    ):
        parse_barcode(data)


def test_a_wrong_sscc_check_digit_is_refused() -> None:
    with pytest.raises(InvalidBarcode, match=r"\(00\) 095060001343528523: the check digit"):
        parse_barcode("(00)095060001343528523")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("(01)09506000134352(23)X", r"\(23\) is not a known GS1 application identifier"),
        ("(01)09506000134352(999)X", r"\(999\) is not a known GS1 application identifier"),
        ("0109506000134352" + "23X", r"no known GS1 application identifier at '23X'"),
    ],
)
def test_an_unknown_application_identifier_is_refused(data: str, message: str) -> None:
    with pytest.raises(InvalidBarcode, match=message):
        parse_barcode(data)


@pytest.mark.parametrize(
    "data",
    [
        "(17)241300",
        "(17)240230",
        "0109506000134352" + "17241300" + "10A",
        "https://id.gs1.org/01/09506000134352?17=241300",
    ],
)
def test_an_impossible_date_names_the_field(data: str) -> None:
    with pytest.raises(InvalidBarcode, match=r"^\(17\) 241300|^\(17\) 240230"):
        parse_barcode(data)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("(01)0950600013435", r"\(01\) 0950600013435: not a valid"),
        ("(10)", r"\(10\) has no value"),
        ("(01)09506000134352(10)A(10)B", r"\(10\) appears twice"),
        ("(01)09506000134352 garbage", r"\(01\) 09506000134352garbage: not a valid"),
        ("]C1", "nothing"),
        ("]C0 ", "nothing"),
        ("(0I)09506000134352", "not of the form"),
        ("]1AB", "symbology identifier"),
        ("https://id.gs1.org/01/09506000134352/99/1", "Digital Link"),
    ],
)
def test_other_malformed_gs1_is_refused_saying_what_is_wrong(data: str, message: str) -> None:
    with pytest.raises(InvalidBarcode, match=message):
        parse_barcode(data)


def test_a_barcode_error_is_an_input_error() -> None:
    with pytest.raises(InvalidInput):
        parse_barcode("(01)09506000134353")


@pytest.mark.parametrize(
    ("data", "name"),
    [
        ("SN0001", "SN0001"),
        ("  LOT-42 ", "LOT-42"),
        ("0109506000134352", "0109506000134352"),
        ("9506000134352", "9506000134352"),
        ("https://example.com/lot/7", "https://example.com/lot/7"),
        ("]C0SN77", "SN77"),
    ],
)
def test_anything_else_is_a_typed_lot_or_serial_name(data: str, name: str) -> None:
    assert parse_barcode(data) == Scan(raw=data, lot=name, serial=name, is_gs1=False)


def test_an_empty_scan_is_refused() -> None:
    with pytest.raises(InvalidBarcode, match="empty"):
        parse_barcode("  \n")


def test_a_typed_name_too_long_for_a_lot_is_refused() -> None:
    with pytest.raises(InvalidLotName):
        parse_barcode("X" * 129)


def test_a_barcode_error_carries_the_scan_and_the_faulty_element() -> None:
    with pytest.raises(InvalidBarcode) as caught:
        parse_barcode("(01)09506000134353(10)ABC")
    assert caught.value.details == {
        "ai": "01",
        "value": "09506000134353",
        "barcode": "(01)09506000134353(10)ABC",
    }
    with pytest.raises(InvalidBarcode) as caught:
        parse_barcode("(17)241300")
    assert caught.value.details == {"ai": "17", "value": "241300", "barcode": "(17)241300"}


def test_a_typed_name_refused_as_a_lot_carries_the_scan() -> None:
    with pytest.raises(InvalidLotName) as caught:
        parse_barcode("X" * 200)
    assert caught.value.details["barcode"] == "X" * 200
    assert caught.value.details["limit"] == 128
