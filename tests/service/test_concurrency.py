"""Two PostgreSQL connections writing at once: the database's own rules hold."""

import threading
from collections.abc import Callable

import lotline
from lotline.errors import LotlineError, SerialAlreadyInStock
from tests.support import receive


def _race(url: str, work: Callable[[lotline.Lotline], None]) -> list[BaseException | None]:
    apps = [lotline.open(url, user=f"user{i}") for i in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list[BaseException | None] = [None, None]

    def attempt(index: int) -> None:
        barrier.wait()
        try:
            work(apps[index])
        except LotlineError as exc:
            outcomes[index] = exc

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for a in apps:
        a.close()
    return outcomes


def test_two_connections_receiving_the_same_serial_into_two_locations_one_wins(
    postgres_url: str,
) -> None:
    setup = lotline.open(postgres_url)
    setup.products.create("CHAIR", "Chair", "serial")
    setup.locations.create("WH/Stock/Shelf 1")
    destinations = iter(["WH/Stock", "WH/Stock/Shelf 1"])
    lock = threading.Lock()

    def work(app: lotline.Lotline) -> None:
        with lock:
            destination = next(destinations)
        receive(app, "CHAIR", [("SN-RACE", 1)], destination=destination)

    outcomes = _race(postgres_url, work)
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

    outcomes = _race(postgres_url, lambda app: receive(app, "CHAIR", [("SN-RACE", 1)]))
    assert sum(o is None for o in outcomes) == 1
    assert any(isinstance(o, SerialAlreadyInStock) for o in outcomes)
    assert setup.stock.on_hand("CHAIR") == 1
    assert setup.check().ok
    setup.close()


def test_two_connections_creating_the_same_product_one_wins(postgres_url: str) -> None:
    lotline.open(postgres_url).close()
    outcomes = _race(postgres_url, lambda app: app.products.create("X", "X"))
    assert sum(o is None for o in outcomes) == 1
