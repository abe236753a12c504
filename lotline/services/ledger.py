"""The ledger: posting done move lines and keeping quants. The only writer of stock.

``post`` writes every move line of an operation with one bulk INSERT and
applies the net change per quant with one bulk upsert, in the caller's
transaction. The database's own constraints (see store/schema.py) refuse a
serial on hand twice or tracked stock below zero, even from two processes at
once; when they do, ``post`` explains the refusal in the operator's words. No
quant, virtual ones included, may leave the 64-bit range of stored millionths.
(``check``, which proves the quants against the ledger, is in ledger_check.)

Quants of internal and transit locations are kept per lot; the other side of
each move, in virtual locations (vendors, customers, production, ...), is kept
per product only, so that a receipt of N serials touches N + 1 quants.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Connection,
    Select,
    desc,
    or_,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from lotline.errors import (
    ConcurrentUpdate,
    InsufficientStock,
    InvalidInput,
    InvalidQuantity,
    MissingLot,
    QuantityOutOfRange,
    SerialAlreadyInStock,
    describe_quantity,
)
from lotline.models import Location, MoveLine, Product
from lotline.rules.lots_input import kind_word
from lotline.rules.quantities import (
    MAX_STORED,
    STORAGE_LIMIT,
    ZERO,
    fits_storage,
    to_storage,
)
from lotline.services.base import utcnow
from lotline.services.catalog import products_by_id
from lotline.services.ledger_check import check as check
from lotline.services.locations import STOCK_KEEPING, locations_by_id
from lotline.store.bulk import IN_LIST_CHUNK, chunked, insert_rows, marker, stored
from lotline.store.schema import (
    locations,
    lots,
    move_lines,
    operations,
    products,
    quants,
)

ONE = Decimal(1)
QuantKey = tuple[int, int, int]  # product_id, location_id, lot_key


@dataclass(frozen=True, slots=True)
class Posting:
    """One done move line to write: a quantity of a product (and lot) from one place to another.

    ``unreserve`` is the part of the quantity that was reserved on the source quant
    and is released as it leaves. ``operation_id`` files the line under another
    document than the one being posted (a batch that closes many split orders).
    """

    product_id: int
    lot_id: int | None
    quantity: Decimal
    source_id: int
    destination_id: int
    move_id: int | None = None
    unreserve: Decimal = Decimal(0)
    operation_id: int | None = None


@dataclass(slots=True)
class _QuantChange:
    product_id: int
    location_id: int
    lot_id: int | None
    delta: Decimal
    unreserve: Decimal
    internal: bool
    one_unit: bool
    guarded: bool


_MOVE_LINE_COLUMNS = (
    "operation_id",
    "move_id",
    "product_id",
    "lot_id",
    "quantity",
    "source_id",
    "destination_id",
    "done_at",
    "user_name",
)


def post(
    conn: Connection,
    operation_id: int,
    postings: Sequence[Posting],
    *,
    user: str,
    at: datetime,
    allow_negative: bool = False,
) -> int:
    """Write ``postings`` as done move lines of one operation and update quants.

    ``allow_negative`` lets untracked products go below zero in internal
    locations (tracked products never may). Returns the number of move lines.
    """
    if not postings:
        return 0
    product_map = products_by_id(conn, {p.product_id for p in postings})
    location_map = locations_by_id(
        conn, {p.source_id for p in postings} | {p.destination_id for p in postings}
    )
    for posting in postings:
        _validate(posting, product_map, location_map)
    changes = _quant_changes(postings, product_map, location_map, allow_negative)
    if not all(fits_storage(c.delta) for c in changes):
        raise _explain(conn, changes, product_map, location_map)

    done_at = stored(conn, move_lines.c.done_at, at)
    insert_rows(
        conn,
        move_lines,
        _MOVE_LINE_COLUMNS,
        [
            (
                p.operation_id or operation_id,
                p.move_id,
                p.product_id,
                p.lot_id,
                to_storage(p.quantity),
                p.source_id,
                p.destination_id,
                done_at,
                user,
            )
            for p in postings
        ],
    )
    _refuse_serials_counted_twice(conn, changes, product_map, location_map)
    _apply(conn, changes, at, product_map, location_map)
    return len(postings)


def _validate(
    posting: Posting, product_map: dict[int, Product], location_map: dict[int, Location]
) -> None:
    """Refuse a move line the ledger cannot record, before anything is written."""
    product = product_map[posting.product_id]
    source = location_map[posting.source_id]
    destination = location_map[posting.destination_id]
    line = (posting, product, source, destination)
    if not isinstance(posting.quantity, Decimal) or not posting.quantity.is_finite():
        raise InvalidQuantity(
            f"Quantity {posting.quantity!r} of {product.code} is not exact.",
            details=_line_details(*line, quantity=repr(posting.quantity)),
        )
    if not fits_storage(posting.quantity):
        raise QuantityOutOfRange(
            f"Cannot move {describe_quantity(posting.quantity)} of {product.code} at once: "
            f"a quantity can be at most {describe_quantity(MAX_STORED)}.",
            details=_line_details(*line, limit=MAX_STORED),
        )
    if posting.quantity <= 0:
        raise InvalidQuantity(
            f"Cannot move {describe_quantity(posting.quantity)} of {product.code}: "
            "a move line carries a quantity greater than zero.",
            details=_line_details(*line),
        )
    if source.id == destination.id:
        raise InvalidInput(
            f"Cannot move {product.code} from {source.full_name} to itself; "
            "choose another destination.",
            details=_line_details(*line),
        )
    for place in (source, destination):
        if place.usage == "view":
            raise InvalidInput(
                f"{place.full_name} is a view location and holds no stock; "
                "move to or from one of its sub-locations.",
                details=_line_details(*line, location=place.full_name),
            )
    _validate_lot(*line)


def _line_details(
    posting: Posting, product: Product, source: Location, destination: Location, **more: Any
) -> dict[str, Any]:
    """The details of a refused move line."""
    return {
        "product": product.code,
        "quantity": posting.quantity,
        "source": source.full_name,
        "destination": destination.full_name,
        **more,
    }


def _validate_lot(
    posting: Posting,
    product: Product,
    source: Location,
    destination: Location,
) -> None:
    """Refuse a lot where the product's tracking and the destination do not allow it."""
    line = (posting, product, source, destination)
    keeps_lots = destination.usage in STOCK_KEEPING
    if product.is_tracked and posting.lot_id is None and keeps_lots:
        raise MissingLot(
            f"Product {product.code} is tracked by {product.tracking}: give the "
            f"{'serial number' if product.tracking == 'serial' else 'lot'} for "
            f"{describe_quantity(posting.quantity)} moved from {source.full_name} "
            f"to {destination.full_name}.",
            details=_line_details(*line),
        )
    if posting.lot_id is not None and not product.is_tracked and keeps_lots:
        raise InvalidInput(
            f"Product {product.code} is not tracked by lots or serial numbers, so no lot "
            f"can enter {destination.full_name}; move it without a lot, or set its "
            "tracking first. (Lots left from before can still be taken out of stock.)",
            details=_line_details(*line),
        )
    if product.tracking == "serial" and posting.lot_id is not None and posting.quantity != ONE:
        raise InvalidQuantity(
            f"Product {product.code} is tracked by unique serial number: each serial "
            f"moves one unit, not {describe_quantity(posting.quantity)}.",
            details=_line_details(*line),
        )


