from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lotline.errors import InvalidQuantity
from lotline.rules.quantities import (
    counted_quantity,
    from_storage,
    parse_quantity,
    positive_quantity,
    to_storage,
)


@pytest.mark.parametrize("value", ["abc", "", "1,5", "NaN", "nan", "Infinity", "-inf", None, [1]])
def test_what_is_not_a_finite_number_is_refused(value: object) -> None:
    with pytest.raises(InvalidQuantity):
        parse_quantity(value)


@pytest.mark.parametrize("value", [1.5, True, 0.1])
def test_floats_and_booleans_are_refused_so_quantities_stay_exact(value: object) -> None:
    with pytest.raises(InvalidQuantity, match="exact"):
        parse_quantity(value)


def test_strings_ints_and_decimals_are_exact() -> None:
    assert parse_quantity("2.5") == Decimal("2.5")
    assert parse_quantity(" 3 ") == Decimal(3)
    assert parse_quantity(Decimal("0.000001")) == Decimal("0.000001")
    assert parse_quantity(7) == 7


def test_more_than_six_decimal_places_is_refused() -> None:
    with pytest.raises(InvalidQuantity, match="decimal places"):
        parse_quantity("0.0000001")


def test_negative_and_zero_are_refused_where_a_move_needs_a_positive_quantity() -> None:
    for value in ("0", "-1", -3):
        with pytest.raises(InvalidQuantity, match="greater than zero"):
            positive_quantity(value)


def test_a_count_may_be_zero_but_not_negative() -> None:
    assert counted_quantity(0) == 0
    with pytest.raises(InvalidQuantity, match="negative"):
        counted_quantity("-0.5")


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=6, allow_nan=False))
def test_storage_round_trip_is_exact(value: Decimal) -> None:
    assert from_storage(to_storage(parse_quantity(value))) == value


def test_a_refused_quantity_names_its_field_and_the_value_given() -> None:
    with pytest.raises(InvalidQuantity) as caught:
        counted_quantity("-0.5", what="counted quantity")
    assert caught.value.details == {"field": "counted quantity", "value": "-0.5"}
    with pytest.raises(InvalidQuantity) as caught:
        parse_quantity(Decimal("1E+13"))
    assert caught.value.details == {"field": "quantity", "value": "1E+13", "limit": "1000000000000"}
