"""Reserving the stock an outgoing document takes: the lots it names, then by strategy.

A detailed line that names a lot (or an untracked quantity) is taken from the
quants holding it in the source; what no line names is filled by the product's
removal strategy (FIFO, FEFO, LIFO). Reserved quantities live on the quants.
Statements are per product, never per lot or serial.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection, delete

from lotline.errors import InsufficientStock, describe_quantity
from lotline.models import Operation, Product
from lotline.rules.allocation import (
    Candidate,
    Pick,
    allocate,
    remaining_after,
    removal_order,
    spread,
    take_named,
)
from lotline.rules.lots_input import kind_word
from lotline.rules.quantities import ZERO
from lotline.rules.states import CONFIRMED, READY
from lotline.services.documents import OperationRef, change_state, load_document
from lotline.services.reservations import candidates, hold
from lotline.services.transfers.document import (
    Detail,
    Document,
    by_move,
    detail_row,
    load,
    lock_transfer,
)
from lotline.store.bulk import insert_dicts
from lotline.store.schema import move_details

FILL_ALL = "all"
"""Top every demanded line up to its demand."""
FILL_EMPTY = "empty"
"""Fill only the lines without any detail (validating an untouched document)."""
FILL_NONE = "none"
"""Reserve only what the detailed lines name."""


@dataclass(frozen=True, slots=True)
class _Ask:
    """What one product's lines ask of the stock."""

    product: Product
    named: list[Detail]
    needs: list[tuple[int, Decimal]]
    complete: bool

    @property
    def empty(self) -> bool:
        return not self.named and not self.needs


def reserve(conn: Connection, ref: OperationRef) -> Operation:
    """Reserve an outgoing document: ready when all of it is held, else confirmed."""
    row = lock_transfer(conn, ref, "reserve")
    doc = load(conn, row)
    if doc.outgoing:
        fully, _ = reserve_details(conn, doc, fill=FILL_ALL)
        change_state(conn, row, "reserve", READY if fully else CONFIRMED)
    return load_document(conn, row["id"])


def reserve_details(
    conn: Connection, doc: Document, *, fill: str, only_product: int | None = None
) -> tuple[bool, bool]:
    """Hold the named details and fill demanded lines as ``fill`` says (FILL_*).

    The named details are replaced by reserved ones. Returns (every line is
    reserved in full, the detailed lines changed).
    """
    grouped = by_move(doc.details)
    rows: list[dict[str, object]] = []
    replaced = False
    fully = True
    for product_id in sorted({m.product_id for m in doc.moves}):
        ask = _ask(doc, grouped, product_id, fill)
        fully = fully and ask.complete
        if ask.empty or only_product not in (None, product_id):
            continue
        picks, shortfall = _picks(conn, doc, ask)
        fully = fully and shortfall == 0
        hold(conn, ask.product, [pick for _, pick in picks])
        rows.extend(
            detail_row(doc.row["id"], move_id, product_id, pick, doc.destination.id, reserved=True)
            for move_id, pick in picks
        )
        replaced = replaced or bool(ask.named)
    if replaced:
        _delete_unreserved(conn, doc.row["id"], only_product)
    if rows:
        insert_dicts(conn, move_details, rows)
    return fully, bool(replaced or rows)


def _ask(doc: Document, grouped: Mapping[int, list[Detail]], product_id: int, fill: str) -> _Ask:
    product_moves = [m for m in doc.moves if m.product_id == product_id]
    named = [d for m in product_moves for d in grouped.get(m.id, ()) if not d.reserved]
    needs: list[tuple[int, Decimal]] = []
    complete = True
    for m in product_moves:
        detailed = grouped.get(m.id, [])
        missing = m.quantity - sum((d.quantity for d in detailed), ZERO)
        if missing <= 0:
            continue
        if fill == FILL_ALL or (fill == FILL_EMPTY and not detailed):
            needs.append((m.id, missing))
        else:
            complete = False
    return _Ask(doc.products[product_id], named, needs, complete)


def _picks(conn: Connection, doc: Document, ask: _Ask) -> tuple[list[tuple[int, Pick]], Decimal]:
    """(move id, pick)s: the named lots first, then the rest by removal strategy."""
    product = ask.product
    found = [
        c
        for c in candidates(conn, product, doc.source)
        if c.location_id != doc.destination.id and (c.lot_id is not None or not product.is_tracked)
    ]
    picks = _take_named_lots(doc, product, found, ask.named)
    wanted = sum((quantity for _, quantity in ask.needs), ZERO)
    if not wanted:
        return picks, ZERO
    left = remaining_after(found, [pick for _, pick in picks])
    filled, shortfall = allocate(left, wanted, product.removal_strategy)
    return picks + spread(filled, ask.needs), shortfall


def _take_named_lots(
    doc: Document, product: Product, found: Sequence[Candidate], named: Sequence[Detail]
) -> list[tuple[int, Pick]]:
    """Each named lot from wherever it is in the source; refused when not all of it is free."""
    if not named:
        return []
    offered: defaultdict[str | None, list[Candidate]] = defaultdict(list)
    for c in removal_order(found, product.removal_strategy):
        offered[c.lot_name].append(c)
    asked: defaultdict[str | None, list[tuple[int, Decimal]]] = defaultdict(list)
    for detail in named:
        asked[detail.lot_name].append((detail.move_id, detail.quantity))
    picks: list[tuple[int, Pick]] = []
    for name, needs in asked.items():
        quantity = sum((q for _, q in needs), ZERO)
        taken, shortfall = take_named(offered.get(name, ()), name, quantity)
        if shortfall:
            raise _not_free(doc, product, name, quantity, shortfall)
        picks.extend(spread(taken, needs))
    return picks


def _not_free(
    doc: Document, product: Product, name: str | None, needed: Decimal, shortfall: Decimal
) -> InsufficientStock:
    available = needed - shortfall
    what = f"{kind_word(product)} {name} of " if name else ""
    instead = kind_word(product) if product.is_tracked else "quantity"
    return InsufficientStock(
        f"Not enough {what}{product.code} free in {doc.source.full_name}: "
        f"{describe_quantity(available)} available, {describe_quantity(needed)} needed. "
        f"It is not there, or another document has reserved it; choose another {instead} "
        "or receive it first.",
        details={
            "product": product.code,
            "lot": name,
            "location": doc.source.full_name,
            "document": doc.row["name"],
            "needed": needed,
            "available": available,
        },
    )


def _delete_unreserved(conn: Connection, operation_id: int, only_product: int | None) -> None:
    conditions = [move_details.c.operation_id == operation_id, move_details.c.reserved.is_(False)]
    if only_product is not None:
        conditions.append(move_details.c.product_id == only_product)
    conn.execute(delete(move_details).where(*conditions))