def _quant_changes(
    postings: Iterable[Posting],
    product_map: dict[int, Product],
    location_map: dict[int, Location],
    allow_negative: bool,
) -> list[_QuantChange]:
    net: dict[tuple[int, int, int], list[Any]] = defaultdict(lambda: [Decimal(0), Decimal(0), None])
    for p in postings:
        for location_id, sign in ((p.source_id, -1), (p.destination_id, 1)):
            keeps_lots = location_map[location_id].usage in STOCK_KEEPING
            lot_id = p.lot_id if keeps_lots else None
            entry = net[(p.product_id, location_id, lot_id or 0)]
            entry[0] += sign * p.quantity
            entry[2] = lot_id
            if sign < 0:
                entry[1] += p.unreserve
    changes = []
    for (product_id, location_id, _), (delta, unreserve, lot_id) in net.items():
        if delta == 0 and unreserve == 0:
            continue
        product = product_map[product_id]
        internal = location_map[location_id].usage in STOCK_KEEPING
        may_go_negative = allow_negative and not product.is_tracked
        changes.append(
            _QuantChange(
                product_id=product_id,
                location_id=location_id,
                lot_id=lot_id,
                delta=delta,
                unreserve=unreserve,
                internal=internal,
                one_unit=internal and product.tracking == "serial" and lot_id is not None,
                guarded=internal and delta < 0 and not may_go_negative,
            )
        )
    # Stock leaves before it arrives, so a serial moved between two internal
    # locations is never seen in both; a stable order avoids deadlocks.
    changes.sort(key=lambda c: (c.delta > 0, c.product_id, c.location_id, c.lot_id or 0))
    return changes


