"""The Batch Production window without a database: the text box, serial checks, lots per line."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lotline.errors import InvalidInput, InvalidQuantity
from lotline.models import Product
from lotline.rules.batch import (
    SerialsGiven,
    distinct_serials,
    parse_batch_text,
    read_names,
    resolve_lots,
    serial_problems,
    series_count,
)

D = Decimal
WOOD = Product(1, "WOOD", "Oak plank", "Units", "lot")
LEG = Product(2, "LEG", "Chair leg", "Units", "serial")


def test_the_text_box_gives_a_serial_and_component_lots_per_line() -> None:
    read = parse_batch_text("C-1,W-2,L9\nC-2,W-1;1|W-2;1.5\n\n  C-3 , , \n", [WOOD, LEG])
    assert read.problems == []
    assert read.serials == ["C-1", "C-2", "C-3"]
    assert read.lots == [
        {1: [("W-2", None)], 2: [("L9", None)]},
        {1: [("W-1", D(1)), ("W-2", D("1.5"))]},
        {},
    ]


def test_every_problem_of_the_text_box_is_reported_with_its_line_number() -> None:
    text = "A,W-1,L1,EXTRA\n\nB,W-1|W-2\nC,W-1;-2\nD\x07\n"
    read = parse_batch_text(text, [WOOD, LEG])
    assert read.serials == ["A", "B", "C", "D\x07"]
    assert len(read.problems) == 5
    assert read.problems[0].startswith("line 1: 3 component field(s), but the BoM has 2 tracked")
    assert read.problems[1] == (
        "line 3, component WOOD: give a quantity for each of several lots (W-1;QTY)"
    )
    assert read.problems[2] == (
        "line 3, component WOOD: give a quantity for each of several lots (W-2;QTY)"
    )
    assert read.problems[3].startswith("line 4, component WOOD: The quantity of W-1")
    assert read.problems[4].startswith("line 5: The lot/serial number 'D\\x07' contains")


names = st.text(
    alphabet=st.characters(codec="ascii", categories=["L", "N"], include_characters="-_/."),
    min_size=1,
    max_size=12,
)


@given(st.lists(st.tuples(names, st.lists(names, max_size=1)), min_size=1, max_size=20))
def test_a_text_box_written_from_serials_and_lots_reads_back_the_same(
    lines: list[tuple[str, list[str]]],
) -> None:
    text = "\n".join(",".join([serial, *lots]) for serial, lots in lines)
    read = parse_batch_text(text, [WOOD])
    assert read.problems == []
    assert read.serials == [serial for serial, _ in lines]
    assert read.lots == [{1: [(lots[0], None)]} if lots else {} for _, lots in lines]


def test_a_list_of_names_is_checked_name_by_name() -> None:
    read = read_names(["SN1", " SN2 ", ""])
    assert read.serials == ["SN1", "SN2"]
    assert len(read.problems) == 1


def test_serials_given_twice_or_more_than_the_units_are_problems() -> None:
    assert serial_problems(["A", "B", "A"], 2, "WH/MO/00001") == [
        "3 serial numbers for 2 units of WH/MO/00001; remove 1",
        "A is given twice (lines 1 and 3)",
    ]
    assert serial_problems(["A", "B"], 2, "WH/MO/00001") == []
    assert distinct_serials(["A", "B", "A", ""]) == ["A", "B"]


def test_a_series_count_is_one_to_the_number_of_units() -> None:
    assert series_count(None, 5, "WH/MO/00001") == (5, [])
    assert series_count(2, 5, "WH/MO/00001") == (2, [])
    assert series_count(7, 5, "WH/MO/00001") == (
        5,
        ["7 serial numbers for 5 units of WH/MO/00001; give at most 5"],
    )
    with pytest.raises(InvalidQuantity, match="1 or more"):
        series_count(0, 5, "WH/MO/00001")


def test_serials_are_given_one_way_only() -> None:
    assert SerialsGiven("SN1", 3).first == "SN1"
    assert SerialsGiven(text="A\nB").text == "A\nB"
    assert SerialsGiven().names is None
    with pytest.raises(InvalidInput, match="one way"):
        SerialsGiven("SN1", names=["A"])
    with pytest.raises(InvalidInput, match="one way"):
        SerialsGiven(count=2, text="A")
    with pytest.raises(InvalidInput, match="one way"):
        SerialsGiven(names=["A"], text="A")


def test_component_lots_per_line_become_lot_ids_and_problems() -> None:
    lines = [
        {2: [("L1", None)]},
        {},
        {2: [("L2", None), ("L3", None)]},
        {2: [("NOPE", None), ("L4", None)]},
    ]
    known = {"L1": 11, "L2": 12, "L3": 13, "L4": 14}
    resolved, problems = resolve_lots(LEG, lines, known, {14}, D(1))
    assert resolved == {0: [(11, D(1))], 2: [(12, D(1)), (13, D(1))], 3: []}
    assert problems == [
        "line 3: 2 of LEG given, one unit needs 1",
        "line 4: component LEG has no lot/serial NOPE",
        "line 4: The serial number L4 used for component LEG has already been consumed; "
        "choose a serial that is in stock.",
    ]


def test_a_lot_without_a_quantity_is_the_units_whole_share() -> None:
    resolved, problems = resolve_lots(
        WOOD, [{1: [("W-1", None)]}, {1: [("W-1", D(1)), ("W-2", D(1))]}], {"W-1": 1, "W-2": 2},
        set(), D(2),
    )  # fmt: skip
    assert problems == []
    assert resolved == {0: [(1, D(2))], 1: [(1, D(1)), (2, D(1))]}
