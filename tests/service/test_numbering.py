import threading

import pytest

import lotline
from lotline.app import Lotline
from lotline.errors import InvalidBarcode, InvalidInput, InvalidList


def test_a_product_without_lots_starts_its_own_series_from_its_prefix(app: Lotline) -> None:
    app.products.create("FG", "Finished good", "serial", lot_prefix="FG")
    assert app.lots.next_serial("FG") == "FG0000001"


def test_products_without_prefix_start_from_the_company_sequence(app: Lotline) -> None:
    app.products.create("A", "A", "serial")
    app.products.create("B", "B", "lot")
    assert [lot.name for lot in app.lots.create_next("A")] == ["0000001"]
    assert [lot.name for lot in app.lots.create_next("B")] == ["0000002"]
    assert app.lots.next_serial("A") == "0000002"


def test_next_serial_follows_the_most_recently_created_lot(app: Lotline) -> None:
    app.products.create("P", "P", "serial")
    app.lots.create("P", "SN0010")
    app.lots.create("P", "SN0003")
    assert app.lots.next_serial("P") == "SN0004"


def test_next_serial_never_proposes_an_existing_name(app: Lotline) -> None:
    app.products.create("P", "P", "serial")
    for name in ("SN0010", "SN0006", "SN0007", "SN0005"):
        app.lots.create("P", name)
    assert app.lots.next_serial("P") == "SN0008"
    created = app.lots.create_next("P", 4)
    assert [lot.name for lot in created] == ["SN0008", "SN0009", "SN0011", "SN0012"]


def test_next_serial_is_only_for_tracked_products(app: Lotline) -> None:
    app.products.create("S", "Screw")
    with pytest.raises(InvalidInput, match="not tracked"):
        app.lots.next_serial("S")


def test_the_facade_exposes_the_pure_numbering_rules(app: Lotline) -> None:
    assert app.lots.generate_names("SN0009", 3) == ["SN0009", "SN0010", "SN0011"]
    assert [n for n, _ in app.lots.parse_list("a;2\nb")] == ["a", "b"]
    with pytest.raises(InvalidList):
        app.lots.parse_list("a\na")
    assert app.lots.parse_barcode("(01)09506000134352(10)L1").lot == "L1"
    with pytest.raises(InvalidBarcode):
        app.lots.parse_barcode("(01)09506000134353")


def test_a_scanned_gtin_finds_its_product(app: Lotline) -> None:
    app.products.create("P", "P", "lot", gtin="9506000134352")
    scan = app.lots.parse_barcode("]C1010950600013435210LOT7")
    assert scan.gtin is not None
    assert app.products.get_by_gtin(scan.gtin).code == "P"


def test_two_transactions_asking_at_once_get_different_names(postgres_url: str) -> None:
    setup = lotline.open(postgres_url)
    setup.products.create("P", "P", "serial", lot_prefix="SN")
    apps = [lotline.open(postgres_url) for _ in range(2)]
    barrier = threading.Barrier(2)
    got: list[list[str]] = [[], []]

    def ask(index: int) -> None:
        barrier.wait()
        got[index] = [lot.name for lot in apps[index].lots.create_next("P", 5)]

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got[0]) == len(got[1]) == 5
    assert not set(got[0]) & set(got[1])
    assert len(setup.lots.find("P")) == 10
    for opened in (*apps, setup):
        opened.close()
