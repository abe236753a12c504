"""Names of split manufacturing orders: WH/MO/00109-001, -002, ... -999, -1000."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from lotline.rules.naming import base_name, split_key, split_name


def test_split_names_have_three_digits_and_grow_past_999() -> None:
    assert split_name("WH/MO/00109", 1) == "WH/MO/00109-001"
    assert split_name("WH/MO/00109", 999) == "WH/MO/00109-999"
    assert split_name("WH/MO/00109", 1000) == "WH/MO/00109-1000"


def test_the_base_of_a_split_name_is_the_order_it_was_cut_from() -> None:
    assert base_name("WH/MO/00109-002") == "WH/MO/00109"
    assert base_name("WH/MO/00109-1000") == "WH/MO/00109"
    assert base_name("WH/MO/00109") == "WH/MO/00109"
    assert base_name("WH/MO/00109-02") == "WH/MO/00109-02"


bases = st.from_regex(r"[A-Z]{2}/[A-Z]{2}/[0-9]{5}", fullmatch=True).filter(
    lambda b: not re.search(r"-\d{3,}$", b)
)
indexes = st.integers(min_value=1, max_value=100_000)


@given(bases, indexes)
def test_a_split_name_round_trips_through_its_base(base: str, index: int) -> None:
    name = split_name(base, index)
    assert base_name(name) == base
    assert split_key(name) == (base, index)


@given(bases, st.lists(indexes, min_size=2, max_size=30, unique=True))
def test_split_names_sort_in_split_order(base: str, order: list[int]) -> None:
    names = [split_name(base, i) for i in order]
    assert sorted(names, key=split_key) == [split_name(base, i) for i in sorted(order)]
    below_1000 = [n for n, i in zip(names, order, strict=True) if i < 1000]
    assert sorted(below_1000) == sorted(below_1000, key=split_key)


def test_an_unsplit_order_sorts_before_its_split_orders() -> None:
    names = ["WH/MO/00001-002", "WH/MO/00001", "WH/MO/00001-001"]
    assert sorted(names, key=split_key) == ["WH/MO/00001", "WH/MO/00001-001", "WH/MO/00001-002"]
