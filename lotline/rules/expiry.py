"""Lot dates from a product's expiry settings (Odoo's "Expiration Dates").

The expiration date is the day the goods are received (or produced) plus the
product's expiration days. Best before (use), removal and alert dates fall the
product's number of days *before* the expiration date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class LotDates:
    expiration_date: datetime
    use_date: datetime
    removal_date: datetime
    alert_date: datetime

    def as_dict(self) -> dict[str, datetime]:
        return {
            "expiration_date": self.expiration_date,
            "use_date": self.use_date,
            "removal_date": self.removal_date,
            "alert_date": self.alert_date,
        }


def lot_dates(
    received_at: datetime,
    *,
    expiration_days: int,
    use_days: int = 0,
    removal_days: int = 0,
    alert_days: int = 0,
    expiration_date: datetime | None = None,
) -> LotDates:
    """The dates of a lot received at ``received_at``; a known expiration date (a
    scanned AI 17, say) wins over the product's expiration days."""
    expires = expiration_date or received_at + timedelta(days=expiration_days)
    return LotDates(
        expiration_date=expires,
        use_date=expires - timedelta(days=use_days),
        removal_date=expires - timedelta(days=removal_days),
        alert_date=expires - timedelta(days=alert_days),
    )
