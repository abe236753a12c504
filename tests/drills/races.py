"""Same-call races: what each scenario sets up, the call every worker makes at the same
instant (module level, so that it pickles), and the exact outcome expected.

A scenario's ``setup(app)`` returns the names its call needs; ``call(app, index,
**names)`` runs in a worker process; ``expect(app, outcomes, **names)`` asserts the
outcome, on top of the stock invariants that every race checks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import lotline
from lotline.app import Lotline
from tests.drills.crew import Outcome


def open_database(url: str, index: int) -> str:
    lotline.open(url, user=f"user{index}").close()
    return "opened"


@dataclass(frozen=True)
class Race:
    """A scenario; ``defects`` maps a backend to the known defect it fails by today."""

    name: str
    callers: int
    setup: Callable[[Lotline], dict[str, Any]]
    call: Callable[..., Any]
    expect: Callable[..., None]
    defects: dict[str, str] = field(default_factory=dict)


LOST_UPDATE = "issue 13 defect 4: PostgreSQL set_quantity on a new quant loses updates"


def one_wins(outcomes: list[Outcome], refusal: str = "InvalidState") -> None:
    """Exactly one caller succeeded; each other one got ``refusal``, in the operator's words."""
    shown = "\n".join(map(str, outcomes))
    assert sum(o.ok for o in outcomes) == 1, shown
    assert all(o.ok or (o.error == refusal and not o.defect) for o in outcomes), shown


def none_broken(outcomes: list[Outcome]) -> None:
    """Every caller succeeded or was refused in the operator's words."""
    assert not any(o.defect for o in outcomes), "\n".join(map(str, outcomes))


def receive(app: Lotline, product: str, quantity: int, lots: Any = None) -> None:
    line: dict[str, Any] = {"product": product, "quantity": quantity}
    if lots is not None:
        line["lots"] = lots
    app.transfers.validate(app.transfers.receipt([line]))


# --- 4 cancel one confirmed order whose component quants a reserved delivery shares ---


def _shared_components(app: Lotline) -> dict[str, Any]:
    app.products.create("PART", "Part")
    app.products.create("KIT", "Kit")
    receive(app, "PART", 100)
    delivery = app.transfers.reserve(app.transfers.delivery([{"product": "PART", "quantity": 5}]))
    app.manufacturing.bom("KIT", {"PART": 1})
    mo = app.manufacturing.confirm(app.manufacturing.order("KIT", 1))
    return {"mo": mo.name, "delivery": delivery.name}


def cancel_mo(app: Lotline, index: int, mo: str, **_: Any) -> str:
    return app.manufacturing.cancel(mo).state


def _cancelled_once(app: Lotline, outcomes: list[Outcome], mo: str, delivery: str) -> None:
    one_wins(outcomes)
    assert app.manufacturing.get(mo).state == "cancelled"
    assert app.stock.quants(product="PART")[0].reserved_quantity == 5
    assert app.transfers.validate(delivery).state == "done"
    assert app.stock.on_hand("PART") == 95


# --- 4 confirm one draft order of three components ---------------------------------


def _draft_order(app: Lotline) -> dict[str, Any]:
    for code in ("KIT", "PART", "BOLT", "NUT"):
        app.products.create(code, code.title())
    for code in ("PART", "BOLT", "NUT"):
        receive(app, code, 100)
    app.manufacturing.bom("KIT", {"PART": 1, "BOLT": 2, "NUT": 3})
    return {"mo": app.manufacturing.order("KIT", 1).name}


def confirm_mo(app: Lotline, index: int, mo: str) -> str:
    return app.manufacturing.confirm(mo).state


def _confirmed_once(app: Lotline, outcomes: list[Outcome], mo: str) -> None:
    one_wins(outcomes)
    order = app.manufacturing.get(mo)
    assert [(c.product, c.quantity, c.reserved) for c in order.components] == [
        ("PART", 1, 1),
        ("BOLT", 2, 2),
        ("NUT", 3, 3),
    ]
    assert sum(q.reserved_quantity for q in app.stock.quants()) == 6


