"""Two PostgreSQL connections writing at once: the database's own rules hold."""

import threading

import lotline
from lotline.errors import SerialAlreadyInStock
from tests.support import race, receive


def test_two_connections_receiving_the_same_serial_into_two_locations_one_wins(
    postgres_url: str,
) -> None:
    setup = lotline.open(postgres_url)
    setup.products.create("CHAIR", "Chair", "serial")
    setup.locations.create("WH/Stock/Shelf 1")
    destinations = iter(["WH/Stock", "WH/Stock/Shelf 1"])
    lock = threading.Lock()

    def work(app: lotline.Lotline, _: int) -> None:
        with lock:
            destination = next(destinations)
        receive(app, "CHAIR", [("SN-RACE", 1)], destination=destination)

    outcomes = race(postgres_url, work)
    assert sum(o is None for o in outcomes) == 1
    assert any(isinstance(o, SerialAlreadyInStock) for o in outcomes)
    assert setup.stock.on_hand("CHAIR") == 1
    assert setup.check().ok
    setup.close()


def test_two_connections_receiving_the_same_serial_into_one_location_one_wins(
    postgres_url: str,
) -> None:
    setup = lotline.open(postgres_url)
    setup.products.create("CHAIR", "Chair", "serial")

    outcomes = race(postgres_url, lambda app, _: receive(app, "CHAIR", [("SN-RACE", 1)]))
    assert sum(o is None for o in outcomes) == 1
    assert any(isinstance(o, SerialAlreadyInStock) for o in outcomes)
    assert setup.stock.on_hand("CHAIR") == 1
    assert setup.check().ok
    setup.close()


def test_two_connections_creating_the_same_product_one_wins(postgres_url: str) -> None:
    lotline.open(postgres_url).close()
    outcomes = race(postgres_url, lambda app, _: app.products.create("X", "X"))
    assert sum(o is None for o in outcomes) == 1
