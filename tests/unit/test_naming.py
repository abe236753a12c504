import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lotline.errors import InvalidInput, InvalidLotName
from lotline.rules.naming import default_first_serial, generate_names, next_name, split_series


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
def test_series_follow_odoos_first_lot_and_number_of_sn(
    first: str, count: int, expected: list[str]
) -> None:
    assert generate_names(first, count) == expected


@pytest.mark.parametrize("count", [0, -1, 1_000_001, "3", 2.0, True])
def test_a_count_outside_one_to_a_million_is_refused(count: object) -> None:
    with pytest.raises(InvalidInput, match="1 to 1,000,000"):
        generate_names("SN1", count)  # type: ignore[arg-type]


def test_a_first_name_goes_through_lot_name_validation() -> None:
    with pytest.raises(InvalidLotName):
        generate_names("SN\x1d1", 2)
    with pytest.raises(InvalidLotName):
        generate_names("", 2)


def test_a_series_whose_last_name_is_too_long_is_refused() -> None:
    with pytest.raises(InvalidLotName, match="128"):
        generate_names("X" * 127 + "9", 2)


def test_next_name_and_default_first_serial() -> None:
    assert next_name("SN0009") == "SN0010"
    assert next_name("ABC") == "ABC1"
    assert default_first_serial("FG") == "FG0000001"
    assert default_first_serial(None) == "0000001"
    assert default_first_serial(None, 42) == "0000042"


prefixes = st.text(alphabet="ABCXYZ-_/", max_size=6)
suffixes = st.text(alphabet="ABCXYZ-_/", max_size=4)


@given(
    prefixes,
    st.integers(min_value=0, max_value=10**9),
    st.integers(1, 9),
    suffixes,
    st.integers(1, 300),
)
def test_series_properties(prefix: str, number: int, width: int, suffix: str, count: int) -> None:
    first = f"{prefix}{str(number).zfill(width)}{suffix}"
    names = generate_names(first, count)
    assert len(names) == count
    assert len(set(names)) == count
    assert names[0] == first
    numbers = []
    for name in names:
        assert name.startswith(prefix) and name.endswith(suffix)
        series = split_series(name)
        assert (series.prefix, series.suffix) == (prefix, suffix)
        numbers.append(series.number)
    assert all(a < b for a, b in itertools.pairwise(numbers))