# --- 4 set the component lots of one order ------------------------------------------


def _lot_order(app: Lotline) -> dict[str, Any]:
    app.products.create("FLOUR", "Flour", "lot")
    app.products.create("BREAD", "Bread", "lot")
    receive(app, "FLOUR", 200, {"F-01": 100, "F-02": 100})
    delivery = app.transfers.delivery([{"product": "FLOUR", "quantity": 20}])
    app.transfers.reserve(delivery)
    app.manufacturing.bom("BREAD", {"FLOUR": 10})
    mo = app.manufacturing.confirm(app.manufacturing.order("BREAD", 3))
    return {"mo": mo.name, "delivery": delivery.name}


def set_component_lots(app: Lotline, index: int, mo: str, delivery: str) -> str:
    return app.manufacturing.set_component_lots(mo, "FLOUR", {"F-02": 20, "F-01": 10}).state


def _component_lots_set(app: Lotline, outcomes: list[Outcome], mo: str, delivery: str) -> None:
    none_broken(outcomes)
    assert any(o.ok for o in outcomes)
    assert app.manufacturing.get(mo).component("FLOUR").lots == {"F-01": 10, "F-02": 20}
    reserved = {q.lot: q.reserved_quantity for q in app.stock.quants(product="FLOUR")}
    assert reserved == {"F-01": 30, "F-02": 20}
    assert app.transfers.validate(delivery).state == "done"


# --- 4 set the quantity of a quant that does not exist yet ----------------------------


def _new_shelf(app: Lotline) -> dict[str, Any]:
    app.products.create("GLUE", "Glue", "lot")
    app.products.create("PASTE", "Paste")
    app.locations.create("WH/Stock/Shelf 9")
    return {}


def set_lot_quantity(app: Lotline, index: int) -> bool:
    return app.adjustments.set_quantity("GLUE", "WH/Stock/Shelf 9", 5, lot="G1") is not None


def _lot_set_to_five(app: Lotline, outcomes: list[Outcome]) -> None:
    none_broken(outcomes)
    assert app.stock.on_hand("GLUE", "WH/Stock/Shelf 9", lot="G1") == 5


def set_untracked_quantity(app: Lotline, index: int) -> bool:
    return app.adjustments.set_quantity("PASTE", "WH/Stock/Shelf 9", 7) is not None


def _untracked_set_to_seven(app: Lotline, outcomes: list[Outcome]) -> None:
    none_broken(outcomes)
    assert app.stock.on_hand("PASTE", "WH/Stock/Shelf 9") == 7


# --- 2 produce one order ---------------------------------------------------------------


def _table_order(app: Lotline) -> dict[str, Any]:
    app.products.create("TABLE", "Table", "lot")
    app.products.create("WOOD", "Wood", "lot")
    app.products.create("SCREW", "Screw")
    receive(app, "WOOD", 20, {"W-1": 20})
    receive(app, "SCREW", 100)
    app.manufacturing.bom("TABLE", {"WOOD": 2, "SCREW": 4})
    return {"mo": app.manufacturing.confirm(app.manufacturing.order("TABLE", 2)).name}


def produce_all(app: Lotline, index: int, mo: str) -> str:
    return app.manufacturing.produce_all(mo).state


def _produced_once(app: Lotline, outcomes: list[Outcome], mo: str) -> None:
    one_wins(outcomes)
    assert app.stock.on_hand("TABLE") == 2
    assert app.stock.on_hand("WOOD") == 16
    assert app.stock.on_hand("SCREW") == 92


def _chair_order(app: Lotline) -> dict[str, Any]:
    app.products.create("CHAIR", "Chair", "serial")
    app.products.create("SCREW", "Screw")
    receive(app, "SCREW", 100)
    app.manufacturing.bom("CHAIR", {"SCREW": 2})
    return {"mo": app.manufacturing.confirm(app.manufacturing.order("CHAIR", 3)).name}


def batch_produce(app: Lotline, index: int, mo: str) -> int:
    return len(app.manufacturing.batch_produce(mo, first="CH001", count=3))


