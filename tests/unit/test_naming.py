"""Series of lot/serial names from a first name (Odoo's First Lot/SN + Number of SN)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lotline.errors import InvalidInput, InvalidLotName, InvalidQuantity
from lotline.rules.naming import (
    MAX_LOT_NAME,
    Series,
    default_first_serial,
    generate_names,
    next_name,
    split_series,
)


@pytest.mark.parametrize(
    ("first", "count", "expected"),
    [
        ("SN0009", 3, ["SN0009", "SN0010", "SN0011"]),
        ("0000001", 2, ["0000001", "0000002"]),
        ("LOT-A-9", 2, ["LOT-A-9", "LOT-A-10"]),
        ("A1B", 3, ["A1B", "A2B", "A3B"]),
        ("ABC", 2, ["ABC0", "ABC1"]),
        ("99", 2, ["99", "100"]),
        ("BAV023B00001S00001", 2, ["BAV023B00001S00001", "BAV023B00001S00002"]),
    ],
)
def test_series_counts_up_the_last_number_keeping_padding_prefix_and_suffix(
    first: str, count: int, expected: list[str]
) -> None:
    assert generate_names(first, count) == expected


def test_a_series_of_one_is_the_first_name() -> None:
    assert generate_names("SN0009", 1) == ["SN0009"]


def test_the_first_name_is_trimmed() -> None:
    assert generate_names("  SN7 ", 2) == ["SN7", "SN8"]


@pytest.mark.parametrize("count", [0, -1, 1_000_001, 2.0, "3", True, None])
def test_a_count_outside_one_to_a_million_is_refused_naming_the_value_and_range(
    count: object,
) -> None:
    with pytest.raises(InvalidInput) as caught:
        generate_names("SN1", count)  # type: ignore[arg-type]
    assert isinstance(caught.value, InvalidQuantity)
    assert repr(count) in str(caught.value)
    assert "1 to 1,000,000" in str(caught.value)


def test_a_million_names_is_allowed() -> None:
    names = generate_names("SN0000001", 1_000_000)
    assert (len(names), names[0], names[-1]) == (1_000_000, "SN0000001", "SN1000000")


@pytest.mark.parametrize("first", ["", "   ", "SN\x1d1", "X" * (MAX_LOT_NAME + 1)])
def test_a_bad_first_name_is_refused(first: str) -> None:
    with pytest.raises(InvalidLotName):
        generate_names(first, 2)


def test_a_series_whose_last_name_would_exceed_the_limit_is_refused() -> None:
    first = "X" * (MAX_LOT_NAME - 2) + "99"
    assert generate_names(first, 1) == [first]
    with pytest.raises(InvalidLotName, match="128"):
        generate_names(first, 2)


def test_split_series_cuts_around_the_last_group_of_digits() -> None:
    assert split_series("SN0009") == Series("SN", 9, 4, "")
    assert split_series("A1B") == Series("A", 1, 1, "B")
    assert split_series("BAV023B00001S00001") == Series("BAV023B00001S", 1, 5, "")
    assert split_series("LOT-7-A") == Series("LOT-", 7, 1, "-A")
    assert split_series("ABC") == Series("ABC", 0, 1, "")


def test_series_name_grows_longer_when_the_number_outgrows_its_padding() -> None:
    series = split_series("SN09")
    assert [series.name(n) for n in (9, 10, 100)] == ["SN09", "SN10", "SN100"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [("SN0009", "SN0010"), ("ABC", "ABC1"), ("A9B", "A10B"), ("99", "100"), ("LOT-1 ", "LOT-2")],
)
def test_next_name_is_the_second_name_of_the_series(name: str, expected: str) -> None:
    assert next_name(name) == expected == generate_names(name, 2)[1]


def test_next_name_past_the_length_limit_is_refused() -> None:
    with pytest.raises(InvalidLotName):
        next_name("X" * (MAX_LOT_NAME - 1) + "9")


def test_default_first_serial_pads_the_number_to_seven_digits() -> None:
    assert default_first_serial("FG") == "FG0000001"
    assert default_first_serial(None) == "0000001"
    assert default_first_serial("") == "0000001"
    assert default_first_serial(None, 42) == "0000042"
    assert default_first_serial("LOT-", 12_345_678) == "LOT-12345678"


@pytest.mark.parametrize("number", [-1, 1.0, True])
def test_default_first_serial_refuses_a_number_that_is_not_a_count(number: object) -> None:
    with pytest.raises(InvalidInput):
        default_first_serial("FG", number)  # type: ignore[arg-type]


_affix = st.text(alphabet="ABCXYZ-_/.", max_size=6)
_digits = st.integers(min_value=0, max_value=10**9).flatmap(
    lambda n: st.integers(min_value=len(str(n)), max_value=12).map(lambda w: str(n).zfill(w))
)


@given(
    prefix=_affix, digits=st.one_of(st.just(""), _digits), suffix=_affix, count=st.integers(1, 300)
)
def test_series_properties(prefix: str, digits: str, suffix: str, count: int) -> None:
    first = f"{prefix}{digits}{suffix}".strip()
    if not first:
        return
    names = generate_names(first, count)
    assert len(names) == count
    assert len(set(names)) == count
    series = split_series(first)
    numbers = []
    for name in names:
        assert name.startswith(series.prefix)
        assert name.endswith(series.suffix)
        middle = name[len(series.prefix) : len(name) - len(series.suffix)]
        assert re.fullmatch(r"[0-9]+", middle)
        assert len(middle) >= series.width
        numbers.append(int(middle))
    assert numbers == list(range(series.number, series.number + count))
    assert names[0] == first or not re.search(r"[0-9]", first)


@given(first=st.text(alphabet="AB12-", min_size=1, max_size=10).filter(lambda s: s.strip()))
def test_next_name_follows_generate_names(first: str) -> None:
    assert next_name(first) == generate_names(first, 2)[1]


def test_a_refused_series_carries_what_was_asked() -> None:
    with pytest.raises(InvalidQuantity) as caught:
        generate_names("SN1", 0)
    assert caught.value.details == {"field": "count", "value": "0", "limit": 1_000_000}
    first = "X" * (MAX_LOT_NAME - 2) + "99"
    with pytest.raises(InvalidLotName) as too_long:
        generate_names(first, 2)
    assert too_long.value.details == {"lot": first, "count": 2, "length": 129, "limit": 128}
