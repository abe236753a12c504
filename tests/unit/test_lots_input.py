"""The one reading of a line's lots: {lot: qty} | [serial, ...] | qty."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lotline.errors import InvalidInput, InvalidQuantity, MissingLot
from lotline.models import Product
from lotline.rules.lots_input import kind_word, named_lots, parse_lots
from lotline.rules.naming import MAX_LOT_NAME

CHAIR = Product(1, "CHAIR", "Chair", "Units", "serial")
WOOD = Product(2, "WOOD", "Wood", "m", "lot")
SCREW = Product(3, "SCREW", "Screw", "Units", "none")

names = st.text(
    alphabet=st.characters(whitelist_categories=("L", "N", "Pd", "Po")),
    min_size=1,
    max_size=MAX_LOT_NAME,
)
quantities = st.decimals(
    min_value=Decimal("0.000001"), max_value=Decimal(10**9), places=6, allow_nan=False
)


@given(st.dictionaries(names, quantities, min_size=1, max_size=20))
def test_a_mapping_of_valid_lots_reads_back_as_given(given_lots: dict[str, Decimal]) -> None:
    assert parse_lots(WOOD, given_lots) == list(given_lots.items())
    assert named_lots(WOOD, given_lots) == given_lots


@given(st.lists(names, unique=True, min_size=1, max_size=20))
def test_a_list_of_serials_is_one_unit_each(serials: list[str]) -> None:
    assert named_lots(CHAIR, serials) == dict.fromkeys(serials, Decimal(1))


@given(names, quantities.filter(lambda q: q != 1))
def test_a_serial_of_any_quantity_but_one_is_refused(serial: str, quantity: Decimal) -> None:
    with pytest.raises(InvalidQuantity, match="is one unit") as caught:
        parse_lots(CHAIR, {serial: quantity})
    assert caught.value.details["product"] == "CHAIR"
    assert caught.value.details["lot"] == serial


@given(names, st.sampled_from([CHAIR, WOOD]))
def test_a_name_given_twice_is_refused_even_with_other_spacing(name: str, product: Product) -> None:
    with pytest.raises(InvalidInput, match="given twice") as caught:
        parse_lots(product, [(name, 1), (f" {name} ", 1)])
    assert caught.value.details == {"product": product.code, "lot": name}


@given(st.dictionaries(names, quantities, min_size=1, max_size=5))
def test_an_untracked_product_takes_no_lots(given_lots: dict[str, Decimal]) -> None:
    with pytest.raises(InvalidInput, match="SCREW is not tracked") as caught:
        parse_lots(SCREW, given_lots, allow_quantity=True)
    assert caught.value.details["product"] == "SCREW"


def test_a_bare_quantity_is_for_an_untracked_product_where_allowed() -> None:
    assert parse_lots(SCREW, "2.5", allow_quantity=True) == [(None, Decimal("2.5"))]
    with pytest.raises(InvalidInput, match=r"\{name: quantity\}"):
        parse_lots(SCREW, 3)
    with pytest.raises(MissingLot, match="a list of its serial numbers"):
        parse_lots(CHAIR, 3, allow_quantity=True)
    with pytest.raises(MissingLot, match=r"its lots with their quantities"):
        parse_lots(WOOD, "L1", allow_quantity=True)


def test_a_list_of_lot_names_without_quantities_is_refused() -> None:
    with pytest.raises(InvalidInput, match="tracked by lot: give each lot with its quantity"):
        parse_lots(WOOD, ["A-1"])
    assert parse_lots(WOOD, [("A-1", "4")]) == [("A-1", Decimal(4))]


def test_nothing_given_is_no_lots_and_other_shapes_are_refused() -> None:
    assert parse_lots(WOOD, None) == []
    with pytest.raises(InvalidInput, match="not set"):
        parse_lots(WOOD, {"A"})  # type: ignore[arg-type]
    with pytest.raises(InvalidQuantity, match="greater than zero"):
        parse_lots(WOOD, {"A": 0})


def test_kind_word_is_how_the_operator_calls_a_lot() -> None:
    assert (kind_word(CHAIR), kind_word(WOOD)) == ("serial number", "lot")
