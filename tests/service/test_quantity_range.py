"""Quantities stay within what the database can hold, and their sums stay exact."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lotline.app import Lotline
from lotline.errors import QuantityOutOfRange
from lotline.rules.quantities import MAX_STORED
from tests.support import move, receive

MOST = Decimal("999999999999.999999")  # the largest quantity one line may carry
NINE_TRILLION = Decimal(9 * 10**12)
INVENTORY = "Virtual Locations/Inventory adjustment"


def receipt(app: Lotline, product: str, quantity: Decimal) -> None:
    app.transfers.validate(app.transfers.receipt([{"product": product, "quantity": quantity}]))


def test_a_receipt_that_would_overflow_the_vendors_quant_is_refused_and_nothing_changes(
    app: Lotline,
) -> None:
    app.products.create("BIG", "Big")
    for _ in range(9):
        receipt(app, "BIG", MOST)
    tenth = app.transfers.receipt([{"product": "BIG", "quantity": MOST}])
    with pytest.raises(QuantityOutOfRange) as caught:
        app.transfers.validate(tenth.name)
    assert caught.value.code == "quantity_out_of_range"
    assert caught.value.details == {
        "product": "BIG",
        "lot": None,
        "location": "Partners/Vendors",
        "quantity": "-999999999999.999999",
        "on_hand": "-8999999999999.999991",
        "limit": "9223372036854.775807",
    }
    assert "beyond the 9223372036854.775807 a quantity can be either way" in str(caught.value)
    assert app.transfers.get(tenth.name).state == "ready"
    assert app.stock.on_hand("BIG") == 9 * MOST
    assert app.check().ok


def test_an_internal_quant_cannot_be_taken_out_of_range_either(app: Lotline) -> None:
    app.products.create("BIG", "Big", "lot")
    app.locations.create("WH/Stock/Shelf 1")
    receive(app, "BIG", [("L1", NINE_TRILLION)])
    move(app, "BIG", [("L1", NINE_TRILLION)], INVENTORY, "WH/Stock/Shelf 1")
    with pytest.raises(QuantityOutOfRange) as caught:
        move(app, "BIG", [("L1", NINE_TRILLION)], "WH/Stock/Shelf 1", "WH/Stock")
    assert (caught.value.details["location"], caught.value.details["lot"]) == ("WH/Stock", "L1")
    held = [(q.location, q.quantity) for q in app.stock.quants(product="BIG")]
    assert held == [("WH/Stock", NINE_TRILLION), ("WH/Stock/Shelf 1", NINE_TRILLION)]
    assert app.check().ok


def test_one_move_larger_than_a_quant_can_hold_is_refused(app: Lotline) -> None:
    app.products.create("BIG", "Big")
    with pytest.raises(QuantityOutOfRange, match=r"at most 9223372036854\.775807"):
        receive(app, "BIG", [(None, MAX_STORED + Decimal("0.000001"))])
    assert app.stock.quants(product="BIG", location="Partners") == []


def test_sums_beyond_64_bits_stay_exact(app: Lotline) -> None:
    app.products.create("BIG", "Big")
    app.locations.create("WH/Stock/Shelf 1")
    # WH/Stock takes in 18 trillion over time while never holding more than 9.
    receive(app, "BIG", [(None, NINE_TRILLION)])
    move(app, "BIG", [(None, NINE_TRILLION)], "WH/Stock", "Partners/Customers")
    move(app, "BIG", [(None, NINE_TRILLION)], INVENTORY, "WH/Stock")
    move(app, "BIG", [(None, NINE_TRILLION)], "Virtual Locations/Production", "WH/Stock/Shelf 1")
    assert app.stock.on_hand("BIG") == 2 * NINE_TRILLION
    assert app.stock.on_hand("BIG", "WH/Stock") == 2 * NINE_TRILLION
    assert app.stock.on_hand("BIG", "WH/Stock/Shelf 1") == NINE_TRILLION
    report = app.check()
    assert report.ok, report.differences
