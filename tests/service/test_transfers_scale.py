"""Thousands of serials per document: a fixed number of bulk statements, whatever N."""

from collections.abc import Iterator

import pytest

from lotline.app import Lotline
from tests.conftest import StatementCounter


@pytest.fixture
def wh(app: Lotline) -> Iterator[Lotline]:
    app.products.create("CHAIR", "Chair", "serial")
    yield app
    assert app.check().ok


def serials(prefix: str, count: int) -> list[str]:
    return [f"{prefix}{i:06d}" for i in range(count)]


def receive_and_count(app: Lotline, prefix: str, count: int) -> StatementCounter:
    op = app.transfers.receipt([{"product": "CHAIR", "lots": serials(prefix, count)}])
    with StatementCounter(app.db.engine) as counter:
        app.transfers.validate(op)
    return counter


def deliver_and_count(app: Lotline, prefix: str, count: int) -> tuple[int, int]:
    op = app.transfers.delivery([{"product": "CHAIR", "quantity": count}])
    with StatementCounter(app.db.engine) as reserving:
        op = app.transfers.reserve(op)
    with StatementCounter(app.db.engine) as validating:
        app.transfers.validate(op)
    return reserving.count(), validating.count()


def test_receipt_of_ten_thousand_serials_is_validated_in_bulk(wh: Lotline) -> None:
    counter = receive_and_count(wh, "SN", 10_000)
    assert counter.count(lambda s: s.startswith("INSERT INTO move_lines")) == 1
    assert counter.count(lambda s: s.startswith("INSERT INTO lots")) == 1
    assert counter.count(lambda s: s.startswith("INSERT INTO quants")) == 1
    assert counter.count() < 30
    assert wh.stock.on_hand("CHAIR") == 10_000


def test_receipt_statement_count_does_not_grow_with_the_number_of_serials(wh: Lotline) -> None:
    small = receive_and_count(wh, "A", 1_000).count()
    large = receive_and_count(wh, "B", 5_000).count()
    assert small == large


def test_delivery_statement_count_does_not_grow_with_the_number_of_serials(wh: Lotline) -> None:
    wh.transfers.validate(
        wh.transfers.receipt([{"product": "CHAIR", "lots": serials("SN", 6_000)}])
    )
    small = deliver_and_count(wh, "SN", 1_000)
    large = deliver_and_count(wh, "SN", 5_000)
    assert small == large
    assert sum(large) < 40
    assert wh.stock.on_hand("CHAIR") == 0
    assert wh.stock.on_hand("CHAIR", "Partners/Customers") == 6_000


def test_named_serials_are_delivered_without_a_query_per_serial(wh: Lotline) -> None:
    wh.transfers.validate(
        wh.transfers.receipt([{"product": "CHAIR", "lots": serials("SN", 6_000)}])
    )
    counts = []
    for chosen in (serials("SN", 6_000)[:1_000], serials("SN", 6_000)[1_000:]):
        op = wh.transfers.delivery([{"product": "CHAIR", "lots": chosen}])
        with StatementCounter(wh.db.engine) as counter:
            wh.transfers.validate(op)
        counts.append(counter.count())
    assert counts[0] == counts[1]
    assert wh.stock.on_hand("CHAIR") == 0
