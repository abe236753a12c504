"""Traceability: where a lot is, what went into it, what was made from it, and recall.

One trace is one statement. A recursive CTE walks ``lot_links`` from the lot (up
to the lots consumed into it, or down to the lots made from it, through any
number of levels), and the same statement gathers for every lot of that closure:
its origin (the receipt, manufacturing order or adjustment that brought it in),
its internal stock and its move lines to and from customers. The tree is then
assembled in Python, so the number of statements does not grow with the depth
or the size of the genealogy.
"""

from __future__ import annotations

import builtins
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import (
    CTE,
    BigInteger,
    Connection,
    Integer,
    String,
    bindparam,
    case,
    cast,
    literal_column,
    null,
    select,
    true,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import aliased

from lotline.models import Lot, MoveLine, Product, Quant, RecallRow, TraceNode
from lotline.rules.lots_input import require_tracked
from lotline.rules.quantities import from_storage
from lotline.services import exports, ledger
from lotline.services.base import Service
from lotline.services.catalog import ProductRef, get_product
from lotline.services.lots import get_lot
from lotline.services.stock import list_quants
from lotline.store.schema import (
    locations,
    lot_links,
    lots,
    move_lines,
    operations,
    products,
    quants,
)

Direction = Literal["up", "down"]

# Where a lot can come from: a receipt, a manufacturing order, an inventory adjustment.
ORIGIN_USAGES = ("supplier", "production", "inventory")
CUSTOMER = "customer"
ZERO = Decimal(0)

# Stored millionths -> Decimal, remembered: a genealogy repeats the same few quantities.
_quantity = lru_cache(maxsize=4096)(from_storage)


# --- the statement ------------------------------------------------------------------


def closure_cte(direction: Direction) -> CTE:
    """Every link reachable from the lot bound as ``root_id``:
    (link_id, lot_id, parent_id, operation_id, units).

    ``lot_id`` is a lot of the genealogy and ``parent_id`` the lot it hangs from in
    the tree; ``units`` is the link's quantity in stored millionths. The root's row
    has no link. UNION, not UNION ALL: a link reached along two paths is walked
    once, and a cycle ends.
    """
    anchor = select(
        cast(null(), Integer).label("link_id"),
        cast(bindparam("root_id", type_=Integer), Integer).label("lot_id"),
        cast(null(), Integer).label("parent_id"),
        cast(null(), Integer).label("operation_id"),
        cast(null(), BigInteger).label("units"),
    )
    closure = anchor.cte("closure", recursive=True)
    link = lot_links.alias("step")
    units = type_coerce(link.c.quantity, BigInteger)
    if direction == "down":
        step = select(
            link.c.id, link.c.produced_lot_id, link.c.consumed_lot_id, link.c.operation_id, units
        ).join(closure, link.c.consumed_lot_id == closure.c.lot_id)
    else:
        step = select(
            link.c.id, link.c.consumed_lot_id, link.c.produced_lot_id, link.c.operation_id, units
        ).join(closure, link.c.produced_lot_id == closure.c.lot_id)
    return closure.union(step)


def _text(sql: str) -> Any:
    return literal_column(sql, String)


def _none(type_: Any = String) -> Any:
    return cast(null(), type_)


COLUMNS = ("kind", "lot_id", "parent_id", "units", "document", "date", "partner", "location")


def _labelled(*columns: Any) -> builtins.list[Any]:
    names = (*COLUMNS, "product", "lot")
    return [column.label(name) for column, name in zip(columns, names, strict=True)]


def _per_lot(closure_lots: Any, query: Any, lateral: bool) -> Any:
    """``query`` (which refers to closure_lots.lot_id) for every lot of the closure.

    PostgreSQL gets a LATERAL subquery, so that it looks each lot up by index
    whatever it estimates the size of the closure to be; SQLite plans the plain
    join that way by itself and has no LATERAL.
    """
    if not lateral:
        return query
    # OFFSET 0 keeps PostgreSQL from flattening the LATERAL back into a hash join.
    per_lot = query.offset(0).lateral()
    return select(*per_lot.c).select_from(closure_lots).join(per_lot, true())


def _move_branch(kind: Any, place: Any, side: Any, places: Any, closure_lots: Any) -> Any:
    """Move lines of the closure's lots whose ``side`` (source or destination) is one of
    ``places``, with that place's name: rows of the trace statement."""
    return (
        select(
            *_labelled(
                kind,
                move_lines.c.lot_id,
                _none(Integer),
                type_coerce(move_lines.c.quantity, BigInteger),
                operations.c.name,
                move_lines.c.done_at,
                operations.c.partner,
                place.c.full_name,
                _none(),
                _none(),
            )
        )
        .select_from(move_lines)
        .join(place, place.c.id == side)
        .join(operations, operations.c.id == move_lines.c.operation_id)
        .where(move_lines.c.lot_id == closure_lots.c.lot_id, side.in_(places))
    )


@cache
def trace_statement(direction: Direction, *, lateral: bool = False) -> Any:
    """One statement: the closure's links and, per lot in it, its moves and its stock.

    Built once per direction (building it costs more than running it); the root
    lot is the bound parameter ``root_id``.

    Columns: kind, lot_id, parent_id, units (stored millionths), document, date,
    partner, location, product, lot. kind is "node" (one per closure row, with the
    link's quantity and manufacturing order), "origin" (a move line that brought
    the lot in), "to"/"from" (a move line to/from a customer) or "stock" (an
    internal quant). ``lateral``: drive the per-lot lookups with LATERAL (PostgreSQL).
    """
    closure = closure_cte(direction)
    closure_lots = select(closure.c.lot_id).distinct().subquery("closure_lots")
    per_lot = (*_move_branches(closure_lots), _stock_branch(closure_lots))
    return union_all(
        _node_branch(closure, lateral),
        *(_per_lot(closure_lots, branch, lateral) for branch in per_lot),
    )


def _node_branch(closure: CTE, lateral: bool) -> Any:
    """One row per closure row: the lot, the lot it hangs from, the link's quantity
    and the manufacturing order that made the link."""
    made_by = operations.alias("made_by")
    document: Any
    date: Any
    product: Any
    lot: Any
    if lateral:
        # One primary-key lookup per closure row, whatever the closure's estimated size.
        source: Any = closure
        document = _by_id(made_by.c.name, closure.c.operation_id, made_by.c.id)
        date = _by_id(made_by.c.done_at, closure.c.operation_id, made_by.c.id)
        product = (
            select(products.c.code)
            .join(lots, lots.c.product_id == products.c.id)
            .where(lots.c.id == closure.c.lot_id)
            .scalar_subquery()
        )
        lot = _by_id(lots.c.name, closure.c.lot_id, lots.c.id)
    else:
        source = (
            closure.join(lots, lots.c.id == closure.c.lot_id)
            .join(products, products.c.id == lots.c.product_id)
            .outerjoin(made_by, made_by.c.id == closure.c.operation_id)
        )
        document, date = made_by.c.name, made_by.c.done_at
        product, lot = products.c.code, lots.c.name
    return select(
        *_labelled(
            _text("'node'"),
            closure.c.lot_id,
            closure.c.parent_id,
            closure.c.units,
            document,
            date,
            _none(),
            _none(),
            product,
            lot,
        )
    ).select_from(source)


def _by_id(column: Any, key: Any, id_column: Any) -> Any:
    return select(column).where(id_column == key).scalar_subquery()


def _move_branches(closure_lots: Any) -> tuple[Any, Any]:
    """Arrivals (from a vendor, production, an adjustment or a customer) and deliveries.

    Two branches, so that indexes on (lot_id, source_id) and (lot_id,
    destination_id) can skip the consumption lines of a component lot.
    """
    src, dst = aliased(locations), aliased(locations)
    special_sources = select(locations.c.id).where(
        locations.c.usage.in_((*ORIGIN_USAGES, CUSTOMER))
    )
    customer_places = select(locations.c.id).where(locations.c.usage == CUSTOMER)
    arrivals = _move_branch(
        case((src.c.usage == CUSTOMER, _text("'from'")), else_=_text("'origin'")),
        src,
        move_lines.c.source_id,
        special_sources,
        closure_lots,
    )
    deliveries = _move_branch(
        _text("'to'"), dst, move_lines.c.destination_id, customer_places, closure_lots
    )
    return arrivals, deliveries


def _stock_branch(closure_lots: Any) -> Any:
    """The internal quants of the closure's lots that hold stock."""
    return (
        select(
            *_labelled(
                _text("'stock'"),
                quants.c.lot_id,
                _none(Integer),
                type_coerce(quants.c.quantity, BigInteger),
                _none(),
                quants.c.in_date,
                _none(),
                locations.c.full_name,
                _none(),
                _none(),
            )
        )
        .select_from(quants)
        .join(locations, locations.c.id == quants.c.location_id)
        .where(quants.c.lot_id == closure_lots.c.lot_id, quants.c.internal, quants.c.quantity > 0)
    )


# --- assembling the rows ------------------------------------------------------------


class _LotFacts:
    """What the statement says about one lot; quantities in stored millionths."""

    __slots__ = ("customers", "made_by", "name", "origins", "product", "stock")

    def __init__(self, product: str, name: str) -> None:
        self.product = product
        self.name = name
        self.origins: dict[str, list[Any]] | None = None  # doc -> [units, date, partner]
        self.made_by: tuple[str | None, datetime | None] | None = None
        self.stock: list[tuple[str, int, datetime | None]] | None = None
        self.customers: list[tuple[str, str | None, int, str, datetime]] | None = None

    def add(
        self,
        kind: str,
        units: int,
        document: str,
        date: datetime,
        partner: str | None,
        location: str,
    ) -> None:
        """Record one "origin", "stock", "to" or "from" row of the trace statement."""
        if kind == "origin":
            if self.origins is None:
                self.origins = {}
            entry = self.origins.get(document)
            if entry is None:
                self.origins[document] = [units, date, partner]
            else:
                entry[0] += units
                entry[1] = min(entry[1], date)
        elif kind == "stock":
            if self.stock is None:
                self.stock = []
            self.stock.append((location, units, date))
        else:
            if self.customers is None:
                self.customers = []
            signed = units if kind == "to" else -units
            self.customers.append((location, partner, signed, document, date))

    def origin(self) -> tuple[str | None, str | None, datetime | None, Decimal]:
        """(document, partner, date, quantity brought in) of the earliest origin."""
        if not self.origins:
            document, date = self.made_by or (None, None)
            return document, None, date, ZERO
        if len(self.origins) == 1:
            ((document, (units, date, partner)),) = self.origins.items()
            return document, partner, date, _quantity(units)
        document, (_, date, partner) = min(
            self.origins.items(), key=lambda item: (item[1][1], item[0])
        )
        return document, partner, date, _quantity(sum(e[0] for e in self.origins.values()))

    def current(self) -> tuple[RecallRow, ...]:
        """Internal stock, then what customers hold (net of returns), newest delivery first."""
        if self.stock is None and self.customers is None:
            return ()
        rows = [
            RecallRow(self.product, self.name, location, None, None, date, _quantity(units))
            for location, units, date in sorted(self.stock or (), key=lambda s: s[0])
        ]
        if self.customers:
            rows.extend(self._held_by_customers(self.customers))
        return tuple(rows)

    def _held_by_customers(
        self, moves: builtins.list[tuple[str, str | None, int, str, datetime]]
    ) -> builtins.list[RecallRow]:
        groups: dict[tuple[str, str | None], list[Any]] = {}
        for location, partner, units, document, date in moves:
            group = groups.setdefault((location, partner), [0, None, None])
            group[0] += units
            if units > 0 and (group[2] is None or (date, document) > (group[2], group[1])):
                group[1], group[2] = document, date
        # A return without a partner is taken from the newest deliveries to that place.
        owed: dict[str, int] = defaultdict(int)
        for (location, _), group in groups.items():
            if group[0] < 0:
                owed[location] -= group[0]
        held = sorted(
            ((key, group) for key, group in groups.items() if group[0] > 0),
            key=lambda item: (item[1][2], item[1][1] or ""),
            reverse=True,
        )
        rows = []
        for (location, partner), (units, document, date) in held:
            taken = min(units, owed[location])
            owed[location] -= taken
            if units - taken > 0:
                quantity = _quantity(units - taken)
                rows.append(
                    RecallRow(self.product, self.name, location, partner, document, date, quantity)
                )
        return rows


@dataclass(slots=True)
class Genealogy:
    """The rows of one trace statement, indexed by lot id."""

    root_id: int
    facts: dict[int, _LotFacts]
    children: dict[int, dict[int, int]]  # parent lot -> child lot -> link units

    @classmethod
    def load(cls, conn: Connection, root_id: int, direction: Direction) -> Genealogy:
        """Run the trace statement from the lot ``root_id`` and index its rows."""
        statement = trace_statement(direction, lateral=conn.dialect.name == "postgresql")
        genealogy = cls(root_id, {}, defaultdict(dict))
        made_by: dict[int, tuple[str | None, datetime | None]] = {}
        pending = []
        down = direction == "down"
        for row in conn.execute(statement, {"root_id": root_id}):
            if row[0] == "node":
                genealogy._link(row, made_by, down)
            else:
                pending.append(row)
        facts = genealogy.facts
        for lot_id, found in made_by.items():
            facts[lot_id].made_by = found
        for kind, lot_id, _, units, document, date, partner, location, _, _ in pending:
            facts[lot_id].add(kind, units, document, date, partner, location)
        return genealogy

    def _link(
        self, row: Any, made_by: dict[int, tuple[str | None, datetime | None]], down: bool
    ) -> None:
        """A "node" row: the lot, and its link to its parent with the earliest order."""
        _, lot_id, parent_id, units, document, date, _, _, code, name = row
        if lot_id not in self.facts:
            self.facts[lot_id] = _LotFacts(code, name)
        if parent_id is None:
            return
        edges = self.children[parent_id]
        edges[lot_id] = edges.get(lot_id, 0) + units
        produced = lot_id if down else parent_id
        known = made_by.get(produced)
        if known is None or (date, document) < (known[1], known[0]):
            made_by[produced] = (document, date)

    def tree(self) -> TraceNode:
        """The genealogy as a tree from the root; a lot reached twice appears twice."""
        quantity = self.facts[self.root_id].origin()[3]
        return self._node(self.root_id, quantity, (self.root_id,))

    def _node(self, lot_id: int, quantity: Decimal, path: tuple[int, ...]) -> TraceNode:
        lot = self.facts[lot_id]
        document, partner, date, _ = lot.origin()
        edges = self.children.get(lot_id)
        children: tuple[TraceNode, ...] = ()
        if edges:
            nodes = [
                self._node(child, _quantity(units), (*path, child))
                for child, units in edges.items()
                if child not in path
            ]
            nodes.sort(key=lambda node: (node.product, node.lot))
            children = tuple(nodes)
        return TraceNode(
            product=lot.product,
            lot=lot.name,
            operation=document,
            quantity=quantity,
            partner=partner,
            date=date,
            children=children,
            current=lot.current(),
        )

    def recall(self) -> builtins.list[RecallRow]:
        """Where every lot of the closure is now; a finished lot with no place still gets a row."""
        rows: builtins.list[RecallRow] = []
        for lot_id, lot in self.facts.items():
            current = lot.current()
            if current:
                rows.extend(current)
            elif not self.children.get(lot_id):
                rows.append(RecallRow(lot.product, lot.name, None, None, None, None, ZERO))
        rows.sort(key=lambda r: (r.product, r.lot, r.location or "", r.partner or ""))
        return rows


# --- reading one lot ------------------------------------------------------------------


def find_tracked_lot(conn: Connection, product_ref: ProductRef, lot: str | Lot) -> Lot:
    """The lot named ``lot`` of a tracked product, or a clear error."""
    product: Product = get_product(conn, product_ref)
    require_tracked(product)
    return get_lot(conn, product, lot)


def trace(conn: Connection, product: ProductRef, lot: str | Lot, direction: Direction) -> TraceNode:
    found = find_tracked_lot(conn, product, lot)
    return Genealogy.load(conn, found.id, direction).tree()


def recall(conn: Connection, product: ProductRef, lot: str | Lot) -> list[RecallRow]:
    found = find_tracked_lot(conn, product, lot)
    return Genealogy.load(conn, found.id, "down").recall()


def history(conn: Connection, product: ProductRef, lot: str | Lot) -> list[MoveLine]:
    """Every done move line of one lot, oldest first."""
    found = find_tracked_lot(conn, product, lot)
    return ledger.read_lines(
        conn, get_product(conn, found.product), lot_id=found.id, newest_first=False
    )


def where_is(conn: Connection, product: ProductRef, lot: str | Lot) -> list[Quant]:
    found = find_tracked_lot(conn, product, lot)
    return list_quants(conn, found.product, None, found.name)


class Trace(Service):
    """app.trace: the Location and Traceability buttons of a lot, genealogy and recall."""

    def locations(self, product: ProductRef, lot: str | Lot) -> builtins.list[Quant]:
        """Where the lot is on hand now (internal locations)."""
        return self._read(lambda conn: where_is(conn, product, lot))

    def history(self, product: ProductRef, lot: str | Lot) -> builtins.list[MoveLine]:
        """Every operation that moved the lot, oldest first, with partner."""
        return self._read(lambda conn: history(conn, product, lot))

    def upstream(self, product: ProductRef, lot: str | Lot) -> TraceNode:
        """What went into the lot, level by level, down to the receipts of its components."""
        return self._read(lambda conn: trace(conn, product, lot, "up"))

    def downstream(self, product: ProductRef, lot: str | Lot) -> TraceNode:
        """Everything made from the lot, level by level, with where each lot is now."""
        return self._read(lambda conn: trace(conn, product, lot, "down"))

    def recall(self, product: ProductRef, lot: str | Lot) -> builtins.list[RecallRow]:
        """Where every lot made from this one (and the lot itself) is now: stock or customer."""
        return self._read(lambda conn: recall(conn, product, lot))

    @staticmethod
    def to_csv(rows: Iterable[RecallRow]) -> str:
        """The recall list as CSV text with a header line."""
        return exports.to_csv(rows)

    @staticmethod
    def to_xlsx(rows: Sequence[RecallRow], path: str | Path) -> Path:
        """Write the recall list to an Excel workbook; returns its path."""
        return exports.to_xlsx(rows, path)
