from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from lotline.rules.expiry import lot_dates

RECEIVED = datetime(2026, 11, 24, 9, 30)


def test_dates_follow_odoos_expiration_settings() -> None:
    dates = lot_dates(RECEIVED, expiration_days=30, use_days=10, removal_days=5, alert_days=3)
    assert dates.expiration_date == datetime(2026, 12, 24, 9, 30)
    assert dates.use_date == datetime(2026, 12, 14, 9, 30)
    assert dates.removal_date == datetime(2026, 12, 19, 9, 30)
    assert dates.alert_date == datetime(2026, 12, 21, 9, 30)


def test_a_known_expiration_date_wins_over_the_products_days() -> None:
    scanned = datetime(2027, 2, 28)
    dates = lot_dates(RECEIVED, expiration_days=30, removal_days=7, expiration_date=scanned)
    assert dates.expiration_date == scanned
    assert dates.removal_date == datetime(2027, 2, 21)


@given(*(st.integers(min_value=0, max_value=3650) for _ in range(4)))
def test_every_date_is_the_expiration_date_less_its_days(
    expiration: int, use: int, removal: int, alert: int
) -> None:
    dates = lot_dates(
        RECEIVED, expiration_days=expiration, use_days=use, removal_days=removal, alert_days=alert
    )
    assert dates.expiration_date - RECEIVED == timedelta(days=expiration)
    assert dates.expiration_date - dates.use_date == timedelta(days=use)
    assert dates.expiration_date - dates.removal_date == timedelta(days=removal)
    assert dates.expiration_date - dates.alert_date == timedelta(days=alert)
