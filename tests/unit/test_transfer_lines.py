"""Reading the lots of a document line: {name: qty}, [serial, ...], pairs or a bare quantity."""

from decimal import Decimal

import pytest

from lotline.errors import InvalidInput, InvalidLotName, InvalidQuantity, MissingLot
from lotline.models import Product
from lotline.services.transfers import parse_details

CHAIR = Product(1, "CHAIR", "Chair", "Units", "serial")
WOOD = Product(2, "WOOD", "Wood", "m", "lot")
SCREW = Product(3, "SCREW", "Screw", "Units", "none")


def test_lots_with_quantities_become_exact_pairs() -> None:
    assert parse_details(WOOD, {"A-1": "2.5", " A-2 ": 4}) == [
        ("A-1", Decimal("2.5")),
        ("A-2", Decimal(4)),
    ]


def test_a_list_of_serials_is_one_unit_each_and_pairs_are_accepted() -> None:
    assert parse_details(CHAIR, ["S1", ("S2", Decimal(1))]) == [("S1", 1), ("S2", 1)]


def test_a_bare_quantity_is_for_untracked_products_only() -> None:
    assert parse_details(SCREW, "3") == [(None, Decimal(3))]
    with pytest.raises(MissingLot, match="WOOD"):
        parse_details(WOOD, 3)


def test_refusals_name_the_lot_and_the_fix() -> None:
    with pytest.raises(InvalidQuantity, match=r"S1 is one unit, not 2"):
        parse_details(CHAIR, {"S1": 2})
    with pytest.raises(InvalidInput, match=r"S1 of CHAIR is given twice"):
        parse_details(CHAIR, ["S1", "S1"])
    with pytest.raises(InvalidInput, match="tracked by lot"):
        parse_details(WOOD, ["A-1"])
    with pytest.raises(InvalidInput, match="not tracked"):
        parse_details(SCREW, {"A-1": 1})
    with pytest.raises(InvalidQuantity, match="greater than zero"):
        parse_details(WOOD, {"A-1": 0})
    with pytest.raises(InvalidLotName):
        parse_details(CHAIR, [""])


def test_no_lots_is_an_empty_list() -> None:
    assert parse_details(WOOD, None) == []
