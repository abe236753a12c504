from datetime import datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from lotline.rules.allocation import Candidate, allocate

T0 = datetime(2026, 1, 1)


def lot(name: str, available: int, day: int, expires: int | None = None) -> Candidate:
    return Candidate(
        location_id=1,
        lot_id=hash(name) % 10_000,
        lot_name=name,
        available=Decimal(available),
        in_date=T0 + timedelta(days=day),
        expiration_date=T0 + timedelta(days=expires) if expires is not None else None,
    )


def test_fifo_takes_the_first_received_lot_first() -> None:
    picks, short = allocate([lot("B", 5, 2), lot("A", 5, 1), lot("C", 5, 3)], Decimal(7))
    assert [(p.lot_name, p.quantity) for p in picks] == [("A", 5), ("B", 2)]
    assert short == 0


def test_fefo_takes_the_first_expiring_lot_and_undated_lots_last() -> None:
    stock = [lot("OLD", 5, 1), lot("SOON", 5, 3, expires=10), lot("LATER", 5, 2, expires=20)]
    picks, _ = allocate(stock, Decimal(12), "fefo")
    assert [p.lot_name for p in picks] == ["SOON", "LATER", "OLD"]


def test_lifo_takes_the_last_received_lot_first() -> None:
    picks, _ = allocate([lot("A", 5, 1), lot("B", 5, 2)], Decimal(1), "lifo")
    assert [p.lot_name for p in picks] == ["B"]


def test_shortfall_is_what_could_not_be_taken() -> None:
    picks, short = allocate([lot("A", 2, 1)], Decimal(5))
    assert sum(p.quantity for p in picks) == 2 and short == 3


@given(
    st.lists(st.integers(min_value=0, max_value=50), max_size=20),
    st.integers(min_value=1, max_value=500),
    st.sampled_from(["fifo", "fefo", "lifo"]),
)
def test_picks_plus_shortfall_is_the_demand_and_no_lot_is_overdrawn(
    availables: list[int], demand: int, strategy: str
) -> None:
    stock = [lot(f"L{i}", a, i) for i, a in enumerate(availables)]
    picks, short = allocate(stock, Decimal(demand), strategy)
    assert sum(p.quantity for p in picks) + short == demand
    by_name = {c.lot_name: c.available for c in stock}
    assert all(0 < p.quantity <= by_name[p.lot_name] for p in picks)
    assert short == max(0, demand - sum(availables))