def _refuse_serials_counted_twice(
    conn: Connection,
    changes: list[_QuantChange],
    product_map: dict[int, Product],
    location_map: dict[int, Location],
) -> None:
    """Refuse an operation that brings the same serial to one place more than once."""
    for change in changes:
        if change.one_unit and change.delta > 1 and change.lot_id is not None:
            name = _lot_names(conn, {change.lot_id})[change.lot_id]
            product = product_map[change.product_id].code
            place = location_map[change.location_id].full_name
            raise SerialAlreadyInStock(
                f"The serial number {name} of product {product} appears "
                f"{describe_quantity(change.delta)} times for {place} in one operation; "
                "a serial number is one unit. Remove the repeated lines.",
                details={
                    "product": product,
                    "lot": name,
                    "location": place,
                    "quantity": change.delta,
                },
            )


# Each change carries the range its quant must be in for the sum to stay storable
# (``_room``): a quant outside it is left alone, and the row count tells.
_QUANT_COLUMNS = (
    "product_id",
    "location_id",
    "lot_id",
    "lot_key",
    "quantity",
    "reserved_quantity",
    "in_date",
    "internal",
    "one_unit",
    "guarded",
)
_UPSERT = (
    f"INSERT INTO quants ({', '.join(_QUANT_COLUMNS)}) "
    "VALUES ({marks}) ON CONFLICT (product_id, location_id, lot_key) DO UPDATE SET "
    "quantity = quants.quantity + excluded.quantity, guarded = excluded.guarded, "
    "in_date = CASE WHEN quants.quantity <= 0 THEN excluded.in_date ELSE quants.in_date END "
    "WHERE quants.quantity BETWEEN {m} AND {m}"
)

_TAKE = (
    "UPDATE quants SET quantity = quantity + {m}, "
    "reserved_quantity = reserved_quantity - {m}, guarded = {m} "
    "WHERE product_id = {m} AND location_id = {m} AND lot_key = {m} "
    "AND quantity BETWEEN {m} AND {m}"
)


def _room(units: int) -> tuple[int, int]:
    """The lowest and highest stored quantity to which ``units`` can still be added."""
    return max(-STORAGE_LIMIT, -STORAGE_LIMIT - units), min(STORAGE_LIMIT, STORAGE_LIMIT - units)


def _apply(
    conn: Connection,
    changes: list[_QuantChange],
    at: datetime,
    product_map: dict[int, Product],
    location_map: dict[int, Location],
) -> None:
    """Apply quant changes: guarded takes as one bulk UPDATE, the rest as one bulk upsert.

    Both engines check an upsert's proposed row before resolving the conflict,
    so a take that must not go below zero is an UPDATE of a quant that exists.
    """
    takes = [c for c in changes if c.guarded or c.unreserve]
    others = [c for c in changes if not (c.guarded or c.unreserve)]
    savepoint = conn.begin_nested()
    try:
        if takes:
            _take(conn, takes)
        if others:
            _upsert(conn, others, at)
    except (IntegrityError, _Unchanged) as exc:
        savepoint.rollback()
        raise _explain(conn, changes, product_map, location_map) from exc
    savepoint.commit()


