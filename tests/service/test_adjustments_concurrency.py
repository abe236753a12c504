"""Several PostgreSQL connections setting the same quantity at once: the last word is the count."""

from __future__ import annotations

import lotline
from tests.service.test_manufacturing_concurrency import race_all
from tests.support import receive


def test_four_users_setting_a_new_lot_on_a_new_shelf_leave_what_they_counted(
    postgres_url: str,
) -> None:
    setup = lotline.open(postgres_url)
    setup.products.create("GLUE", "Glue", "lot")
    setup.locations.create("WH/Stock/Shelf 9")
    receive(setup, "GLUE", [("G1", 3)])

    outcomes = race_all(
        postgres_url,
        4,
        lambda app: app.adjustments.set_quantity("GLUE", "WH/Stock/Shelf 9", 5, lot="G1"),
    )

    assert outcomes == [None] * 4
    assert setup.stock.on_hand("GLUE", "WH/Stock/Shelf 9", lot="G1") == 5
    assert setup.check().ok
    setup.close()


def test_four_users_creating_a_lot_by_setting_its_quantity_leave_what_they_counted(
    postgres_url: str,
) -> None:
    setup = lotline.open(postgres_url)
    setup.products.create("GLUE", "Glue", "lot")

    outcomes = race_all(
        postgres_url,
        4,
        lambda app: app.adjustments.set_quantity("GLUE", "WH/Stock", 5, lot="NEW"),
    )

    assert outcomes == [None] * 4
    assert setup.stock.on_hand("GLUE", lot="NEW") == 5
    assert setup.check().ok
    setup.close()


def test_four_users_setting_untracked_stock_on_a_new_shelf_leave_what_they_counted(
    postgres_url: str,
) -> None:
    setup = lotline.open(postgres_url)
    setup.products.create("NAIL", "Nail")
    setup.locations.create("WH/Stock/Shelf 9")

    outcomes = race_all(
        postgres_url, 4, lambda app: app.adjustments.set_quantity("NAIL", "WH/Stock/Shelf 9", 7)
    )

    assert outcomes == [None] * 4
    assert setup.stock.on_hand("NAIL") == 7
    assert setup.check().ok
    setup.close()
