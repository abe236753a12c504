"""Four PostgreSQL users acting on one transfer or one order at once: one wins, and the
others are told in the operator's words, never with a constraint name."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import Connection, RowMapping

import lotline
from lotline.errors import InvalidInput, InvalidState, LotlineError
from lotline.services import documents
from lotline.services.manufacturing import batch, production
from tests.service.test_manufacturing_concurrency import race_all
from tests.support import receive

USERS = 4


@pytest.fixture
def all_read_first(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Make every user read the document before any of them locks it: the worst case."""

    def patch(*modules: object) -> None:
        original = documents.lock
        barrier = threading.Barrier(USERS, timeout=30)

        def lock(conn: Connection, row: RowMapping, action: str) -> RowMapping:
            barrier.wait()
            return original(conn, row, action)

        for module in modules:
            monkeypatch.setattr(module, "lock", lock)

    return patch


def one_won(outcomes: list[LotlineError | None], name: str, state: str) -> None:
    """One user succeeded; each other one was told the document just changed."""
    assert sum(o is None for o in outcomes) == 1, outcomes
    for refusal in (o for o in outcomes if o is not None):
        assert isinstance(refusal, InvalidState), refusal
        assert str(refusal) == f"{name} was just changed by another user: it is now {state}."
        assert "constraint" not in refusal.details


def stocked(url: str) -> lotline.Lotline:
    app = lotline.open(url)
    app.products.create("PART", "Part", "lot")
    receive(app, "PART", [("P-1", 100)])
    return app


@pytest.mark.parametrize(("action", "state"), [("validate", "done"), ("cancel", "cancelled")])
def test_four_users_closing_one_delivery_at_once(
    postgres_url: str, all_read_first: Callable[..., None], action: str, state: str
) -> None:
    setup = stocked(postgres_url)
    delivery = setup.transfers.delivery([{"product": "PART", "quantity": 5}])
    name = setup.transfers.reserve(delivery.name).name

    all_read_first(documents)
    outcomes = race_all(postgres_url, USERS, lambda app: getattr(app.transfers, action)(name))

    one_won(outcomes, name, state)
    assert setup.stock.on_hand("PART") == (95 if state == "done" else 100)
    assert setup.check().ok
    setup.close()


def test_four_users_returning_one_delivery_at_once_return_it_once(postgres_url: str) -> None:
    setup = stocked(postgres_url)
    delivery = setup.transfers.delivery([{"product": "PART", "quantity": 5}])
    done = setup.transfers.validate(setup.transfers.reserve(delivery.name).name)

    outcomes = race_all(postgres_url, USERS, lambda app: app.transfers.return_of(done.name))

    assert sum(o is None for o in outcomes) == 1, outcomes
    for refusal in (o for o in outcomes if o is not None):
        assert isinstance(refusal, InvalidInput), refusal
        assert "already been returned" in str(refusal)
    assert len(setup.transfers.list(kind="receipt")) == 1
    setup.close()


def serial_order(url: str) -> tuple[lotline.Lotline, str]:
    """A confirmed order of 3 serial-tracked FRAME, each made of 2 PART."""
    setup = stocked(url)
    setup.products.create("FRAME", "Frame", "serial")
    setup.manufacturing.bom("FRAME", {"PART": 2})
    return setup, setup.manufacturing.confirm(setup.manufacturing.order("FRAME", 3)).name


@pytest.mark.parametrize(("complete", "state"), [(True, "done"), (False, "confirmed")])
def test_four_users_batch_producing_one_order_at_once(
    postgres_url: str, all_read_first: Callable[..., None], complete: bool, state: str
) -> None:
    setup, name = serial_order(postgres_url)

    all_read_first(batch)
    outcomes = race_all(
        postgres_url,
        USERS,
        lambda app: app.manufacturing.batch_produce(name, count=3, complete=complete),
    )

    one_won(outcomes, name, state)
    family = setup.manufacturing.backorders(f"{name}-001")
    assert [(o.name, o.state) for o in family] == [(f"{name}-{i:03d}", state) for i in (1, 2, 3)]
    assert setup.stock.on_hand("FRAME") == (3 if complete else 0)
    assert setup.check().ok
    setup.close()


def test_batch_production_and_produce_all_of_one_order_at_once(
    postgres_url: str, all_read_first: Callable[..., None]
) -> None:
    setup, name = serial_order(postgres_url)
    setup.manufacturing.cancel(name)
    name = setup.manufacturing.confirm(setup.manufacturing.order("FRAME", 1)).name

    all_read_first(batch, production)

    def work(app: lotline.Lotline) -> object:
        if app.user in ("user0", "user1"):
            return app.manufacturing.batch_produce(name, names=[f"S-{app.user}"])
        return app.manufacturing.produce_all(name)

    outcomes = race_all(postgres_url, USERS, work)

    one_won(outcomes, name, "done")
    assert setup.stock.on_hand("FRAME") == 1
    assert setup.check().ok
    setup.close()
