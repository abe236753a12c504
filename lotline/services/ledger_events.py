"""What the ledger did in a period, read once for the standards exports (EPCIS, FSMA 204).

Each done document that moved stock becomes a ``DocumentMoves``: its row, its
move lines, and what they name (products, lots, places, partner) loaded in a
fixed number of queries whatever the number of lines.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, RowMapping, func, select

from lotline.models import Address, Lot, Product
from lotline.rules.inputs import moment
from lotline.rules.naming import validate_lot_name
from lotline.services.catalog import get_product, products_by_id
from lotline.services.lots import get_lot, lot_from_row
from lotline.services.partners import address_from_row, nearest_site, site_map
from lotline.store.bulk import chunked
from lotline.store.schema import locations, lots, move_lines, operations, partners

EXPORTED_KINDS = ("receipt", "delivery", "manufacturing", "adjustment")
REVERTED = " [reverted]"


@dataclass(frozen=True, slots=True)
class Place:
    """A location with its usage and the description of its site (or nearest parent's)."""

    id: int
    full_name: str
    usage: str
    site: Address


@dataclass(frozen=True, slots=True)
class Line:
    """One move line: a quantity of a product (and lot) from one place to another."""

    product: Product
    lot: Lot | None
    quantity: Decimal
    source: Place
    destination: Place


@dataclass(slots=True)
class DocumentMoves:
    """A done document and its move lines."""

    id: int
    name: str
    kind: str
    done_at: datetime
    origin: str | None
    reference: str | None
    partner: str | None
    partner_place: Address
    lines: list[Line] = field(default_factory=list)
    reverted_by: DocumentMoves | None = None
    in_period: bool = True

    @property
    def is_revert(self) -> bool:
        return self.kind == "adjustment" and (self.reference or "").endswith(REVERTED)


@dataclass(frozen=True, slots=True)
class LedgerSlice:
    """The documents of a period in the order they were done, and each lot's first document."""

    documents: list[DocumentMoves]
    first_document_of_lot: dict[int, int]


def _filters(conn: Connection, product: str | None, lot: str | None) -> list[Any]:
    if product is None:
        if lot is None:
            return []
        named = select(lots.c.id).where(lots.c.name == validate_lot_name(lot))
        touched = select(move_lines.c.operation_id).where(move_lines.c.lot_id.in_(named))
        return [operations.c.id.in_(touched)]
    found = get_product(conn, product)
    condition = move_lines.c.product_id == found.id
    if lot is not None:
        condition = move_lines.c.lot_id == get_lot(conn, found, lot).id
    touched = select(move_lines.c.operation_id).where(condition)
    return [operations.c.id.in_(touched)]


def _documents(
    conn: Connection, start: datetime | None, end: datetime | None, filters: list[Any]
) -> tuple[dict[int, RowMapping], set[int]]:
    """The documents of the period, and the ids of those added from outside it."""
    query = select(operations).where(
        operations.c.state == "done", operations.c.kind.in_(EXPORTED_KINDS), *filters
    )
    if start is not None:
        query = query.where(operations.c.done_at >= start)
    if end is not None:
        query = query.where(operations.c.done_at < end)
    rows = conn.execute(query.order_by(operations.c.done_at, operations.c.id)).mappings()
    found = {row["id"]: row for row in rows}
    extra = _reverted_originals(conn, found)
    return {**found, **extra}, set(extra)


def _reverted_originals(conn: Connection, found: dict[int, RowMapping]) -> dict[int, RowMapping]:
    """The adjustments that reverts of the period reverted (their declarations need them)."""
    names = [
        row["origin"]
        for row in found.values()
        if row["kind"] == "adjustment" and (row["reference"] or "").endswith(REVERTED)
    ]
    extra: dict[int, RowMapping] = {}
    for chunk in chunked(names):
        query = select(operations).where(operations.c.name.in_(chunk))
        extra.update((row["id"], row) for row in conn.execute(query).mappings())
    return {key: row for key, row in extra.items() if key not in found}


def _line_rows(conn: Connection, ids: Sequence[int]) -> list[Any]:
    columns = (
        move_lines.c.operation_id,
        move_lines.c.product_id,
        move_lines.c.lot_id,
        move_lines.c.quantity,
        move_lines.c.source_id,
        move_lines.c.destination_id,
    )
    rows: list[Any] = []
    for chunk in chunked(ids):
        query = select(*columns).where(move_lines.c.operation_id.in_(chunk))
        rows.extend(conn.execute(query.order_by(move_lines.c.id)))
    return rows


def _lots(conn: Connection, ids: Iterable[int], products: dict[int, Product]) -> dict[int, Lot]:
    found: dict[int, Lot] = {}
    for chunk in chunked(sorted(ids)):
        for row in conn.execute(select(lots).where(lots.c.id.in_(chunk))).mappings():
            found[row["id"]] = lot_from_row(row, products[row["product_id"]].code)
    return found


def _places(conn: Connection) -> dict[int, Place]:
    sites = site_map(conn)
    return {
        row.id: Place(
            row.id, row.full_name, row.usage, nearest_site(sites, row.parent_path, row.id)
        )
        for row in conn.execute(
            select(
                locations.c.id, locations.c.full_name, locations.c.usage, locations.c.parent_path
            )
        )
    }


def _partners(conn: Connection, ids: set[int]) -> dict[int, Address]:
    if not ids:
        return {}
    rows = conn.execute(select(partners).where(partners.c.id.in_(ids))).mappings()
    return {row["id"]: address_from_row(row) for row in rows}


def first_documents(conn: Connection, lot_ids: Iterable[int]) -> dict[int, int]:
    """The document of each lot's first move line (the one that brought it in)."""
    first: dict[int, int] = {}
    for chunk in chunked(sorted(lot_ids)):
        earliest = (
            select(move_lines.c.lot_id, func.min(move_lines.c.id).label("line_id"))
            .where(move_lines.c.lot_id.in_(chunk))
            .group_by(move_lines.c.lot_id)
            .subquery()
        )
        query = select(earliest.c.lot_id, move_lines.c.operation_id).join(
            move_lines, move_lines.c.id == earliest.c.line_id
        )
        first.update((row.lot_id, row.operation_id) for row in conn.execute(query))
    return first


def read_slice(
    conn: Connection,
    start: datetime | None = None,
    end: datetime | None = None,
    product: str | None = None,
    lot: str | None = None,
    *,
    first_documents_of: str = "adjustment",
) -> LedgerSlice:
    """The done receipts, deliveries, manufacturing orders and adjustments of [start, end)
    (those that moved ``product``/``lot`` when given), with their lines.

    ``first_documents_of``: the kind of document whose lots get their first document
    looked up ("adjustment": to tell the lots an adjustment created; "*" every kind;
    "" none).
    """
    start = None if start is None else moment(start, "start of the period")
    end = None if end is None else moment(end, "end of the period")
    rows, outside = _documents(conn, start, end, _filters(conn, product, lot))
    lines = _line_rows(conn, list(rows))
    products = products_by_id(conn, {line.product_id for line in lines})
    lot_map = _lots(conn, {line.lot_id for line in lines if line.lot_id is not None}, products)
    places = _places(conn)
    partner_places = _partners(conn, {r["partner_id"] for r in rows.values() if r["partner_id"]})
    documents = {
        key: DocumentMoves(
            key,
            row["name"],
            row["kind"],
            row["done_at"],
            row["origin"],
            row["reference"],
            row["partner"],
            partner_places.get(row["partner_id"], Address()),
            in_period=key not in outside,
        )
        for key, row in rows.items()
    }
    for line in lines:
        documents[line.operation_id].lines.append(
            Line(
                products[line.product_id],
                lot_map.get(line.lot_id) if line.lot_id is not None else None,
                line.quantity,
                places[line.source_id],
                places[line.destination_id],
            )
        )
    _link_reverts(documents)
    wanted = {d.id for d in documents.values() if first_documents_of in (d.kind, "*")}
    lot_ids = {
        line.lot.id for key in wanted for line in documents[key].lines if line.lot is not None
    }
    ordered = sorted(documents.values(), key=lambda d: (d.done_at, d.id))
    return LedgerSlice(ordered, first_documents(conn, lot_ids) if lot_ids else {})


def _link_reverts(documents: dict[int, DocumentMoves]) -> None:
    by_name = {d.name: d for d in documents.values()}
    for document in documents.values():
        if document.is_revert and document.origin in by_name:
            by_name[document.origin].reverted_by = document


def lines_by(lines: Iterable[Line], *, consumed: bool) -> dict[tuple[int, int | None], Decimal]:
    """Quantities per (product id, lot id) going into production (``consumed``) or out of it."""
    totals: dict[tuple[int, int | None], Decimal] = defaultdict(Decimal)
    for line in lines:
        side = line.destination if consumed else line.source
        if side.usage == "production":
            totals[(line.product.id, line.lot.id if line.lot else None)] += line.quantity
    return totals
