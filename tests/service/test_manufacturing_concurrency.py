"""Several PostgreSQL connections acting on one manufacturing order at once: one wins."""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import ModuleType

import pytest
from sqlalchemy import Connection, RowMapping

import lotline
from lotline.errors import InvalidState, LotlineError
from lotline.services import documents
from lotline.services.manufacturing import orders, production
from tests.support import receive


def race_all(
    url: str, count: int, work: Callable[[lotline.Lotline], object]
) -> list[LotlineError | None]:
    """Run ``work`` on ``count`` connections released at the same instant.

    Returns each side's refusal, or None when it succeeded; any other exception fails.
    """
    apps = [lotline.open(url, user=f"user{i}") for i in range(count)]
    barrier = threading.Barrier(count)
    outcomes: list[LotlineError | None] = [None] * count
    crashes: list[BaseException] = []

    def attempt(index: int) -> None:
        barrier.wait()
        try:
            work(apps[index])
        except LotlineError as exc:
            outcomes[index] = exc
        except BaseException as exc:
            crashes.append(exc)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for opened in apps:
        opened.close()
    assert not crashes, crashes
    return outcomes


def read_before_locking(monkeypatch: pytest.MonkeyPatch, module: ModuleType, count: int) -> None:
    """Make ``count`` users all read the order before any of them locks it: the worst case."""
    barrier = threading.Barrier(count, timeout=30)

    def lock(conn: Connection, row: RowMapping, action: str) -> RowMapping:
        barrier.wait()
        return documents.lock(conn, row, action)

    monkeypatch.setattr(module, "lock", lock)


def _one_won(outcomes: list[LotlineError | None], name: str, state: str, action: str) -> None:
    assert sum(o is None for o in outcomes) == 1, outcomes
    for refusal in (o for o in outcomes if o is not None):
        assert isinstance(refusal, InvalidState), refusal
        assert str(refusal) == f"{name} was just changed by another user: it is now {state}."
        assert refusal.details == {
            "document": name,
            "kind": "manufacturing",
            "state": state,
            "action": action,
        }


def test_two_produce_all_of_one_order_at_once_produce_it_once(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup = lotline.open(postgres_url)
    setup.products.create("TABLE", "Table", "lot", lot_prefix="TB")
    setup.products.create("WOOD", "Oak plank", "lot")
    receive(setup, "WOOD", [("W-1", 10)])
    setup.manufacturing.bom("TABLE", {"WOOD": 3})
    mo = setup.manufacturing.confirm(setup.manufacturing.order("TABLE", 2))

    read_before_locking(monkeypatch, production, 2)
    outcomes = race_all(postgres_url, 2, lambda app: app.manufacturing.produce_all(mo.name))

    _one_won(outcomes, mo.name, "done", "produce")
    assert setup.stock.on_hand("TABLE") == 2
    assert setup.stock.on_hand("WOOD", lot="W-1") == 4
    assert [q.reserved_quantity for q in setup.stock.quants(product="WOOD")] == [0]
    assert setup.manufacturing.get(mo.name).state == "done"
    assert setup.check().ok
    setup.close()


def test_four_cancels_of_one_order_release_its_components_once(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup = lotline.open(postgres_url)
    setup.products.create("KIT", "Kit", "none")
    setup.products.create("PART", "Part", "none")
    receive(setup, "PART", [(None, 100)])
    delivery = setup.transfers.reserve(
        setup.transfers.delivery([{"product": "PART", "quantity": 5}])
    )
    setup.manufacturing.bom("KIT", {"PART": 1})
    mo = setup.manufacturing.confirm(setup.manufacturing.order("KIT", 1))
    assert [q.reserved_quantity for q in setup.stock.quants(product="PART")] == [6]

    read_before_locking(monkeypatch, orders, 4)
    outcomes = race_all(postgres_url, 4, lambda app: app.manufacturing.cancel(mo.name))

    _one_won(outcomes, mo.name, "cancelled", "cancel")
    assert [q.reserved_quantity for q in setup.stock.quants(product="PART")] == [5]
    assert setup.transfers.validate(delivery).state == "done"
    assert setup.stock.on_hand("PART") == 95
    assert setup.check().ok
    setup.close()


def test_four_confirms_of_one_draft_create_its_component_moves_once(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup = lotline.open(postgres_url)
    setup.products.create("TABLE", "Table", "lot")
    setup.products.create("WOOD", "Oak plank", "lot")
    setup.products.create("SCREW", "Screw", "none")
    receive(setup, "WOOD", [("W-1", 10)])
    receive(setup, "SCREW", [(None, 100)])
    setup.manufacturing.bom("TABLE", {"WOOD": 3, "SCREW": 4})
    mo = setup.manufacturing.order("TABLE", 2)

    read_before_locking(monkeypatch, orders, 4)
    outcomes = race_all(postgres_url, 4, lambda app: app.manufacturing.confirm(mo.name))

    _one_won(outcomes, mo.name, "confirmed", "confirm")
    confirmed = setup.manufacturing.get(mo.name)
    assert [(c.product, c.quantity, c.reserved) for c in confirmed.components] == [
        ("WOOD", 6, 6),
        ("SCREW", 8, 8),
    ]
    assert sorted(q.reserved_quantity for q in setup.stock.quants()) == [6, 8]
    assert setup.manufacturing.produce_all(mo.name).state == "done"
    assert setup.stock.on_hand("WOOD") == 4 and setup.stock.on_hand("SCREW") == 92
    assert setup.check().ok
    setup.close()
