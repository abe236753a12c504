"""GS1 identifiers lotline writes: check digits, CSET 82, Digital Link, EPC URIs."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lotline.errors import InvalidIdentifier, InvalidLotName
from lotline.rules import gs1
from lotline.rules.barcodes import parse_barcode


@pytest.mark.parametrize(
    ("gtin", "expected"),
    [
        ("09506000134352", "09506000134352"),  # GS1's own example GTIN-14
        ("9506000134352", "09506000134352"),  # the same as a GTIN-13
        ("96385074", "00000096385074"),  # GTIN-8
        ("036000291452", "00036000291452"),  # UPC-A
        ("70614141123451", "70614141123451"),  # EPCIS example 9.6.1
    ],
)
def test_a_valid_gtin_becomes_its_14_digits(gtin: str, expected: str) -> None:
    assert gs1.gtin14(gtin) == expected


def test_a_wrong_gtin_check_digit_is_refused_with_the_right_one() -> None:
    with pytest.raises(InvalidIdentifier, match="should end in 2, not 3") as caught:
        gs1.gtin14("09506000134353")
    assert caught.value.details["expected_check_digit"] == 2


@pytest.mark.parametrize("value", ["123", "0950600013435X", "", "095060001343521", None])
def test_a_gtin_of_the_wrong_shape_is_refused(value: object) -> None:
    with pytest.raises(InvalidIdentifier, match="8, 12, 13 or 14 digits"):
        gs1.gtin14(value)


def test_gln_check_digits() -> None:
    assert gs1.gln("0614141123452") == "0614141123452"
    assert gs1.gln("4012345000009") == "4012345000009"
    with pytest.raises(InvalidIdentifier, match="should end in 2, not 1"):
        gs1.gln("0614141123451")
    with pytest.raises(InvalidIdentifier, match="13 digits"):
        gs1.gln("061414112345")


@given(st.text(alphabet="0123456789", min_size=7, max_size=13))
def test_a_body_with_its_check_digit_is_always_valid(body: str) -> None:
    full = body + str(gs1.check_digit(body))
    if len(full) in gs1.GTIN_LENGTHS:
        assert gs1.gtin14(full).endswith(full)
    wrong = body + str((gs1.check_digit(body) + 1) % 10)
    if len(wrong) in gs1.GTIN_LENGTHS:
        with pytest.raises(InvalidIdentifier):
            gs1.gtin14(wrong)


def test_cset_82_names_pass() -> None:
    assert gs1.gs1_name("x_%&'()*+,.:;<=>?!") == "x_%&'()*+,.:;<=>?!"
    assert gs1.gs1_name("LOT-2026/001") == "LOT-2026/001"


@pytest.mark.parametrize(
    ("name", "shown"),
    [("LOT 1", "a space"), ("LOT#1", "'#'"), ("LÖT1", "'Ö'"), ("LOT@1", "'@'"), ("A~B", "'~'")],
)
def test_a_name_outside_cset_82_is_refused_naming_the_character(name: str, shown: str) -> None:
    with pytest.raises(InvalidLotName, match=shown) as caught:
        gs1.gs1_name(name)
    assert caught.value.details["position"] == next(
        i for i, c in enumerate(name, 1) if c not in gs1.CSET_82
    )


def test_a_name_longer_than_20_characters_is_refused() -> None:
    assert gs1.gs1_name("A" * 20) == "A" * 20
    with pytest.raises(InvalidLotName, match="21 characters"):
        gs1.gs1_name("A" * 21)


def test_digital_link_in_gs1_order_with_percent_encoding() -> None:
    assert (
        gs1.digital_link("9506000134352", "AB/12")
        == "https://id.gs1.org/01/09506000134352/10/AB%2F12"
    )
    assert (
        gs1.digital_link("09506000134352", "L 1", "S&2")
        == "https://id.gs1.org/01/09506000134352/10/L%201/21/S%262"
    )
    assert gs1.digital_link("70614141123451", serial="2017") == (
        "https://id.gs1.org/01/70614141123451/21/2017"
    )


_cset82 = st.text(alphabet=sorted(gs1.CSET_82), min_size=1, max_size=20)


@given(lot=_cset82, serial=st.none() | _cset82)
def test_a_generated_digital_link_parses_back_to_the_same_item(
    lot: str, serial: str | None
) -> None:
    scan = parse_barcode(gs1.digital_link("09506000134352", lot, serial))
    assert (scan.gtin, scan.lot, scan.serial) == ("09506000134352", lot, serial)


@given(_cset82)
def test_percent_encoding_leaves_only_unreserved_characters(value: str) -> None:
    encoded = gs1.percent_encode(value)
    assert set(encoded.replace("%", "")) <= gs1._UNRESERVED
    from urllib.parse import unquote

    assert unquote(encoded) == value


def test_epc_uris_match_the_official_examples() -> None:
    # EPCIS 2.0 example 9.6.2 (EPC URN and Digital Link forms of the same lot)
    assert gs1.lgtin_uri("00614141777778", "987", 7) == "urn:epc:class:lgtin:0614141.077777.987"
    # Tag Data Standard examples
    assert gs1.sgtin_uri("80614141123458", "6789AB", 7) == "urn:epc:id:sgtin:0614141.812345.6789AB"
    assert gs1.sgln_uri("0614141123452", 7, "5678") == "urn:epc:id:sgln:0614141.12345.5678"
    assert gs1.sgln_uri("0614141000012", 7) == "urn:epc:id:sgln:0614141.00001.0"
    assert gs1.pgln_uri("0614141123452", 7) == "urn:epc:id:pgln:0614141.12345"
    assert gs1.gtin_class_uri("80614141123458", 7) == "urn:epc:idpat:sgtin:0614141.812345.*"


def test_epc_uris_escape_what_the_tag_data_standard_escapes() -> None:
    assert gs1.sgtin_uri("80614141123458", 'A/B%"', 7).endswith(".A%2FB%25%22")


def test_the_company_prefix_length_is_6_to_12() -> None:
    assert gs1.sgtin_uri("80614141123458", "1", 12) == "urn:epc:id:sgtin:061414112345.8.1"
    with pytest.raises(InvalidIdentifier, match="6 to 12"):
        gs1.sgtin_uri("80614141123458", "1", 5)


def test_element_string_puts_fixed_fields_first_and_a_separator_between_variable_ones() -> None:
    element = gs1.element_string("09506000134352", "AB12", "S1", date(2027, 3, 31))
    assert element.bracketed == "[01]09506000134352[17]270331[10]AB12[21]S1"
    assert element.text == "(01)09506000134352(17)270331(10)AB12(21)S1"
    assert element.raw == "010950600013435217270331" + "10AB12\x1d21S1"
    assert gs1.element_string("09506000134352", serial="S1").raw == "010950600013435221S1"


def test_epc_uris_and_digital_links_read_back_to_the_item() -> None:
    assert gs1.read_item("urn:epc:id:sgtin:0614141.812345.6789AB") == gs1.ItemId(
        "80614141123458", serial="6789AB"
    )
    assert gs1.read_item("urn:epc:class:lgtin:0614141.077777.987") == gs1.ItemId(
        "00614141777778", lot="987"
    )
    assert gs1.read_item("urn:epc:idpat:sgtin:4012345.066666.*").gtin == "04012345666663"
    assert gs1.read_item("https://id.gs1.org/01/09506000134352/10/AB%2F12") == gs1.ItemId(
        "09506000134352", lot="AB/12"
    )
    assert gs1.read_item(gs1.lgtin_uri("09506000134352", "A/B%", 7)).lot == "A/B%"
    with pytest.raises(InvalidIdentifier):
        gs1.read_item("urn:epc:id:sscc:0614141.1234567890")
    with pytest.raises(InvalidIdentifier):
        gs1.read_item("https://id.gs1.org/01/09506000134353/10/A")


def test_parties_read_back_to_their_gln() -> None:
    assert gs1.read_party("urn:epc:id:pgln:0614141.00003") == "0614141000036"
    assert gs1.read_party("urn:epc:id:sgln:0614141.00001.0") == "0614141000012"
    assert gs1.read_party("https://id.gs1.org/417/0614141000036") == "0614141000036"
    assert gs1.read_party("urn:lotline:partner:Acme") is None
