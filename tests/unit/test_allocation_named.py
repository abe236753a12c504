"""Taking a named lot (or untracked stock) from its quants, and sharing picks among lines."""

from collections import defaultdict
from datetime import datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from lotline.rules.allocation import Candidate, Pick, remaining_after, spread, take_named

T0 = datetime(2026, 1, 1)


def quant(location: int, lot: str | None, available: int | str) -> Candidate:
    return Candidate(
        location_id=location,
        lot_id=None if lot is None else sum(map(ord, lot)),
        lot_name=lot,
        available=Decimal(available),
        in_date=T0,
    )


def taken(picks: list[Pick]) -> list[tuple[int, str | None, Decimal]]:
    return [(p.location_id, p.lot_name, p.quantity) for p in picks]


def test_a_named_lot_is_taken_from_its_quants_in_the_order_offered() -> None:
    offered = [quant(2, "A", 3), quant(1, "B", 9), quant(1, "A", 5)]
    picks, shortfall = take_named(offered, "A", Decimal(6))
    assert taken(picks) == [(2, "A", 3), (1, "A", 3)]
    assert shortfall == 0


def test_what_is_not_there_is_reported_as_the_shortfall_not_taken() -> None:
    picks, shortfall = take_named([quant(1, "A", "2.5"), quant(1, "B", 10)], "A", Decimal(4))
    assert taken(picks) == [(1, "A", Decimal("2.5"))]
    assert shortfall == Decimal("1.5")


def test_an_unknown_lot_takes_nothing_and_falls_short_of_everything() -> None:
    assert take_named([quant(1, "A", 5)], "Z", Decimal(2)) == ([], Decimal(2))


def test_untracked_stock_is_the_lot_named_none() -> None:
    picks, shortfall = take_named([quant(1, "A", 5), quant(3, None, 4)], None, Decimal(4))
    assert taken(picks) == [(3, None, 4)] and shortfall == 0


def test_quants_with_nothing_free_are_passed_over() -> None:
    picks, _ = take_named([quant(1, "A", 0), quant(2, "A", -1), quant(3, "A", 1)], "A", Decimal(1))
    assert taken(picks) == [(3, "A", 1)]


quants = st.dictionaries(
    st.tuples(st.integers(min_value=1, max_value=3), st.sampled_from(["A", "B", None])),
    st.integers(min_value=-2, max_value=20),
    max_size=9,
)


@given(quants, st.sampled_from(["A", "B", None]), st.integers(min_value=1, max_value=60))
def test_never_more_than_free_and_exactly_the_quantity_or_the_shortfall(
    rows: dict[tuple[int, str | None], int], name: str | None, quantity: int
) -> None:
    offered = [quant(location, lot, available) for (location, lot), available in rows.items()]
    picks, shortfall = take_named(offered, name, Decimal(quantity))
    free = sum(max(c.available, Decimal(0)) for c in offered if c.lot_name == name)
    assert all(p.lot_name == name and p.quantity > 0 for p in picks)
    assert sum(p.quantity for p in picks) + shortfall == quantity
    assert shortfall == max(Decimal(0), quantity - free)
    for before, after in zip(offered, remaining_after(offered, picks), strict=True):
        assert after.available >= min(before.available, Decimal(0))
        assert after.available == before.available or (
            before.lot_name == name and 0 <= after.available < before.available
        )


def test_remaining_after_lowers_only_the_quants_picked_from() -> None:
    offered = [quant(1, "A", 5), quant(2, "A", 5), quant(1, "B", 5)]
    picks, _ = take_named(offered, "A", Decimal(7))
    assert [c.available for c in remaining_after(offered, picks)] == [0, 3, 5]
    assert remaining_after(offered, []) == offered


def test_spread_fills_each_need_before_the_next_and_drops_the_excess() -> None:
    picks = [Pick(1, 10, "A", Decimal(4)), Pick(2, 11, "B", Decimal(5))]
    shared = spread(picks, [(100, Decimal(3)), (200, Decimal(5))])
    assert [(key, p.lot_name, p.quantity) for key, p in shared] == [
        (100, "A", 3),
        (200, "A", 1),
        (200, "B", 4),
    ]


@given(
    st.lists(st.integers(min_value=1, max_value=9), max_size=8),
    st.lists(st.integers(min_value=1, max_value=9), max_size=8),
)
def test_spread_gives_no_need_more_than_it_wants_and_shares_all_it_can(
    pick_sizes: list[int], need_sizes: list[int]
) -> None:
    picks = [Pick(i, i, f"L{i}", Decimal(q)) for i, q in enumerate(pick_sizes)]
    needs = [(key, Decimal(q)) for key, q in enumerate(need_sizes)]
    shared = spread(picks, needs)
    per_need: dict[int, Decimal] = defaultdict(Decimal)
    per_pick: dict[int, Decimal] = defaultdict(Decimal)
    for key, pick in shared:
        per_need[key] += pick.quantity
        per_pick[pick.location_id] += pick.quantity
    assert all(per_need[key] <= q for key, q in needs)
    assert all(per_pick[p.location_id] <= p.quantity for p in picks)
    assert sum(per_need.values()) == min(sum(pick_sizes), sum(need_sizes))
