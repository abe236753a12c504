"""Every call of the facade, the valid values of each argument, and the hostile ones.

A fuzz example takes one call, gives every argument a valid value, then replaces one
argument with a hostile value of the category under test: text the database cannot
store, integers out of the 64-bit range, quantities that are not numbers or too big,
values of the wrong type.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from lotline.app import Lotline

# --- the base every fuzz database starts from ---------------------------------------

PRODUCTS = ("PL", "PS", "PN", "FS", "FL")


def setup(app: Lotline) -> None:
    """Products of each tracking, a shelf, done/ready/draft documents, orders, a count."""
    app.products.create("PL", "Lot part", "lot")
    app.products.create("PS", "Serial part", "serial")
    app.products.create("PN", "Plain part")
    app.products.create("FS", "Serial product", "serial")
    app.products.create("FL", "Lot product", "lot")
    app.locations.create("WH/Stock/Shelf 1")
    app.transfers.validate(
        app.transfers.receipt(
            [
                {"product": "PL", "quantity": 50, "lots": {"L1": 50}},
                {"product": "PS", "quantity": 5, "lots": ["S1", "S2", "S3", "S4", "S5"]},
                {"product": "PN", "quantity": 100},
            ]
        )
    )  # WH/IN/00001 done
    app.transfers.receipt([{"product": "PN", "quantity": 5}])  # WH/IN/00002 ready
    app.transfers.delivery([{"product": "PN", "quantity": 3}])  # WH/OUT/00001 draft
    app.manufacturing.bom("FS", {"PN": 1, "PL": 1})
    app.manufacturing.bom("FL", {"PN": 2})
    app.manufacturing.confirm(app.manufacturing.order("FS", 3))  # WH/MO/00001 confirmed
    app.manufacturing.order("FL", 2)  # WH/MO/00002 draft
    app.adjustments.set_quantity("PN", "WH/Stock/Shelf 1", 7)  # INV/00001
    app.adjustments.count("PL", "WH/Stock", 40, "L1")


# --- valid values ----------------------------------------------------------------------

PRODUCT = st.sampled_from(PRODUCTS)
LOCATION = st.sampled_from(("WH/Stock", "WH/Stock/Shelf 1"))
LOT = st.sampled_from(("L1", "S1", "S2"))
OPT_LOT = st.none() | LOT
DOCUMENT = st.sampled_from(("WH/IN/00001", "WH/IN/00002", "WH/OUT/00001", "INV/00001"))
MO = st.sampled_from(("WH/MO/00001", "WH/MO/00002"))
QUANTITY = st.sampled_from((1, 2, "2.5", Decimal(3)))
COUNT = st.integers(1, 3)
NAME = st.text(alphabet=string.ascii_uppercase + string.digits + "-", min_size=1, max_size=12)
WORDS = st.text(alphabet=string.ascii_letters + " &'-", min_size=1, max_size=30).filter(str.strip)
TRACKING = st.sampled_from(("none", "lot", "serial"))
FLAG = st.booleans()
LINES = st.builds(lambda q: [{"product": "PN", "quantity": q}], QUANTITY)
LOTS_INPUT = st.sampled_from(({"L1": 1}, ["S1"], {"L1": 2}))
DAYS = st.integers(0, 30)

# --- hostile values, by category -------------------------------------------------------

_SURROGATES = st.sampled_from([chr(c) for c in range(0xD800, 0xE000, 97)])
_CONTROLS = st.sampled_from(
    [chr(c) for c in (*range(32), 0x7F, 0x85, 0xAD, 0x200B, 0x200E, 0x2028, 0x2029, 0xFEFF)]
)
HOSTILE_TEXT = st.sampled_from(
    (
        "",
        "   ",
        "\x00",
        "a\x00b",
        "a\udc80",
        "\udc80",
        "\ud800x",
        "a\x1db",
        "a\nb",
        "tab\there",
        "x" * 300,
        "y" * 129,
        "\u2028",
        "a\u200bb",
        "\ufeffBOM",
        "\U0001f642" * 70,
        "'; DROP TABLE products; --",
        "%",
        "_",
        "\\",
    )
) | st.text(st.one_of(st.characters(), _SURROGATES, _CONTROLS), max_size=40)

HOSTILE_INTEGERS = st.sampled_from(
    (2**63, 2**63 - 1, -(2**63) - 1, 2**64, 10**20, -1, 2**31, -(2**31) - 1, 0)
) | st.integers().filter(lambda n: abs(n) > 2**62)

HOSTILE_QUANTITIES = st.sampled_from(
    (
        Decimal("NaN"),
        Decimal("sNaN"),
        Decimal("Infinity"),
        Decimal("-Infinity"),
        float("nan"),
        1e400,
        -1,
        Decimal("-0.000001"),
        10**13,
        10**12 + 1,
        "1e400",
        "NaN",
        "1e-7",
        Decimal("1E+12"),
        Decimal("999999999999.999999"),
        True,
        False,
        "0x10",
        "5,5",
        "\u0663",
        "1_000",
        2**63,
    )
)

WRONG_TYPES = st.sampled_from(
    ({}, [], 1.5, ("t",), {"a": 1}, ["x"], b"bytes", frozenset(), 3j, {"L1": {}}, [[]], None)
)

CATEGORIES: dict[str, st.SearchStrategy[Any]] = {
    "text": HOSTILE_TEXT,
    "integers": HOSTILE_INTEGERS,
    "quantities": HOSTILE_QUANTITIES,
    "types": WRONG_TYPES,
}

# The kinds of argument each category is aimed at: text at names and lookups, integers
# at ids and counts, quantities at quantities and counts, wrong types at everything.
ALL_KINDS = frozenset({"text", "ref", "int", "quantity", "other"})
AIMED_AT = {
    "text": frozenset({"text", "ref"}),
    "integers": frozenset({"int", "ref"}),
    "quantities": frozenset({"quantity", "int"}),
    "types": ALL_KINDS,
}
_KINDS = {
    "ref": {"operation", "mo", "bom"},
    "quantity": {"quantity"},
    "int": {"count", "alert_days"},
    "other": {"lines", "lots", "names", "components", "counts", "backorder", "expiration_days"},
}

# --- the calls ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    name: str
    valid: st.SearchStrategy[Any]
    keyword: bool = False

    @property
    def kind(self) -> str:
        """text (a name or lookup), ref (a document), int, quantity or other."""
        return next((k for k, names in _KINDS.items() if self.name in names), "text")


@dataclass(frozen=True)
class Call:
    """A facade call; ``writes`` False: it must change no row even when it succeeds.

    ``read_back(app, args)`` checks that what a successful call stored reads back exactly.
    """

    name: str
    slots: tuple[Slot, ...]
    writes: bool = True
    read_back: Callable[[Lotline, dict[str, Any]], None] | None = None

    def invoke(self, app: Lotline, values: dict[str, Any]) -> Any:
        target: Any = app
        for part in self.name.split("."):
            target = getattr(target, part)
        positional = [values[s.name] for s in self.slots if not s.keyword]
        keywords = {s.name: values[s.name] for s in self.slots if s.keyword}
        return target(*positional, **keywords)


def _s(name: str, valid: st.SearchStrategy[Any], keyword: bool = False) -> Slot:
    return Slot(name, valid, keyword)


def _trimmed(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _product_created(app: Lotline, a: dict[str, Any]) -> None:
    product = app.products.get(_trimmed(a["code"]))
    assert (product.name, product.unit) == (_trimmed(a["name"]), _trimmed(a["unit"]))


def _location_created(app: Lotline, a: dict[str, Any]) -> None:
    cleaned = "/".join(p.strip() for p in a["full_name"].strip().split("/"))
    assert app.locations.get(cleaned).full_name == cleaned


def _lot_created(app: Lotline, a: dict[str, Any]) -> None:
    lot = app.lots.get(a["product"], _trimmed(a["name"]))
    assert (lot.ref, lot.note) == (_trimmed(a["ref"]), _trimmed(a["note"]))


def _quantity_set(app: Lotline, a: dict[str, Any]) -> None:
    found = [
        q.quantity
        for q in app.stock.quants(a["product"], a["location"], _trimmed(a["lot"]))
        if q.location == a["location"]
    ]
    assert sum(found, Decimal(0)) == Decimal(str(a["quantity"]))


def _counted(app: Lotline, a: dict[str, Any]) -> None:
    counts = [
        c.counted
        for c in app.adjustments.pending()
        if (c.product, c.location, c.lot) == (a["product"], a["location"], _trimmed(a["lot"]))
    ]
    assert counts == [Decimal(str(a["quantity"]))]


def _receipt_made(app: Lotline, a: dict[str, Any]) -> None:
    latest = app.transfers.list(kind="receipt")[-1]
    assert (latest.partner, latest.origin) == (_trimmed(a["partner"]), _trimmed(a["origin"]))
    lines = app.transfers.get(latest.name).lines
    assert [line.quantity for line in lines] == [Decimal(str(a["lines"][0]["quantity"]))]


def _product_updated(app: Lotline, a: dict[str, Any]) -> None:
    assert app.products.get(a["product"]).alert_days == a["alert_days"]


def _prefix_updated(app: Lotline, a: dict[str, Any]) -> None:
    assert app.products.get(a["product"]).lot_prefix == _trimmed(a["lot_prefix"])


def _ordered(app: Lotline, a: dict[str, Any]) -> None:
    latest = app.manufacturing.list()[-1]
    assert (latest.product, latest.quantity) == (a["product"], Decimal(str(a["quantity"])))


CALLS: tuple[Call, ...] = (
    # products
    Call(
        "products.create",
        (_s("code", NAME), _s("name", WORDS), _s("tracking", TRACKING), _s("unit", WORDS, True)),
        read_back=_product_created,
    ),
    Call("products.get", (_s("code", PRODUCT),), writes=False),
    Call("products.get_by_gtin", (_s("gtin", st.just("09506000134352")),), writes=False),
    Call("products.list", (), writes=False),
    Call(
        "products.update",
        (_s("product", PRODUCT), _s("alert_days", DAYS, True)),
        read_back=_product_updated,
    ),
    Call(
        "products.update",
        (_s("product", PRODUCT), _s("lot_prefix", NAME, True)),
        read_back=_prefix_updated,
    ),
    Call("products.set_tracking", (_s("product", PRODUCT), _s("tracking", TRACKING))),
    # locations
    Call(
        "locations.create",
        (_s("full_name", NAME.map(lambda n: f"WH/Stock/{n}")),),
        read_back=_location_created,
    ),
    Call("locations.get", (_s("full_name", LOCATION),), writes=False),
    Call("locations.list", (_s("usage", st.sampled_from(("internal", "view"))),), writes=False),
    # lots
    Call(
        "lots.create",
        (_s("product", PRODUCT), _s("name", NAME), _s("ref", WORDS, True), _s("note", WORDS, True)),
        read_back=_lot_created,
    ),
    Call("lots.generate_names", (_s("first", NAME), _s("count", COUNT)), writes=False),
    Call("lots.next_serial", (_s("product", PRODUCT),), writes=False),
    Call("lots.create_next", (_s("product", PRODUCT), _s("count", COUNT))),
    Call("lots.parse_list", (_s("text", st.just("A1\nA2")),), writes=False),
    Call("lots.parse_barcode", (_s("data", st.just("(01)09506000134352(10)LOT-7")),), writes=False),
    Call("lots.get", (_s("product", PRODUCT), _s("name", LOT)), writes=False),
    Call("lots.find", (_s("product", PRODUCT), _s("names", st.just(["L1"]))), writes=False),
    Call("lots.list", (_s("product", PRODUCT), _s("location", LOCATION)), writes=False),
    # stock
    Call(
        "stock.on_hand",
        (_s("product", PRODUCT), _s("location", LOCATION), _s("lot", OPT_LOT)),
        writes=False,
    ),
    Call(
        "stock.quants",
        (_s("product", PRODUCT), _s("location", LOCATION), _s("lot", OPT_LOT)),
        writes=False,
    ),
    Call("stock.untracked", (_s("product", PRODUCT),), writes=False),
    # adjustments
    Call(
        "adjustments.set_quantity",
        (
            _s("product", PRODUCT),
            _s("location", LOCATION),
            _s("quantity", QUANTITY),
            _s("lot", OPT_LOT),
            _s("reason", WORDS, True),
        ),
        read_back=_quantity_set,
    ),
    Call(
        "adjustments.assign_lots",
        (_s("product", PRODUCT), _s("location", LOCATION), _s("lots", LOTS_INPUT)),
    ),
    Call(
        "adjustments.count",
        (
            _s("product", PRODUCT),
            _s("location", LOCATION),
            _s("quantity", QUANTITY),
            _s("lot", OPT_LOT),
        ),
        read_back=_counted,
    ),
    Call("adjustments.pending", (), writes=False),
    Call("adjustments.apply", (_s("counts", st.none()), _s("reason", WORDS, True))),
    Call("adjustments.set_counts", (_s("product", PRODUCT), _s("location", LOCATION))),
    Call("adjustments.clear", (_s("product", PRODUCT), _s("location", LOCATION))),
    Call("adjustments.revert", (_s("operation", st.just("INV/00001")),)),
    Call(
        "adjustments.history",
        (_s("product", PRODUCT), _s("lot", OPT_LOT), _s("location", LOCATION)),
        writes=False,
    ),
    # transfers
    Call(
        "transfers.receipt",
        (
            _s("lines", LINES),
            _s("partner", WORDS),
            _s("destination", LOCATION),
            _s("origin", WORDS),
        ),
        read_back=_receipt_made,
    ),
    Call("transfers.delivery", (_s("lines", LINES), _s("partner", WORDS), _s("source", LOCATION))),
    Call(
        "transfers.internal",
        (
            _s("lines", LINES),
            _s("source", st.just("WH/Stock")),
            _s("destination", st.just("WH/Stock/Shelf 1")),
        ),
    ),
    Call("transfers.reserve", (_s("operation", DOCUMENT),)),
    Call(
        "transfers.set_lots",
        (_s("operation", DOCUMENT), _s("product", PRODUCT), _s("lots", LOTS_INPUT)),
    ),
    Call("transfers.validate", (_s("operation", DOCUMENT), _s("backorder", FLAG))),
    Call("transfers.cancel", (_s("operation", DOCUMENT),)),
    Call("transfers.get", (_s("name", DOCUMENT),), writes=False),
    Call(
        "transfers.list",
        (_s("kind", st.sampled_from(("receipt", "delivery"))), _s("state", st.just("done"))),
        writes=False,
    ),
    Call("transfers.backorders", (_s("operation", DOCUMENT),), writes=False),
    Call("transfers.return_of", (_s("operation", DOCUMENT), _s("lines", st.none()))),
    # manufacturing
    Call(
        "manufacturing.bom",
        (
            _s("product", st.just("FL")),
            _s("components", st.just({"PN": 1})),
            _s("quantity", QUANTITY),
        ),
    ),
    Call("manufacturing.boms", (_s("product", PRODUCT),), writes=False),
    Call(
        "manufacturing.order",
        (_s("product", st.sampled_from(("FS", "FL"))), _s("quantity", COUNT), _s("bom", st.none())),
        read_back=_ordered,
    ),
    Call("manufacturing.confirm", (_s("mo", MO),)),
    Call(
        "manufacturing.set_component_lots",
        (_s("mo", MO), _s("component", st.just("PL")), _s("lots", st.just({"L1": 1}))),
    ),
    Call("manufacturing.generate_lot", (_s("mo", MO),)),
    Call("manufacturing.set_lot", (_s("mo", MO), _s("name", NAME))),
    Call("manufacturing.produce_all", (_s("mo", MO),)),
    Call("manufacturing.produce", (_s("mo", MO), _s("quantity", COUNT))),
    Call(
        "manufacturing.batch_produce",
        (
            _s("mo", MO),
            _s("first", NAME, True),
            _s("count", COUNT, True),
        ),
    ),
    Call("manufacturing.batch_produce", (_s("mo", MO), _s("names", st.just(["X1", "X2"]), True))),
    Call("manufacturing.batch_produce", (_s("mo", MO), _s("text", st.just("Y1\nY2"), True))),
    Call("manufacturing.backorders", (_s("mo", MO),), writes=False),
    Call("manufacturing.get", (_s("name", MO),), writes=False),
    Call("manufacturing.list", (_s("state", st.just("done")),), writes=False),
    Call("manufacturing.cancel", (_s("mo", MO),)),
    # trace
    Call("trace.locations", (_s("product", PRODUCT), _s("lot", LOT)), writes=False),
    Call("trace.history", (_s("product", PRODUCT), _s("lot", LOT)), writes=False),
    Call("trace.upstream", (_s("product", PRODUCT), _s("lot", LOT)), writes=False),
    Call("trace.downstream", (_s("product", PRODUCT), _s("lot", LOT)), writes=False),
    Call("trace.recall", (_s("product", PRODUCT), _s("lot", LOT)), writes=False),
    # settings
    Call("settings.update", (_s("expiration_dates", FLAG, True),)),
)
