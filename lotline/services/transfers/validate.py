"""Validating a transfer: post its detailed lines to the ledger, then back-order the rest.

An outgoing document first reserves what no line details (the whole demand of
an untouched line); an incoming one moves an untracked line's whole demand,
and refuses a tracked line without lots. What is demanded but not detailed
goes to a backorder, or is dropped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Connection, insert

from lotline.errors import InsufficientStock, InvalidQuantity, MissingLot, describe_quantity
from lotline.models import Operation
from lotline.rules.allocation import Pick
from lotline.rules.lots_input import kind_word
from lotline.rules.quantities import ZERO
from lotline.rules.states import DONE, DRAFT, READY
from lotline.services import ledger
from lotline.services.base import utcnow
from lotline.services.documents import (
    DOCUMENT_PREFIXES,
    OperationRef,
    change_state,
    create_operation,
    load_document,
)
from lotline.services.lots import ensure_lots
from lotline.services.sequences import next_document_name
from lotline.services.transfers.create import insert_moves
from lotline.services.transfers.document import (
    Detail,
    Document,
    by_move,
    detail_row,
    load,
    lock_transfer,
    read_details,
)
from lotline.services.transfers.lines import refuse_repeated_serials
from lotline.services.transfers.reserve import FILL_EMPTY, reserve_details
from lotline.store.schema import move_details


def validate(conn: Connection, user: str, ref: OperationRef, backorder: bool) -> Operation:
    """Post the detailed quantities; the rest goes to a backorder (or is dropped)."""
    row = lock_transfer(conn, ref, "validate")
    doc = _detailed(conn, load(conn, row))
    implied = _implied_details(doc)
    every = doc.details + implied
    done = _done_per_move(doc, every)
    refuse_repeated_serials(
        [(doc.products[d.product_id], d.lot_name) for d in every if d.lot_name], row["name"]
    )
    if not every:
        raise _nothing_available(doc)
    now = utcnow()
    _post(conn, user, doc, every, now)
    _write_implied(conn, doc, implied)
    change_state(conn, row, "validate", DONE, done_at=now)
    rest = [(m.product_id, m.quantity - done[m.id]) for m in doc.moves if m.quantity > done[m.id]]
    if rest and backorder:
        _create_backorder(conn, user, doc, rest, now)
    return load_document(conn, row["id"])


def _detailed(conn: Connection, doc: Document) -> Document:
    """An outgoing document with the untouched lines reserved by removal strategy."""
    if doc.outgoing and reserve_details(conn, doc, fill=FILL_EMPTY)[1]:
        return replace(doc, details=read_details(conn, doc.row["id"]))
    return doc


def _implied_details(doc: Document) -> list[Detail]:
    """An incoming document's lines without lots: the whole demand when untracked."""
    if doc.outgoing:
        return []
    detailed = {d.move_id for d in doc.details}
    implied: list[Detail] = []
    for m in doc.moves:
        if m.id in detailed:
            continue
        product = doc.products[m.product_id]
        if product.is_tracked:
            raise MissingLot(
                f"Product {product.code} is tracked by {product.tracking}: give the "
                f"{kind_word(product)}s of the {describe_quantity(m.quantity)} received "
                f"in {doc.row['name']} before validating.",
                details={
                    "document": doc.row["name"],
                    "product": product.code,
                    "tracking": product.tracking,
                    "quantity": m.quantity,
                },
            )
        implied.append(
            Detail(
                0,
                m.id,
                m.product_id,
                None,
                None,
                m.quantity,
                doc.source.id,
                doc.destination.id,
                False,
            )
        )
    return implied


def _done_per_move(doc: Document, every: Sequence[Detail]) -> dict[int, Decimal]:
    """The quantity each demanded line moves; never more than its demand."""
    grouped = by_move(every)
    done = {m.id: sum((d.quantity for d in grouped[m.id]), ZERO) for m in doc.moves}
    for m in doc.moves:
        if done[m.id] > m.quantity:
            code = doc.products[m.product_id].code
            raise InvalidQuantity(
                f"The detailed quantities of {code} in {doc.row['name']} add up to "
                f"{describe_quantity(done[m.id])}, more than the "
                f"{describe_quantity(m.quantity)} demanded; change the lots of {code}.",
                details={
                    "document": doc.row["name"],
                    "product": code,
                    "detailed": done[m.id],
                    "demanded": m.quantity,
                },
            )
    return done


def _nothing_available(doc: Document) -> InsufficientStock:
    return InsufficientStock(
        f"Nothing of {doc.row['name']} is available in {doc.source.full_name}, so nothing "
        "can be validated; receive the stock first, or cancel the document.",
        details={"document": doc.row["name"], "location": doc.source.full_name},
    )


def _post(
    conn: Connection, user: str, doc: Document, every: Sequence[Detail], now: datetime
) -> None:
    """Post every detailed line to the ledger, creating the lots a receipt brings."""
    lot_ids = {} if doc.outgoing else _new_lot_ids(conn, doc, every)
    postings = [
        ledger.Posting(
            product_id=d.product_id,
            lot_id=d.lot_id
            if d.lot_id is not None or d.lot_name is None
            else lot_ids[(d.product_id, d.lot_name)],
            quantity=d.quantity,
            source_id=d.source_id,
            destination_id=d.destination_id,
            move_id=d.move_id,
            unreserve=d.quantity if d.reserved else ZERO,
        )
        for d in every
    ]
    ledger.post(conn, doc.row["id"], postings, user=user, at=now)


def _new_lot_ids(
    conn: Connection, doc: Document, every: Sequence[Detail]
) -> dict[tuple[int, str], int]:
    """Ids of the lots named on the lines, created when new (one statement per product)."""
    names: defaultdict[int, list[str]] = defaultdict(list)
    for d in every:
        if d.lot_name is not None:
            names[d.product_id].append(d.lot_name)
    lot_ids: dict[tuple[int, str], int] = {}
    for product_id, product_names in names.items():
        ids = ensure_lots(conn, doc.products[product_id], product_names)
        lot_ids.update(((product_id, name), lot_id) for name, lot_id in ids.items())
    return lot_ids


def _write_implied(conn: Connection, doc: Document, implied: Sequence[Detail]) -> None:
    if implied:
        conn.execute(
            insert(move_details),
            [
                detail_row(
                    doc.row["id"],
                    d.move_id,
                    d.product_id,
                    Pick(d.source_id, None, None, d.quantity),
                    d.destination_id,
                    reserved=False,
                )
                for d in implied
            ],
        )


def _create_backorder(
    conn: Connection,
    user: str,
    doc: Document,
    rest: Sequence[tuple[int, Decimal]],
    now: datetime,
) -> None:
    """A new document of the same kind for what was demanded but not moved."""
    row = doc.row
    new_id = create_operation(
        conn,
        name=next_document_name(conn, DOCUMENT_PREFIXES[row["kind"]]),
        kind=row["kind"],
        state=DRAFT if doc.outgoing else READY,
        source_id=row["source_id"],
        destination_id=row["destination_id"],
        user=user,
        at=now,
        partner=row["partner"],
        origin=row["origin"],
        backorder_of_id=row["id"],
        return_of_id=row["return_of_id"],
    )
    insert_moves(conn, new_id, doc.source, doc.destination, rest)