def _flag(conn: Connection, value: bool) -> Any:
    return stored(conn, quants.c.guarded, value)


def _take(conn: Connection, takes: list[_QuantChange]) -> None:
    """Lower (and unreserve) existing quants; a missing quant, or one the change would
    take out of range, raises _Unchanged."""
    true, false = _flag(conn, True), _flag(conn, False)
    result = conn.exec_driver_sql(
        _TAKE.format(m=marker(conn)),
        [
            (
                units,
                to_storage(c.unreserve),
                true if c.guarded else false,
                c.product_id,
                c.location_id,
                c.lot_id or 0,
                *_room(units),
            )
            for c in takes
            for units in (to_storage(c.delta),)
        ],
    )
    if result.rowcount != len(takes):
        raise _Unchanged()


def _upsert(conn: Connection, others: list[_QuantChange], at: datetime) -> None:
    """Add to the quants, creating those that do not exist yet; a quant the change
    would take out of range raises _Unchanged."""
    true, false = _flag(conn, True), _flag(conn, False)
    in_date = stored(conn, quants.c.in_date, at)
    m = marker(conn)
    result = conn.exec_driver_sql(
        _UPSERT.format(marks=", ".join([m] * 10), m=m),
        [
            (
                c.product_id,
                c.location_id,
                c.lot_id,
                c.lot_id or 0,
                units,
                0,
                in_date,
                true if c.internal else false,
                true if c.one_unit else false,
                false,
                *_room(units),
            )
            for c in others
            for units in (to_storage(c.delta),)
        ],
    )
    if result.rowcount != len(others):
        raise _Unchanged()


def lock_quant(
    conn: Connection, product: Product, location: Location, lot_id: int | None
) -> tuple[Decimal, Decimal]:
    """The quantity and reserved quantity of a quant, locked until the transaction ends.

    A quant that does not exist yet is created empty first, so that the lock exists
    before the read: two users setting the same new quant at once are served in turn.
    """
    found = _locked_quant(conn, product.id, location.id, lot_id)
    if found is None:
        keeps_lots = location.usage in STOCK_KEEPING
        insert_rows(
            conn,
            quants,
            _QUANT_COLUMNS,
            [
                (
                    product.id,
                    location.id,
                    lot_id,
                    lot_id or 0,
                    0,
                    0,
                    stored(conn, quants.c.in_date, utcnow()),
                    _flag(conn, keeps_lots),
                    _flag(conn, keeps_lots and product.tracking == "serial" and bool(lot_id)),
                    _flag(conn, False),
                )
            ],
            on_conflict_do_nothing=("product_id", "location_id", "lot_key"),
        )
        found = _locked_quant(conn, product.id, location.id, lot_id)
    assert found is not None
    return found


def _locked_quant(
    conn: Connection, product_id: int, location_id: int, lot_id: int | None
) -> tuple[Decimal, Decimal] | None:
    row = conn.execute(
        select(quants.c.quantity, quants.c.reserved_quantity)
        .where(
            quants.c.product_id == product_id,
            quants.c.location_id == location_id,
            quants.c.lot_key == (lot_id or 0),
        )
        .with_for_update()
    ).first()
    return (row.quantity, row.reserved_quantity) if row is not None else None


class _Unchanged(Exception):
    """A quant a change did not reach: missing (nothing of it is on hand), or the
    change would take it out of range."""


