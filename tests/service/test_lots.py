"""Lots: refusals in the operator's words, with the product and lot in their details."""

from __future__ import annotations

from datetime import datetime

import pytest

from lotline.app import Lotline
from lotline.errors import DuplicateLot, InvalidInput, UnknownLot


@pytest.fixture
def wood(app: Lotline) -> Lotline:
    app.products.create("WOOD", "Wood", "lot")
    app.products.create("PAPER", "Paper")
    app.lots.create("WOOD", "OAK-1")
    return app


def test_an_unknown_lot_names_the_product_and_lot_and_no_command(wood: Lotline) -> None:
    with pytest.raises(UnknownLot) as refused:
        wood.lots.get("WOOD", "OAK-9")
    assert refused.value.details == {"product": "WOOD", "lot": "OAK-9"}
    assert "OAK-9" in refused.value.message
    assert "lotline" not in refused.value.message and "`" not in refused.value.message


def test_a_second_lot_of_the_same_name_is_refused_with_its_details(wood: Lotline) -> None:
    with pytest.raises(DuplicateLot, match="already has a lot/serial number 'OAK-1'") as refused:
        wood.lots.create("WOOD", "OAK-1")
    assert refused.value.details == {"product": "WOOD", "lot": "OAK-1"}


def test_a_lot_of_an_untracked_product_is_refused_with_its_tracking(wood: Lotline) -> None:
    with pytest.raises(InvalidInput, match="PAPER is not tracked") as refused:
        wood.lots.create("PAPER", "P-1")
    assert refused.value.details == {"product": "PAPER", "tracking": "none"}


def test_an_unknown_lot_date_is_refused_with_its_name(wood: Lotline) -> None:
    with pytest.raises(InvalidInput, match="best_before") as refused:
        wood.lots.create("WOOD", "OAK-2", best_before=datetime(2030, 1, 1))
    assert refused.value.details == {"dates": ["best_before"]}


def test_creating_the_next_lots_returns_them_in_order_and_reuses_no_name(wood: Lotline) -> None:
    created = wood.lots.create_next("WOOD", 3)
    assert [lot.name for lot in created] == ["OAK-2", "OAK-3", "OAK-4"]
    assert [lot.name for lot in wood.lots.find("WOOD")] == ["OAK-1", "OAK-2", "OAK-3", "OAK-4"]