def _batch_produced_once(app: Lotline, outcomes: list[Outcome], mo: str) -> None:
    one_wins(outcomes)
    assert app.stock.on_hand("CHAIR") == 3
    assert app.stock.on_hand("SCREW") == 94


# --- transfers ---------------------------------------------------------------------------


def _ready_delivery(app: Lotline) -> dict[str, Any]:
    app.products.create("WOOD", "Wood", "lot")
    receive(app, "WOOD", 10, {"W-1": 10})
    delivery = app.transfers.delivery([{"product": "WOOD", "quantity": 4}])
    return {"delivery": app.transfers.reserve(delivery).name}


def validate(app: Lotline, index: int, delivery: str) -> str:
    return app.transfers.validate(delivery).state


def _delivered_once(app: Lotline, outcomes: list[Outcome], delivery: str) -> None:
    one_wins(outcomes)
    assert app.stock.on_hand("WOOD") == 6


def cancel(app: Lotline, index: int, delivery: str) -> str:
    return app.transfers.cancel(delivery).state


def _cancelled_delivery(app: Lotline, outcomes: list[Outcome], delivery: str) -> None:
    one_wins(outcomes)
    assert app.transfers.get(delivery).state == "cancelled"
    assert app.stock.quants(product="WOOD")[0].reserved_quantity == 0


def _ready_receipt(app: Lotline) -> dict[str, Any]:
    app.products.create("SN", "Serial", "serial")
    lines = [{"product": "SN", "quantity": 10, "first": "S001", "count": 10}]
    return {"delivery": app.transfers.receipt(lines).name}


def _received_once(app: Lotline, outcomes: list[Outcome], delivery: str) -> None:
    one_wins(outcomes)
    assert app.stock.on_hand("SN") == 10


def _one_serial_four_deliveries(app: Lotline) -> dict[str, Any]:
    app.products.create("SN", "Serial", "serial")
    receive(app, "SN", 1, ["S1"])
    for _ in range(4):
        app.transfers.delivery([{"product": "SN", "quantity": 1}])
    return {}


def reserve_own(app: Lotline, index: int) -> str:
    return app.transfers.reserve(f"WH/OUT/{index + 1:05d}").state


def _reserved_once(app: Lotline, outcomes: list[Outcome]) -> None:
    none_broken(outcomes)
    assert sorted(str(o.value) for o in outcomes if o.ok).count("ready") == 1
    assert [q.reserved_quantity for q in app.stock.quants(product="SN")] == [1]


def _delivered_serial(app: Lotline) -> dict[str, Any]:
    app.products.create("SN", "Serial", "serial")
    receive(app, "SN", 1, ["S1"])
    delivery = app.transfers.delivery([{"product": "SN", "quantity": 1, "lots": ["S1"]}])
    return {"delivery": app.transfers.validate(app.transfers.reserve(delivery)).name}


def return_and_validate(app: Lotline, index: int, delivery: str) -> str:
    return app.transfers.validate(app.transfers.return_of(delivery)).state


def _returned_once(app: Lotline, outcomes: list[Outcome], delivery: str) -> None:
    none_broken(outcomes)
    assert sum(o.ok for o in outcomes) == 1, "\n".join(map(str, outcomes))
    assert app.stock.on_hand("SN", lot="S1") == 1


def _three_paste(app: Lotline) -> dict[str, Any]:
    app.products.create("PASTE", "Paste")
    receive(app, "PASTE", 3)
    return {}


def deliver_two(app: Lotline, index: int) -> str:
    delivery = app.transfers.reserve(app.transfers.delivery([{"product": "PASTE", "quantity": 2}]))
    if delivery.state != "ready":
        return app.transfers.cancel(delivery).state
    return app.transfers.validate(delivery).state


def _delivered_to_one(app: Lotline, outcomes: list[Outcome]) -> None:
    none_broken(outcomes)
    assert [o.value for o in outcomes if o.ok].count("done") == 1
    assert app.stock.on_hand("PASTE") == 1


# --- adjustments -------------------------------------------------------------------------