def _explain(
    conn: Connection,
    changes: list[_QuantChange],
    product_map: dict[int, Product],
    location_map: dict[int, Location],
) -> Exception:
    """Turn a constraint the database enforced into the operator's words."""
    held = _held(conn, changes)
    beyond = _beyond_range(conn, changes, held, product_map, location_map)
    if beyond is not None:
        return beyond
    short = _shortage(conn, [c for c in changes if c.guarded], held, product_map, location_map)
    if short is not None:
        return short
    twice = _serial_already_in_stock(conn, changes)
    if twice is not None:
        return twice
    return ConcurrentUpdate(
        "Another user changed the same stock at the same moment, so nothing was "
        "recorded; look at the stock again and retry.",
        details={"products": sorted({product_map[c.product_id].code for c in changes})},
    )


def _serial_already_in_stock(
    conn: Connection, changes: list[_QuantChange]
) -> SerialAlreadyInStock | None:
    """The first serial arriving that is on hand elsewhere (and not leaving it), if any."""
    serial_lots = [c.lot_id for c in changes if c.one_unit and c.delta > 0 and c.lot_id]
    leaving = {(c.lot_id, c.location_id) for c in changes if c.one_unit and c.delta < 0}
    for chunk in chunked(serial_lots):
        found = conn.execute(
            select(
                lots.c.name,
                products.c.code,
                locations.c.full_name,
                quants.c.lot_id,
                quants.c.location_id,
            )
            .select_from(quants)
            .join(lots, lots.c.id == quants.c.lot_id)
            .join(products, products.c.id == quants.c.product_id)
            .join(locations, locations.c.id == quants.c.location_id)
            .where(quants.c.lot_id.in_(chunk), quants.c.one_unit, quants.c.quantity > 0)
        ).all()
        for row in found:
            if (row.lot_id, row.location_id) in leaving:
                continue
            return SerialAlreadyInStock(
                f"The serial number {row.name} of product {row.code} is already in stock "
                f"at {row.full_name}. A serial number is one unit: receive a different "
                "serial, or move this one instead.",
                details={"product": row.code, "lot": row.name, "location": row.full_name},
            )
    return None


