"""Planning a production without a database: shares of a BoM line, pools, named lots."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from lotline.rules.allocation import Candidate, Pick
from lotline.rules.production import (
    PRECISION,
    Missing,
    Take,
    Unit,
    allot,
    give_missing,
    missing_lots,
    needs,
    share,
    shortfall,
    take_from,
    take_named,
    take_named_lots,
    total,
    unmet_needs,
)

D = Decimal
quantities = st.integers(min_value=1, max_value=10**6).map(lambda n: D(n).scaleb(-3))
whole = st.integers(min_value=1, max_value=1000).map(D)


def pool_of(amounts: list[Decimal]) -> list[Take]:
    """One entry per lot (lot id = position + 1), at location 1."""
    return [Take(1, i + 1, f"L{i + 1}", q) for i, q in enumerate(amounts)]


# --- shares ------------------------------------------------------------------------


def test_a_share_is_the_line_quantity_per_unit_times_units() -> None:
    assert share(D(3), D(4), D(1)) == 12
    assert share(D(5), D(4), D(2)) == 10
    assert share(D(1), D(1), D(3)) == D("0.333334")
    assert str(share(D("0.5"), D(3), D(1))) == "1.5"


@given(whole, whole, whole)
def test_a_share_rounds_up_to_the_stored_precision_and_never_below(
    line: Decimal, units: Decimal, made: Decimal
) -> None:
    exact = line * units / made
    got = share(line, units, made)
    assert exact <= got < exact + PRECISION
    assert got == got.quantize(PRECISION)


@given(whole, st.integers(min_value=1, max_value=500), st.sampled_from([1, 2, 4, 5, 8, 10]))
def test_shares_of_n_units_sum_to_the_line_times_n_over_the_bom_quantity(
    line: Decimal, n: int, made: int
) -> None:
    one = share(line, D(1), D(made))
    assert sum([one] * n, D(0)) == share(line, D(n), D(made)) == line * n / made


def test_needs_are_the_shares_of_every_line_in_bom_order() -> None:
    assert needs([(7, D(2)), (9, D(1))], D(3), D(2)) == [(7, D(3)), (9, D("1.5"))]


# --- taking from a pool ------------------------------------------------------------


def test_take_from_takes_the_front_of_the_pool_and_removes_what_is_used_up() -> None:
    pool = pool_of([D(2), D(3), D(4)])
    taken = take_from(pool, D(4))
    assert [(t.lot_id, t.quantity) for t in taken] == [(1, 2), (2, 2)]
    assert [(e.lot_id, e.quantity) for e in pool] == [(2, 1), (3, 4)]


def test_take_from_a_named_lot_skips_the_others() -> None:
    pool = pool_of([D(2), D(3)])
    assert [(t.lot_id, t.quantity) for t in take_from(pool, D(5), lot_id=2)] == [(2, 3)]
    assert [(e.lot_id, e.quantity) for e in pool] == [(1, 2)]


@given(st.lists(quantities, min_size=1, max_size=8), st.lists(quantities, max_size=8))
def test_units_take_what_they_need_in_pool_order_and_never_more_than_an_entry(
    amounts: list[Decimal], wanted: list[Decimal]
) -> None:
    pool = pool_of(amounts)
    held = sum(amounts, D(0))
    short = shortfall(pool, wanted)
    takes = allot(pool, wanted)
    taken_per_lot: dict[int | None, Decimal] = {}
    for unit_takes in takes:
        for t in unit_takes:
            taken_per_lot[t.lot_id] = taken_per_lot.get(t.lot_id, D(0)) + t.quantity
    assert all(taken_per_lot[i + 1] <= q for i, q in enumerate(amounts) if i + 1 in taken_per_lot)
    assert sum(taken_per_lot.values(), D(0)) == min(held, sum(wanted, D(0)))
    if short == 0:
        assert [total(t) for t in takes] == wanted
    order = [t.lot_id for unit_takes in takes for t in unit_takes]
    assert order == sorted(order), "units take the pool front to back"
    assert total(pool) == held - sum(taken_per_lot.values(), D(0))


@given(st.lists(quantities, min_size=1, max_size=8), st.lists(quantities, max_size=8))
def test_a_shortfall_is_what_the_units_want_beyond_the_pool(
    amounts: list[Decimal], wanted: list[Decimal]
) -> None:
    short = shortfall(pool_of(amounts), wanted)
    assert short == max(sum(wanted, D(0)) - sum(amounts, D(0)), D(0))


# --- named lots --------------------------------------------------------------------

T0 = datetime(2024, 1, 1)


def candidate(location: int, lot: int, available: int, days: int) -> Candidate:
    return Candidate(location, lot, f"L{lot}", D(available), T0 + timedelta(days=days))


def test_a_named_lot_is_taken_from_its_oldest_quants_first() -> None:
    found = [candidate(2, 5, 3, 2), candidate(1, 5, 4, 1), candidate(3, 6, 9, 0)]
    picks = take_named(found, 5, D(6))
    assert picks == [Pick(1, 5, "L5", D(4)), Pick(2, 5, "L5", D(2))]


@given(
    st.lists(
        st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(1, 20), st.integers(0, 9)),
        max_size=10,
    ),
    st.integers(1, 3),
    st.integers(1, 60),
)
def test_a_named_lot_take_is_only_that_lot_and_at_most_what_it_has(
    rows: list[tuple[int, int, int, int]], lot: int, wanted: int
) -> None:
    found = [candidate(*r) for r in rows]
    picks = take_named(found, lot, D(wanted))
    has = sum((c.available for c in found if c.lot_id == lot), D(0))
    assert all(p.lot_id == lot for p in picks)
    assert sum((p.quantity for p in picks), D(0)) == min(has, D(wanted))


def test_named_lots_come_from_the_pool_and_what_it_lacks_is_missing() -> None:
    pools = {10: pool_of([D(2), D(5)])}
    units = [Unit(D(1), 100, {10: [(2, D(3))]}), Unit(D(1), 101, {10: [(2, D(3)), (9, D(1))]})]
    takes, missing = take_named_lots(pools, units)
    assert [(t.lot_id, t.quantity) for t in takes[0][10]] == [(2, 3)]
    assert [(t.lot_id, t.quantity) for t in takes[1][10]] == [(2, 2)]
    assert missing == [Missing(1, 10, 2, D(1)), Missing(1, 10, 9, D(1))]
    assert missing_lots(missing) == {10: {2: D(1), 9: D(1)}}
    assert [(e.lot_id, e.quantity) for e in pools[10]] == [(1, 2)]
    give_missing(takes, missing, [Pick(4, 2, "L2", D(1)), Pick(4, 9, "L9", D(1))])
    assert [(t.lot_id, t.quantity) for t in takes[1][10]] == [(2, 2), (2, 1), (9, 1)]


def test_unmet_needs_subtract_the_named_lots_and_never_go_below_zero() -> None:
    units = [Unit(D(1), None), Unit(D(2), None)]
    takes = [{10: [Take(1, 2, "L2", D(5))]}, {10: [Take(1, 2, "L2", D(1))]}]
    assert unmet_needs([(10, D(2)), (11, D(1))], D(1), units, takes) == {
        10: [D(0), D(3)],
        11: [D(1), D(2)],
    }