def _adjusted(app: Lotline) -> dict[str, Any]:
    app.products.create("GLUE", "Glue", "lot")
    app.products.create("PART", "Part")
    receive(app, "PART", 100)
    adjustment = app.adjustments.set_quantity("GLUE", "WH/Stock", 5, lot="G1")
    assert adjustment is not None
    app.adjustments.count("PART", "WH/Stock", 90)
    return {"adjustment": adjustment.name}


def revert(app: Lotline, index: int, adjustment: str) -> str:
    return app.adjustments.revert(adjustment).name


def _reverted_once(app: Lotline, outcomes: list[Outcome], adjustment: str) -> None:
    one_wins(outcomes)
    assert app.stock.on_hand("GLUE") == 0


def apply_counts(app: Lotline, index: int, adjustment: str) -> str | None:
    done = app.adjustments.apply()
    return None if done is None else done.name


def _applied_once(app: Lotline, outcomes: list[Outcome], adjustment: str) -> None:
    none_broken(outcomes)
    assert len([o for o in outcomes if o.ok and o.value is not None]) == 1
    assert app.stock.on_hand("PART") == 90


def _untracked_glue(app: Lotline) -> dict[str, Any]:
    app.products.create("GLUE", "Glue")
    receive(app, "GLUE", 10)
    app.products.set_tracking("GLUE", "lot")
    return {}


def assign_lots(app: Lotline, index: int) -> str:
    return app.adjustments.assign_lots("GLUE", "WH/Stock", {"A": 6, "B": 4}).name


def _assigned_once(app: Lotline, outcomes: list[Outcome]) -> None:
    none_broken(outcomes)
    assert sum(o.ok for o in outcomes) == 1, "\n".join(map(str, outcomes))
    assert {q.lot: q.quantity for q in app.stock.quants(product="GLUE")} == {"A": 6, "B": 4}


def _nothing(app: Lotline) -> dict[str, Any]:
    return {}


def create_product(app: Lotline, index: int) -> str:
    return app.products.create("X", f"X by {index}").code


def _created_once(app: Lotline, outcomes: list[Outcome]) -> None:
    one_wins(outcomes, "DuplicateProduct")
    assert [p.code for p in app.products.list()] == ["X"]


RACES = [
    Race(
        "cancel_mo_shared_quants",
        4,
        _shared_components,
        cancel_mo,
        _cancelled_once,
    ),
    Race(
        "confirm_draft_mo",
        4,
        _draft_order,
        confirm_mo,
        _confirmed_once,
    ),
    Race(
        "set_component_lots",
        4,
        _lot_order,
        set_component_lots,
        _component_lots_set,
    ),
    Race(
        "set_quantity_new_lot_quant",
        4,
        _new_shelf,
        set_lot_quantity,
        _lot_set_to_five,
        {"postgresql": LOST_UPDATE},
    ),
    Race(
        "set_quantity_new_quant",
        4,
        _new_shelf,
        set_untracked_quantity,
        _untracked_set_to_seven,
        {"postgresql": LOST_UPDATE},
    ),
    Race(
        "produce_all",
        2,
        _table_order,
        produce_all,
        _produced_once,
    ),
    Race(
        "batch_produce",
        2,
        _chair_order,
        batch_produce,
        _batch_produced_once,
    ),
    Race("validate_delivery", 2, _ready_delivery, validate, _delivered_once),
    Race("cancel_delivery", 4, _ready_delivery, cancel, _cancelled_delivery),
    Race("validate_receipt", 4, _ready_receipt, validate, _received_once),
    Race("reserve_one_serial", 4, _one_serial_four_deliveries, reserve_own, _reserved_once),
    Race("return_one_serial", 4, _delivered_serial, return_and_validate, _returned_once),
    Race("deliver_last_units", 4, _three_paste, deliver_two, _delivered_to_one),
    Race("revert_adjustment", 4, _adjusted, revert, _reverted_once),
    Race("apply_counts", 4, _adjusted, apply_counts, _applied_once),
    Race("assign_lots", 4, _untracked_glue, assign_lots, _assigned_once),
    Race("create_product", 4, _nothing, create_product, _created_once),
]