def _held(conn: Connection, changes: list[_QuantChange]) -> dict[QuantKey, Decimal]:
    """The quantity on hand now at each quant the changes touch (and their neighbours)."""
    held: dict[QuantKey, Decimal] = {}
    for chunk in chunked(changes, IN_LIST_CHUNK // 3):
        held.update(
            ((r.product_id, r.location_id, r.lot_key), r.quantity)
            for r in conn.execute(
                select(
                    quants.c.product_id, quants.c.location_id, quants.c.lot_key, quants.c.quantity
                ).where(
                    quants.c.product_id.in_({c.product_id for c in chunk}),
                    quants.c.location_id.in_({c.location_id for c in chunk}),
                )
            )
        )
    return held


def _key(change: _QuantChange) -> QuantKey:
    return change.product_id, change.location_id, change.lot_id or 0


def _beyond_range(
    conn: Connection,
    changes: list[_QuantChange],
    held: dict[QuantKey, Decimal],
    product_map: dict[int, Product],
    location_map: dict[int, Location],
) -> QuantityOutOfRange | None:
    """The first change that would take its quant beyond what can be stored, if any."""
    for change in changes:
        on_hand = held.get(_key(change), ZERO)
        after = on_hand + change.delta
        if fits_storage(change.delta) and fits_storage(after):
            continue
        product, place = product_map[change.product_id], location_map[change.location_id]
        lot = _lot_names(conn, {change.lot_id})[change.lot_id] if change.lot_id else None
        what = f" {kind_word(product)} {lot}" if lot else ""
        return QuantityOutOfRange(
            f"Cannot record {describe_quantity(abs(change.delta))} more of {product.code}{what} "
            f"{'into' if change.delta > 0 else 'out of'} {place.full_name}: its quantity there "
            f"would reach {describe_quantity(after)}, beyond the "
            f"{describe_quantity(MAX_STORED)} a quantity can be either way. Nothing was recorded.",
            details={
                "product": product.code,
                "lot": lot,
                "location": place.full_name,
                "quantity": change.delta,
                "on_hand": on_hand,
                "limit": MAX_STORED,
            },
        )
    return None


def _shortage(
    conn: Connection,
    taking: list[_QuantChange],
    held: dict[QuantKey, Decimal],
    product_map: dict[int, Product],
    location_map: dict[int, Location],
) -> InsufficientStock | None:
    """The first take that would leave its quant below zero, if any."""
    lot_ids = {c.lot_id for c in taking if c.lot_id}
    names = _lot_names(conn, lot_ids) if len(lot_ids) <= IN_LIST_CHUNK else {}
    for change in taking:
        on_hand = held.get(_key(change), ZERO)
        if on_hand + change.delta < 0:
            lot = names.get(change.lot_id, "") if change.lot_id else None
            return _not_enough(
                product_map[change.product_id],
                lot,
                location_map[change.location_id],
                on_hand,
                -change.delta,
            )
    return None


def _not_enough(
    product: Product, lot: str | None, location: Location, on_hand: Decimal, needed: Decimal
) -> InsufficientStock:
    """The refusal to take ``needed`` of a product (lot: its name, "" when unknown)."""
    kind = "serial number" if product.tracking == "serial" else "lot"
    what = "" if lot is None else f"{kind} {lot} of " if lot else f"{kind} of "
    return InsufficientStock(
        f"Not enough {what}{product.code} in {location.full_name}: "
        f"{describe_quantity(on_hand)} on hand, {describe_quantity(needed)} needed. "
        "Receive or count the stock first, or take it from where it is.",
        details={
            "product": product.code,
            "lot": lot or None,
            "location": location.full_name,
            "needed": needed,
            "available": on_hand,
        },
    )


# --- reading the ledger -------------------------------------------------------------


def read_lines(
    conn: Connection,
    product: Product,
    *,
    lot_id: int | None = None,
    location_path: str | None = None,
    newest_first: bool = True,
) -> list[MoveLine]:
    """Done move lines of a product (one lot, or from/to one place and its children),
    with their documents, in one query."""
    source, destination = aliased(locations), aliased(locations)
    query = _lines_query(source, destination).where(move_lines.c.product_id == product.id)
    if newest_first:
        query = query.order_by(desc(move_lines.c.done_at), desc(move_lines.c.id))
    else:
        query = query.order_by(move_lines.c.done_at, move_lines.c.id)
    if lot_id is not None:
        query = query.where(move_lines.c.lot_id == lot_id)
    if location_path is not None:
        query = query.where(
            or_(
                source.c.parent_path.startswith(location_path),
                destination.c.parent_path.startswith(location_path),
            )
        )
    return [
        MoveLine(
            id=r.id,
            reference=r.reference or r.operation,
            date=r.done_at,
            product=product.code,
            lot=r.lot_name,
            quantity=r.quantity,
            source=r.source,
            destination=r.destination,
            operation=r.operation,
            user=r.user_name,
            partner=r.partner,
        )
        for r in conn.execute(query)
    ]


def _lines_query(source: Any, destination: Any) -> Select[Any]:
    """Move lines with their lot, places and document."""
    return (
        select(
            move_lines.c.id,
            move_lines.c.done_at,
            move_lines.c.quantity,
            move_lines.c.user_name,
            lots.c.name.label("lot_name"),
            source.c.full_name.label("source"),
            destination.c.full_name.label("destination"),
            operations.c.name.label("operation"),
            operations.c.reference,
            operations.c.partner,
        )
        .select_from(move_lines)
        .join(operations, operations.c.id == move_lines.c.operation_id)
        .join(source, source.c.id == move_lines.c.source_id)
        .join(destination, destination.c.id == move_lines.c.destination_id)
        .outerjoin(lots, lots.c.id == move_lines.c.lot_id)
    )


def _lot_names(conn: Connection, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(conn.execute(select(lots.c.id, lots.c.name).where(lots.c.id.in_(ids))).all())
