"""Fuzz drill: every facade call with one argument made hostile (text the database
cannot store, integers out of range, quantities that are not numbers, wrong types).
Each call either succeeds and reads back exactly, or raises a LotlineError and changes
no row (a count and checksum of every table, before and after)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import lotline
from lotline.app import Lotline
from lotline.errors import LotlineError
from lotline.store.schema import metadata
from tests.conftest import postgres_schema_url
from tests.drills.facade_calls import AIMED_AT, CALLS, CATEGORIES, Call, setup
from tests.drills.invariants import snapshot, violations
from tests.drills.scale import scaled

TABLES = {table.name: [c.name for c in table.columns] for table in metadata.sorted_tables}
EXAMPLES = scaled(60, 1500)


class Fuzzer:
    """Makes the calls, compares the snapshots, and keeps the figures and the defects."""

    def __init__(self, app: Lotline, figures: Counter[str]) -> None:
        self.app = app
        self.figures = figures
        self.defects: dict[tuple[str, str], str] = {}

    def snapshot(self) -> dict[str, tuple[int, int]]:
        with self.app.db.engine.connect() as conn:
            return snapshot(conn, TABLES)

    def defect(self, call: Call, values: dict[str, Any], what: str) -> None:
        self.figures["defects"] += 1
        key = (call.name, what.split(":")[0])
        self.defects.setdefault(key, f"{call.name}({values!r}) -> {what}")

    def run(self, call: Call, values: dict[str, Any]) -> None:
        before = self.snapshot()
        self.figures["calls"] += 1
        try:
            call.invoke(self.app, values)
        except LotlineError as exc:
            self.figures["refused"] += 1
            if self.snapshot() != before:
                self.defect(call, values, f"refused ({type(exc).__name__}) but changed rows")
            return
        except Exception as exc:
            self.defect(call, values, f"{type(exc).__name__}: {str(exc)[:200]}")
            return
        self.figures["ok"] += 1
        if not call.writes and self.snapshot() != before:
            self.defect(call, values, "read-only call changed rows")
        if call.read_back is not None:
            try:
                call.read_back(self.app, values)
            except Exception as exc:
                self.defect(call, values, f"reads back differently: {type(exc).__name__} {exc}")

    def report(self) -> str:
        return "\n".join(sorted(self.defects.values()))


@pytest.fixture
def fuzzer(fresh_url: Callable[..., str], figures: Counter[str]) -> Iterator[Fuzzer]:
    app = lotline.open(fresh_url(), user="fuzzer")
    setup(app)
    try:
        yield Fuzzer(app, figures)
        with app.db.engine.connect() as conn:
            assert violations(conn) == []
        assert app.check().ok
    finally:
        app.close()


def fuzz(fuzzer: Fuzzer, category: str) -> None:
    """Run EXAMPLES calls, each with one argument of a kind the category aims at made hostile."""
    hostile = CATEGORIES[category]
    aimed = [c for c in CALLS if any(s.kind in AIMED_AT[category] for s in c.slots)]

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=(Phase.explicit, Phase.generate),
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def example(data: st.DataObject) -> None:
        call = data.draw(st.sampled_from(aimed), label="call")
        values = {slot.name: data.draw(slot.valid, label=slot.name) for slot in call.slots}
        slots = [s for s in call.slots if s.kind in AIMED_AT[category]]
        target = data.draw(st.sampled_from(slots), label="hostile slot")
        values[target.name] = data.draw(hostile, label="hostile value")
        fuzzer.run(call, values)

    example()
    assert fuzzer.defects == {}, fuzzer.report()


DEFECT_9 = "issue 13 defect 9: a lone surrogate in a name or lookup raises UnicodeEncodeError"
DEFECT_10 = (
    "issue 13 defect 10: an id or option out of the 64-bit range raises OverflowError/DataError"
)
DEFECT_11 = "issue 13 defect 11: a value of the wrong type reaches SQL or Python internals"


@pytest.mark.xfail(strict=True, reason=DEFECT_9)
def test_hostile_text_is_refused_or_stored_exactly(fuzzer: Fuzzer) -> None:
    fuzz(fuzzer, "text")


@pytest.mark.xfail(strict=True, reason=DEFECT_10)
def test_integers_out_of_range_are_refused(fuzzer: Fuzzer) -> None:
    fuzz(fuzzer, "integers")


@pytest.mark.xfail(
    strict=True, reason=DEFECT_11 + " (a count of False, '0x10' or NaN: create_next, batch_produce)"
)
def test_quantities_that_are_not_numbers_or_too_big_are_refused(fuzzer: Fuzzer) -> None:
    fuzz(fuzzer, "quantities")


@pytest.mark.xfail(strict=True, reason=DEFECT_11)
def test_values_of_the_wrong_type_are_refused(fuzzer: Fuzzer) -> None:
    fuzz(fuzzer, "types")


@pytest.mark.parametrize(
    "url",
    [
        pytest.param(
            "sqlite:///{tmp}/\x00x.db", marks=pytest.mark.xfail(strict=True, reason=DEFECT_11)
        ),
        "sqlite:///{tmp}/a\udc80.db",
        "postgresql://\x00@localhost/x",
    ],
)
def test_opening_a_url_the_database_cannot_take_is_a_lotline_error(
    url: str, tmp_path: Path
) -> None:
    try:
        lotline.open(url.format(tmp=tmp_path)).close()
    except LotlineError:
        return


# The reproductions given in the issue, each on its own.
REPRODUCTIONS: dict[str, tuple[str, Callable[[Lotline], Any]]] = {
    "create_surrogate_code": (DEFECT_9, lambda a: a.products.create("a\udc80", "x")),
    "on_hand_surrogate_lookup": (DEFECT_9, lambda a: a.stock.on_hand("a\udc80")),
    "nul_in_partner": (
        DEFECT_9,
        lambda a: a.transfers.receipt([{"product": "PN", "quantity": 1}], partner="a\x00b"),
    ),
    "nul_in_origin": (
        DEFECT_9,
        lambda a: a.transfers.receipt([{"product": "PN", "quantity": 1}], origin="a\x00b"),
    ),
    "nul_in_lookup": (DEFECT_9, lambda a: a.transfers.get("WH/IN/\x0000001")),
    "document_id_2_63": (DEFECT_10, lambda a: a.transfers.get(2**63)),
    "alert_days_10_20": (DEFECT_10, lambda a: a.products.update("PN", alert_days=10**20)),
    "locations_list_dict": (DEFECT_11, lambda a: a.locations.list({})),
    "mo_list_list": (DEFECT_11, lambda a: a.manufacturing.list(["done"])),
    "quants_lot_dict": (DEFECT_11, lambda a: a.stock.quants(lot={"a": 1})),
    "apply_zero": (DEFECT_11, lambda a: a.adjustments.apply(0)),
    "bom_float_components": (DEFECT_11, lambda a: a.manufacturing.bom("FS", 1.5)),
    "component_lots_int": (
        DEFECT_11,
        lambda a: a.manufacturing.set_component_lots("WH/MO/00001", "PL", 27),
    ),
    "batch_count_text": (
        DEFECT_11,
        lambda a: a.manufacturing.batch_produce("WH/MO/00001", count="3"),
    ),
    "batch_text_int": (DEFECT_11, lambda a: a.manufacturing.batch_produce("WH/MO/00001", text=5)),
    "order_bom_tuple": (DEFECT_11, lambda a: a.manufacturing.order("FL", 35, bom=("t",))),
    "batch_names_string": (
        DEFECT_11 + " (names='XYZ' makes serials X, Y and Z)",
        lambda a: a.manufacturing.batch_produce("WH/MO/00001", names="XYZ"),
    ),
}
# Backends on which each reproduction still fails on today's code.
BOTH = frozenset({"sqlite", "postgresql"})
FAILING_TODAY: dict[str, frozenset[str]] = {
    name: BOTH
    for name in REPRODUCTIONS
    if name
    not in (
        "create_surrogate_code",
        "nul_in_partner",
        "nul_in_origin",
        "nul_in_lookup",
        "component_lots_int",
    )
}
FAILING_TODAY["nul_in_lookup"] = frozenset({"postgresql"})


def reproduction_cases() -> list[Any]:
    return [
        pytest.param(
            name,
            backend,
            id=f"{name}-{backend}",
            marks=[pytest.mark.xfail(strict=True, reason=REPRODUCTIONS[name][0])]
            if backend in FAILING_TODAY.get(name, ())
            else [],
        )
        for name in REPRODUCTIONS
        for backend in ("sqlite", "postgresql")
    ]


class Shared:
    """One fuzz database per backend for the reproductions, set up again only after one
    of them changed it (which is the defect it reproduces)."""

    def __init__(self, new_database: Callable[..., str]) -> None:
        self.new_database = new_database
        self.apps: dict[str, Lotline] = {}

    def app(self, backend: str) -> Lotline:
        if backend not in self.apps:
            self.apps[backend] = lotline.open(self.new_database(backend), user="fuzzer")
            setup(self.apps[backend])
        return self.apps[backend]

    def spoilt(self, backend: str) -> None:
        self.apps.pop(backend).close()


@pytest.fixture(scope="module")
def shared(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Shared]:
    folder = tmp_path_factory.mktemp("reproductions")

    def new_database(backend: str) -> str:
        if backend == "sqlite":
            return f"sqlite:///{folder / f'r{len(list(folder.iterdir()))}.db'}"
        database = request.getfixturevalue("postgres_database")
        if database is None:
            pytest.skip("PostgreSQL leg skipped: no server (set LOTLINE_TEST_POSTGRES)")
        return postgres_schema_url(database)

    kept = Shared(new_database)
    yield kept
    for app in kept.apps.values():
        app.close()


@pytest.mark.parametrize(("name", "backend"), reproduction_cases())
def test_each_reproduction_of_the_issue_is_refused_and_changes_nothing(
    name: str, backend: str, shared: Shared
) -> None:
    app = shared.app(backend)
    fuzzer = Fuzzer(app, Counter())
    before = fuzzer.snapshot()
    try:
        with pytest.raises(LotlineError):
            REPRODUCTIONS[name][1](app)
    finally:
        changed = fuzzer.snapshot() != before
        if changed:
            shared.spoilt(backend)
    assert not changed


@pytest.mark.xfail(
    strict=True,
    reason="issue 13 defect 3: sums of bounded quantities overflow the 64-bit millionths "
    "(SQLite turns the vendor quant into a float; PostgreSQL: bigint out of range)",
)
def test_postings_that_would_take_a_quant_out_of_range_are_refused_and_sums_stay_exact(
    fresh_url: Callable[..., str],
) -> None:
    largest = Decimal("999999999999.999999")
    with lotline.open(fresh_url(), user="fuzzer") as app:
        app.products.create("BIG", "Big")
        received = 0
        for _ in range(10):
            try:
                receipt = app.transfers.receipt([{"product": "BIG", "quantity": largest}])
                app.transfers.validate(receipt)
                received += 1
            except LotlineError:
                pass
        assert app.stock.on_hand("BIG") == received * largest
        assert app.check().ok
        with app.db.engine.connect() as conn:
            assert violations(conn) == []
