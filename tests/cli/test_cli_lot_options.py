"""--lot NAME:QTY: split at the last colon only when a plain quantity follows (no database)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lotline.cli.lot_options import lots_with_quantities, split_lot
from lotline.errors import InvalidInput


@pytest.mark.parametrize(
    ("given_text", "expected"),
    [
        ("A-1:40", ("A-1", "40")),
        ("A:B:3", ("A:B", "3")),
        ("OAK:2.5", ("OAK", "2.5")),
        ("OAK:0.25", ("OAK", "0.25")),
        ("2026:01", ("2026:01", None)),
        ("12:00:2", ("12:00", "2")),
        ("LOT", ("LOT", None)),
        ("LOT:", ("LOT:", None)),
        (":5", (":5", None)),
        ("A:1e3", ("A:1e3", None)),
        ("A:-3", ("A:-3", None)),
        ("A:B", ("A:B", None)),
    ],
)
def test_split_lot(given_text: str, expected: tuple[str, str | None]) -> None:
    assert split_lot(given_text) == expected


names = st.text(st.characters(blacklist_characters=":", blacklist_categories=("Cs",)), min_size=1)
quantities = st.from_regex(r"(0|[1-9][0-9]{0,5})(\.[0-9]{1,6})?", fullmatch=True)


@given(prefix=st.lists(names, min_size=1, max_size=3), quantity=quantities)
def test_a_plain_quantity_after_the_last_colon_is_split_off(
    prefix: list[str], quantity: str
) -> None:
    name = ":".join(prefix)
    if not name.strip():
        return
    assert split_lot(f"{name}:{quantity}") == (name, quantity)


@given(name=names, tail=st.from_regex(r"0[0-9]+", fullmatch=True))
def test_a_zero_padded_tail_is_part_of_the_name(name: str, tail: str) -> None:
    assert split_lot(f"{name}:{tail}") == (f"{name}:{tail}", None)


def test_lots_with_quantities() -> None:
    assert lots_with_quantities(["2026:01"], "5") == {"2026:01": "5"}
    assert lots_with_quantities(["A:B:3", "C:2"], "5") == {"A:B": "3", "C": "2"}
    assert lots_with_quantities(["S1", "S2"], None) == {"S1": "1", "S2": "1"}
    with pytest.raises(InvalidInput, match="NAME:QTY"):
        lots_with_quantities(["A:2", "B"], "5")
    with pytest.raises(InvalidInput, match="twice"):
        lots_with_quantities(["A:2", "A:3"], "5")
