"""Create and validate in one call: all of it, or nothing; a partial one only when asked."""

from __future__ import annotations

from datetime import datetime

import pytest

from lotline.app import Lotline
from lotline.errors import (
    InsufficientStock,
    InvalidInput,
    MissingLot,
    PartialTransfer,
    SerialAlreadyInStock,
    UnknownLot,
)


@pytest.fixture
def wh(app: Lotline) -> Lotline:
    app.products.create("CHAIR", "Chair", "serial")
    app.products.create("WOOD", "Oak plank", "lot", unit="m")
    app.locations.create("WH/Stock/Shelf 1")
    app.transfers.receive([{"product": "WOOD", "quantity": 15, "lots": {"OAK-1": 15}}])
    app.transfers.receive([{"product": "CHAIR", "quantity": 1, "lots": ["SN1"]}])
    return app


def names(app: Lotline) -> list[str]:
    return [op.name for op in app.transfers.list()]


def test_receive_creates_and_validates_in_one_call(wh: Lotline) -> None:
    done = wh.transfers.receive(
        [{"product": "CHAIR", "quantity": 2, "lots": ["SN2", "SN3"]}], partner="Chairs Inc"
    )
    assert (done.kind, done.state, done.partner) == ("receipt", "done", "Chairs Inc")
    assert wh.stock.on_hand("CHAIR") == 3


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ({"product": "CHAIR", "quantity": 1, "lots": ["SN1"]}, SerialAlreadyInStock),
        ({"product": "WOOD", "quantity": 5}, MissingLot),
        ({"product": "WOOD", "quantity": -5, "lots": {"X": 1}}, InvalidInput),
    ],
)
def test_a_refused_receipt_leaves_no_document(
    wh: Lotline, line: dict[str, object], error: type[Exception]
) -> None:
    before = names(wh)
    for _ in range(2):
        with pytest.raises(error):
            wh.transfers.receive([line])
    assert names(wh) == before
    assert wh.transfers.receive([{"product": "WOOD", "quantity": 1, "lots": {"N": 1}}]).name == (
        "WH/IN/00003"
    )


def test_a_refused_delivery_leaves_no_document(wh: Lotline) -> None:
    before = names(wh)
    with pytest.raises((UnknownLot, InsufficientStock)):
        wh.transfers.deliver([{"product": "CHAIR", "quantity": 1, "lots": ["SN404"]}])
    with pytest.raises(InsufficientStock):
        wh.transfers.deliver([{"product": "CHAIR", "quantity": 1}], source="WH/Stock/Shelf 1")
    assert names(wh) == before
    assert wh.stock.on_hand("CHAIR") == 1


def test_a_short_delivery_without_a_choice_is_refused_with_what_is_available(
    wh: Lotline,
) -> None:
    before = names(wh)
    with pytest.raises(PartialTransfer) as refused:
        wh.transfers.deliver([{"product": "WOOD", "quantity": 1000}], backorder=None)
    assert "15 of the 1000 WOOD" in refused.value.message and "WH/Stock" in refused.value.message
    assert refused.value.details == {
        "product": "WOOD",
        "quantity": "1000",
        "available": "15",
        "location": "WH/Stock",
        "kind": "delivery",
    }
    assert names(wh) == before
    assert wh.stock.on_hand("WOOD") == 15


def test_a_short_receipt_without_a_choice_is_refused(wh: Lotline) -> None:
    with pytest.raises(PartialTransfer) as refused:
        wh.transfers.receive(
            [{"product": "CHAIR", "quantity": 3, "lots": ["SN5", "SN6"]}], backorder=None
        )
    assert "cover 2 of the 3 CHAIR" in refused.value.message
    assert wh.stock.on_hand("CHAIR") == 1


def test_a_short_delivery_keeps_the_rest_in_a_backorder_or_drops_it(wh: Lotline) -> None:
    done = wh.transfers.deliver([{"product": "WOOD", "quantity": 20}], backorder=True)
    backorders = [wh.transfers.get(b.name) for b in wh.transfers.backorders(done)]
    assert [b.lines[0].quantity for b in backorders] == [5]
    wh.transfers.receive([{"product": "WOOD", "quantity": 4, "lots": {"OAK-2": 4}}])
    dropped = wh.transfers.deliver([{"product": "WOOD", "quantity": 10}], backorder=False)
    assert dropped.state == "done" and wh.transfers.backorders(dropped) == []
    assert wh.stock.on_hand("WOOD") == 0


def test_a_full_delivery_needs_no_choice(wh: Lotline) -> None:
    done = wh.transfers.deliver([{"product": "WOOD", "quantity": 15}], backorder=None)
    assert done.state == "done" and wh.stock.on_hand("WOOD") == 0


def test_move_validates_an_internal_transfer_in_one_call(wh: Lotline) -> None:
    done = wh.transfers.move(
        [{"product": "CHAIR", "quantity": 1, "lots": ["SN1"]}], "WH/Stock", "WH/Stock/Shelf 1"
    )
    assert done.kind == "internal" and done.state == "done"
    assert wh.stock.on_hand("CHAIR", "WH/Stock/Shelf 1") == 1


def test_validate_without_a_choice_refuses_a_partial_document_and_keeps_it(wh: Lotline) -> None:
    draft = wh.transfers.delivery([{"product": "WOOD", "quantity": 16}])
    with pytest.raises(PartialTransfer):
        wh.transfers.validate(draft, backorder=None)
    assert wh.transfers.get(draft.name).state == "draft"
    assert wh.transfers.validate(draft).state == "done"


def test_a_lots_reference_note_and_dates_change_and_clear(wh: Lotline) -> None:
    when = datetime(2027, 1, 31, 12, 0)
    lot = wh.lots.update("WOOD", "OAK-1", ref="PO-7", note="kiln dried", expiration_date=when)
    assert (lot.ref, lot.note, lot.expiration_date) == ("PO-7", "kiln dried", when)
    lot = wh.lots.update("WOOD", "OAK-1", note=None)
    assert (lot.ref, lot.note, lot.expiration_date) == ("PO-7", None, when)
    with pytest.raises(InvalidInput):
        wh.lots.update("WOOD", "OAK-1", colour="red")
    with pytest.raises(UnknownLot):
        wh.lots.update("WOOD", "NOPE", ref="x")
