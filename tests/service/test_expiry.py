from datetime import datetime, timedelta

import pytest

from lotline.app import Lotline
from lotline.errors import SettingRequired


@pytest.fixture
def dairy(app: Lotline) -> Lotline:
    app.settings.update(expiration_dates=True)
    app.products.create(
        "MILK",
        "Milk 1 l",
        "lot",
        use_expiration_date=True,
        expiration_days=30,
        use_days=10,
        removal_days=5,
        alert_days=3,
        removal_strategy="fefo",
    )
    return app


def test_received_lots_get_their_dates_from_the_product(dairy: Lotline) -> None:
    dairy.transfers.validate(
        dairy.transfers.receipt([{"product": "MILK", "quantity": 10, "lots": {"M-1": 10}}])
    )
    lot = dairy.lots.get("MILK", "M-1")
    assert lot.created_at is not None and lot.expiration_date is not None
    assert lot.expiration_date - lot.created_at == timedelta(days=30)
    assert lot.expiration_date - lot.use_date == timedelta(days=10)  # type: ignore[operator]
    assert lot.expiration_date - lot.removal_date == timedelta(days=5)  # type: ignore[operator]
    assert lot.expiration_date - lot.alert_date == timedelta(days=3)  # type: ignore[operator]


def test_a_given_expiration_date_moves_the_other_dates_with_it(dairy: Lotline) -> None:
    expires = datetime(2027, 3, 31)
    lot = dairy.lots.create("MILK", "M-9", expiration_date=expires)
    assert lot.expiration_date == expires
    assert lot.removal_date == datetime(2027, 3, 26)


def test_without_the_setting_lots_get_no_dates_and_products_cannot_ask_for_them(
    app: Lotline,
) -> None:
    with pytest.raises(SettingRequired, match="Expiration Dates"):
        app.products.create("MILK", "Milk", "lot", use_expiration_date=True)
    app.products.create("WOOD", "Wood", "lot", expiration_days=30)
    assert app.lots.create("WOOD", "W-1").expiration_date is None
    with pytest.raises(SettingRequired):
        app.products.update("WOOD", use_expiration_date=True)


def test_fefo_delivers_the_first_expiring_lot_first(dairy: Lotline) -> None:
    soon, late = datetime(2027, 1, 10), datetime(2027, 2, 10)
    dairy.lots.create("MILK", "LATE", expiration_date=late)
    dairy.lots.create("MILK", "SOON", expiration_date=soon)
    dairy.transfers.validate(
        dairy.transfers.receipt([{"product": "MILK", "quantity": 10, "lots": {"LATE": 5}}])
    )
    dairy.transfers.validate(
        dairy.transfers.receipt([{"product": "MILK", "quantity": 5, "lots": {"SOON": 5}}])
    )
    delivery = dairy.transfers.reserve(
        dairy.transfers.delivery([{"product": "MILK", "quantity": 7}], partner="Cafe")
    )
    assert delivery.lines[0].lots == {"SOON": 5, "LATE": 2}
    dairy.transfers.validate(delivery)
    assert dairy.stock.on_hand("MILK", lot="SOON") == 0
    assert dairy.check().ok


def test_the_dashboard_finds_expired_lots(dairy: Lotline) -> None:
    dairy.lots.create("MILK", "OLD", expiration_date=datetime(2020, 1, 1))
    dairy.lots.create("MILK", "NEW", expiration_date=datetime(2099, 1, 1))
    assert [row.lot for row in dairy.lots.list(expired=True)] == ["OLD"]
    assert [row.lot for row in dairy.lots.list(expired=False)] == ["NEW"]
