"""Returning what moved before the product's tracking changed: never a lot named ""."""

from __future__ import annotations

import pytest

from lotline.app import Lotline
from lotline.errors import InvalidQuantity, MissingLot
from lotline.models import Operation


def delivered_before_lots(app: Lotline) -> Operation:
    """X received (6) and delivered (1) untracked, then tracked by lot; the delivery."""
    app.products.create("X", "Widget")
    app.transfers.validate(app.transfers.receipt([{"product": "X", "quantity": 6}]))
    delivery = app.transfers.delivery([{"product": "X", "quantity": 1}])
    done = app.transfers.validate(app.transfers.reserve(delivery.name))
    app.products.set_tracking("X", "lot")
    return done


def test_a_return_of_units_that_moved_without_a_lot_asks_for_their_lots(app: Lotline) -> None:
    delivery = delivered_before_lots(app)
    with pytest.raises(MissingLot) as caught:
        app.transfers.return_of(delivery.name)
    assert "without a lot" in str(caught.value) and "give the lot" in str(caught.value)
    assert caught.value.details == {
        "document": delivery.name,
        "product": "X",
        "tracking": "lot",
        "quantity": "1",
    }
    with pytest.raises(MissingLot):
        app.transfers.return_of(delivery.name, [{"product": "X", "quantity": 1}])
    assert app.lots.find("X") == []
    assert [t.name for t in app.transfers.list(kind="receipt")] == ["WH/IN/00001"]


def test_units_that_moved_without_a_lot_come_back_in_the_lots_given(app: Lotline) -> None:
    delivery = delivered_before_lots(app)
    back = app.transfers.return_of(delivery.name, [{"product": "X", "lots": {"R-1": 1}}])
    app.transfers.validate(back.name)
    assert {q.lot: q.quantity for q in app.stock.quants(product="X")} == {None: 5, "R-1": 1}
    assert [lot.name for lot in app.lots.find("X")] == ["R-1"]
    with pytest.raises(InvalidQuantity, match="not returned yet"):
        app.transfers.return_of(delivery.name, [{"product": "X", "lots": {"R-2": 1}}])
    assert app.check().ok


def test_lots_returned_after_tracking_stopped_come_back_without_a_lot(app: Lotline) -> None:
    app.products.create("Y", "Gadget", "lot")
    app.transfers.validate(
        app.transfers.receipt([{"product": "Y", "quantity": 4, "lots": {"L1": 4}}])
    )
    delivery = app.transfers.delivery([{"product": "Y", "quantity": 3, "lots": {"L1": 3}}])
    done = app.transfers.validate(app.transfers.reserve(delivery.name))
    app.products.set_tracking("Y", "none")
    first = app.transfers.return_of(done.name, [{"product": "Y", "quantity": 2}])
    app.transfers.validate(first.name)
    rest = app.transfers.validate(app.transfers.return_of(done.name))
    assert [(line.product, line.quantity) for line in rest.lines] == [("Y", 1)]
    with pytest.raises(Exception, match="already been returned"):
        app.transfers.return_of(done.name)
    assert app.stock.on_hand("Y") == 4
    assert app.check().ok
