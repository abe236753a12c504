"""Inventory adjustments ("Update Quantity"), physical inventory counts, reverts, history.

Every change of stock made here is one done operation of kind "adjustment"
whose move lines go to or from "Virtual Locations/Inventory adjustment",
posted in bulk by the ledger.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    and_,
    delete,
    exists,
    func,
    select,
    true,
)
from sqlalchemy.dialects import postgresql, sqlite

from lotline.errors import (
    InvalidInput,
    InvalidQuantity,
    InvalidState,
    MissingLot,
    OutdatedCount,
    UnknownCount,
    describe_quantity,
)
from lotline.models import Count, Location, MoveLine, Operation, Product
from lotline.rules.naming import generate_names, validate_lot_name
from lotline.rules.quantities import (
    ONE,
    ZERO,
    QuantityInput,
    counted_quantity,
    positive_quantity,
)
from lotline.rules.text import required_text
from lotline.services import ledger
from lotline.services.base import Service, utcnow
from lotline.services.catalog import ProductRef, get_product, products_by_id
from lotline.services.documents import (
    DOCUMENT_PREFIXES,
    OperationRef,
    create_operation,
    load_operation,
    operation_row,
)
from lotline.services.locations import (
    INVENTORY_ADJUSTMENT,
    LocationRef,
    get_location,
    subtree_path,
)
from lotline.services.lots import ensure_lots, find_lot, get_lot
from lotline.services.sequences import next_document_name
from lotline.store.bulk import chunked
from lotline.store.schema import (
    inventory_counts,
    locations,
    lots,
    move_lines,
    operations,
    products,
    quants,
)

PRODUCT_QUANTITY_UPDATED = "Product Quantity Updated"
QUANTITY_UPDATED = "Quantity Updated"
REVERTED = " [reverted]"
MAX_REFERENCE = 256

LotsInput = Mapping[str, QuantityInput] | Sequence[str]


# --- what is on hand where --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Level:
    quantity: Decimal = ZERO
    reserved: Decimal = ZERO


def _quant_level(conn: Connection, product_id: int, location_id: int, lot_id: int | None) -> _Level:
    """The quant's quantity and reservation, locked until the transaction ends."""
    row = conn.execute(
        select(quants.c.quantity, quants.c.reserved_quantity)
        .where(
            quants.c.product_id == product_id,
            quants.c.location_id == location_id,
            quants.c.lot_key == (lot_id or 0),
        )
        .with_for_update()
    ).first()
    return _Level(row.quantity, row.reserved_quantity) if row is not None else _Level()


def _internal_location(conn: Connection, ref: LocationRef) -> Location:
    location = get_location(conn, ref)
    if not location.is_internal:
        raise InvalidInput(
            f"{location.full_name} is not an internal location; inventory is counted in "
            "internal locations such as WH/Stock."
        )
    return location


def _what(product: Product, lot: str | None) -> str:
    if lot is None:
        return f"{product.code} without a lot/serial number"
    kind = "serial number" if product.tracking == "serial" else "lot"
    return f"{product.code} {kind} {lot}"


def _named_lot(
    conn: Connection, product: Product, lot: str | None, target: Decimal
) -> tuple[str | None, int | None]:
    """The lot's cleaned name and its id, None for a name the product does not have yet."""
    if lot is None:
        return None, None
    name = validate_lot_name(lot)
    if product.tracking == "serial" and target not in (ZERO, ONE):
        raise InvalidQuantity(
            f"Serial number {name} of {product.code} is one unit: count it 0 or 1, "
            f"not {describe_quantity(target)}."
        )
    found = find_lot(conn, product, name)
    if found is None and not product.is_tracked:
        raise InvalidInput(
            f"Product {product.code} is not tracked by lots or serial numbers; "
            "set its quantity without a lot."
        )
    return name, found.id if found is not None else None


def _level_of(
    conn: Connection, product: Product, location: Location, name: str | None, lot_id: int | None
) -> _Level:
    """What is on hand at the quant; nothing for a lot that does not exist yet."""
    if name is not None and lot_id is None:
        return _Level()
    return _quant_level(conn, product.id, location.id, lot_id)


def _new_lot_id(conn: Connection, product: Product, name: str) -> int:
    """Create the lot, as the "New" line of Update Quantity does."""
    return ensure_lots(conn, product, [name])[name]


def _check_target(
    product: Product, place: str, lot: str | None, target: Decimal, level: _Level
) -> None:
    """Refuse a target the rules of stock do not allow at this quant."""
    if target > level.quantity:
        if product.is_tracked and lot is None:
            raise MissingLot(
                f"Product {product.code} is tracked by {product.tracking}: its quantity "
                f"without a lot/serial number at {place} can only be lowered "
                f"({describe_quantity(level.quantity)} on hand, "
                f"{describe_quantity(target)} asked). Give the lot/serial number of the "
                "stock to add."
            )
        if not product.is_tracked and lot is not None:
            raise InvalidInput(
                f"Product {product.code} is no longer tracked: lot {lot} at "
                f"{place} can only be lowered ({describe_quantity(level.quantity)} "
                f"on hand, {describe_quantity(target)} asked). Add stock without a lot."
            )
    if target < level.reserved:
        raise InvalidState(
            f"{describe_quantity(level.reserved)} of {_what(product, lot)} at "
            f"{place} is reserved for transfers, so it cannot be set to "
            f"{describe_quantity(target)}. Unreserve those transfers first."
        )


def _posting(
    product_id: int, lot_id: int | None, location_id: int, adjustment_id: int, difference: Decimal
) -> ledger.Posting:
    if difference > 0:
        return ledger.Posting(product_id, lot_id, difference, adjustment_id, location_id)
    return ledger.Posting(product_id, lot_id, -difference, location_id, adjustment_id)


def _check_reason(reason: str | None, default: str) -> str:
    if reason is None:
        return default
    return required_text(reason, "adjustment reason", limit=MAX_REFERENCE - len(REVERTED))


def _document_ends(
    conn: Connection, postings: Sequence[ledger.Posting], adjustment_id: int
) -> tuple[int, int]:
    """The document's source and destination: the adjustment location and the counted place.

    Several counted places are summed up by their closest common parent.
    """
    places = {
        p.source_id if p.destination_id == adjustment_id else p.destination_id for p in postings
    }
    paths = conn.execute(
        select(locations.c.parent_path).where(locations.c.id.in_(places))
    ).scalars()
    common: list[str] | None = None
    for path in paths:
        parts = path.rstrip("/").split("/")
        if common is None:
            common = parts
            continue
        size = 0
        while size < min(len(common), len(parts)) and common[size] == parts[size]:
            size += 1
        common = common[:size]
    place = int(common[-1]) if common else min(places)
    if all(p.destination_id == adjustment_id for p in postings):
        return place, adjustment_id
    return adjustment_id, place


def _post_adjustment(
    conn: Connection,
    user: str,
    postings: Sequence[ledger.Posting],
    reference: str,
    adjustment_id: int,
    *,
    origin: str | None = None,
) -> Operation:
    """One done adjustment document carrying ``postings``."""
    source_id, destination_id = _document_ends(conn, postings, adjustment_id)
    now = utcnow()
    operation_id = create_operation(
        conn,
        name=next_document_name(conn, DOCUMENT_PREFIXES["adjustment"]),
        kind="adjustment",
        state="done",
        source_id=source_id,
        destination_id=destination_id,
        user=user,
        at=now,
        done_at=now,
        reference=reference,
        origin=origin,
    )
    ledger.post(conn, operation_id, postings, user=user, at=now)
    return load_operation(conn, operation_id)


# --- Update Quantity ------------------------------------------------------------------


def set_quantity(
    conn: Connection,
    user: str,
    product_ref: ProductRef,
    location_ref: LocationRef,
    quantity: QuantityInput,
    lot: str | None = None,
    reason: str | None = None,
) -> Operation | None:
    """Post the difference between the counted and the recorded quantity."""
    target = counted_quantity(quantity, what="counted quantity")
    reference = _check_reason(reason, PRODUCT_QUANTITY_UPDATED)
    product = get_product(conn, product_ref)
    location = _internal_location(conn, location_ref)
    name, lot_id = _named_lot(conn, product, lot, target)
    level = _level_of(conn, product, location, name, lot_id)
    _check_target(product, location.full_name, name, target, level)
    difference = target - level.quantity
    if difference == 0:
        return None
    if name is not None and lot_id is None:
        lot_id = _new_lot_id(conn, product, name)
    adjustment = get_location(conn, INVENTORY_ADJUSTMENT)
    posting = _posting(product.id, lot_id, location.id, adjustment.id, difference)
    return _post_adjustment(conn, user, [posting], reference, adjustment.id)


# --- assigning lots to untracked stock ------------------------------------------------


def _lot_entries(
    product: Product,
    lots_given: LotsInput | None,
    first: str | None,
    count: int | None,
) -> list[tuple[str, Decimal]]:
    """The (name, quantity) pairs asked for, validated; a list gives one unit per name."""
    if first is not None or count is not None:
        if lots_given is not None:
            raise InvalidInput("Give either the lots, or a first serial number and a count.")
        if first is None or count is None:
            raise InvalidInput("Give both the first serial number and the count of serials.")
        if isinstance(count, bool) or not isinstance(count, int) or count <= 0:
            raise InvalidQuantity(f"The count of serial numbers must be 1 or more, not {count!r}.")
        lots_given = generate_names(validate_lot_name(first), count)
    if lots_given is None or isinstance(lots_given, str):
        raise InvalidInput(
            "Give the lots as {name: quantity}, or a list of serial numbers "
            "(one unit each), not " + repr(lots_given) + "."
        )
    if isinstance(lots_given, Mapping):
        pairs = [
            (
                validate_lot_name(name),
                positive_quantity(quantity, what=f"quantity of lot {str(name).strip()}"),
            )
            for name, quantity in lots_given.items()
        ]
    else:
        pairs = [(validate_lot_name(name), ONE) for name in lots_given]
    if not pairs:
        raise InvalidInput(f"Give at least one lot/serial number for {product.code}.")
    if len({name for name, _ in pairs}) != len(pairs):
        repeated = next(n for n, c in Counter(name for name, _ in pairs).items() if c > 1)
        raise InvalidInput(
            f"The lot/serial number {repeated} is given more than once; "
            "give each name once with its whole quantity."
        )
    if product.tracking == "serial":
        several = [(name, q) for name, q in pairs if q != ONE]
        if several:
            raise InvalidQuantity(
                f"Product {product.code} is tracked by unique serial number: serial "
                f"{several[0][0]} is one unit, not {describe_quantity(several[0][1])}."
            )
    return pairs


def assign_lots(
    conn: Connection,
    user: str,
    product_ref: ProductRef,
    location_ref: LocationRef,
    lots_given: LotsInput | None = None,
    *,
    first: str | None = None,
    count: int | None = None,
    reason: str | None = None,
) -> Operation:
    """Replace the untracked stock at a location by the same quantity in lots, in one document."""
    reference = _check_reason(reason, PRODUCT_QUANTITY_UPDATED)
    product = get_product(conn, product_ref)
    location = _internal_location(conn, location_ref)
    if not product.is_tracked:
        raise InvalidInput(
            f"Product {product.code} is not tracked by lots or serial numbers; set its "
            "tracking to lot or serial first (app.products.set_tracking)."
        )
    pairs = _lot_entries(product, lots_given, first, count)
    level = _quant_level(conn, product.id, location.id, None)
    if level.quantity <= 0:
        raise InvalidState(
            f"There is no stock of {product.code} without a lot/serial number at "
            f"{location.full_name}; app.stock.untracked() (lotline stock-untracked) "
            "shows where it is."
        )
    total = sum((quantity for _, quantity in pairs), ZERO)
    if total != level.quantity:
        raise InvalidQuantity(
            f"The lots given for {product.code} add up to {describe_quantity(total)}, but "
            f"{describe_quantity(level.quantity)} is on hand at {location.full_name} without "
            f"a lot/serial number; give lots for exactly {describe_quantity(level.quantity)}."
        )
    if level.reserved:
        raise InvalidState(
            f"{describe_quantity(level.reserved)} of {_what(product, None)} at "
            f"{location.full_name} is reserved for transfers; unreserve them first."
        )
    ids = ensure_lots(conn, product, [name for name, _ in pairs])
    adjustment = get_location(conn, INVENTORY_ADJUSTMENT)
    postings = [
        ledger.Posting(product.id, None, level.quantity, location.id, adjustment.id),
        *(
            ledger.Posting(product.id, ids[name], quantity, adjustment.id, location.id)
            for name, quantity in pairs
        ),
    ]
    return _post_adjustment(conn, user, postings, reference, adjustment.id)


# --- physical inventory ------------------------------------------------------------------


def _upsert_counts(conn: Connection) -> Any:
    table = inventory_counts
    ins = postgresql.insert(table) if conn.dialect.name == "postgresql" else sqlite.insert(table)
    return ins.on_conflict_do_update(
        index_elements=[table.c.product_id, table.c.location_id, table.c.lot_key],
        set_={
            "counted_quantity": ins.excluded.counted_quantity,
            "on_hand_at_count": ins.excluded.on_hand_at_count,
            "counted_at": ins.excluded.counted_at,
            "user_name": ins.excluded.user_name,
        },
    )


def record_count(
    conn: Connection,
    user: str,
    product_ref: ProductRef,
    location_ref: LocationRef,
    quantity: QuantityInput,
    lot: str | None = None,
) -> Count:
    """Record a counted quantity beside the quantity on hand, without moving stock."""
    target = counted_quantity(quantity, what="counted quantity")
    product = get_product(conn, product_ref)
    location = _internal_location(conn, location_ref)
    name, lot_id = _named_lot(conn, product, lot, target)
    level = _level_of(conn, product, location, name, lot_id)
    _check_target(product, location.full_name, name, target, level)
    if name is not None and lot_id is None:
        lot_id = _new_lot_id(conn, product, name)
    now = utcnow()
    conn.execute(
        _upsert_counts(conn),
        {
            "product_id": product.id,
            "location_id": location.id,
            "lot_id": lot_id,
            "lot_key": lot_id or 0,
            "counted_quantity": target,
            "on_hand_at_count": level.quantity,
            "counted_at": now,
            "user_name": user,
        },
    )
    return Count(
        product=product.code,
        location=location.full_name,
        lot=name,
        counted=target,
        on_hand=level.quantity,
        difference=target - level.quantity,
        counted_at=now,
        user=user,
        outdated=False,
        on_hand_at_count=level.quantity,
    )


def _count_filter(
    conn: Connection, product_ref: ProductRef | None, location_ref: LocationRef | None
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if product_ref is not None:
        conditions.append(inventory_counts.c.product_id == get_product(conn, product_ref).id)
    if location_ref is not None:
        path = subtree_path(conn, get_location(conn, location_ref))
        conditions.append(
            inventory_counts.c.location_id.in_(
                select(locations.c.id).where(locations.c.parent_path.startswith(path))
            )
        )
    return conditions


_QUANT_OF_COUNT = and_(
    quants.c.product_id == inventory_counts.c.product_id,
    quants.c.location_id == inventory_counts.c.location_id,
    quants.c.lot_key == inventory_counts.c.lot_key,
)


def _count_rows(conn: Connection, *, lock: bool = False) -> list[Row[Any]]:
    """Every pending count with its names and the current quant; optionally locked."""
    if lock:
        conn.execute(select(inventory_counts.c.id).with_for_update()).all()
        conn.execute(
            select(quants.c.id).join(inventory_counts, _QUANT_OF_COUNT).with_for_update(of=quants)
        ).all()
    return list(
        conn.execute(
            select(
                inventory_counts.c.id,
                inventory_counts.c.product_id,
                inventory_counts.c.location_id,
                inventory_counts.c.lot_id,
                inventory_counts.c.counted_quantity,
                inventory_counts.c.on_hand_at_count,
                inventory_counts.c.counted_at,
                inventory_counts.c.user_name,
                products.c.code,
                products.c.tracking,
                locations.c.full_name,
                lots.c.name.label("lot_name"),
                func.coalesce(quants.c.quantity, 0).label("on_hand"),
                func.coalesce(quants.c.reserved_quantity, 0).label("reserved"),
            )
            .select_from(
                inventory_counts.join(products, products.c.id == inventory_counts.c.product_id)
                .join(locations, locations.c.id == inventory_counts.c.location_id)
                .outerjoin(lots, lots.c.id == inventory_counts.c.lot_id)
                .outerjoin(quants, _QUANT_OF_COUNT)
            )
            .order_by(products.c.code, locations.c.full_name, lots.c.name.asc().nulls_first())
        )
    )


def _count_from_row(row: Row[Any]) -> Count:
    on_hand = _decimal(row.on_hand)
    return Count(
        product=row.code,
        location=row.full_name,
        lot=row.lot_name,
        counted=row.counted_quantity,
        on_hand=on_hand,
        difference=row.counted_quantity - on_hand,
        counted_at=row.counted_at,
        user=row.user_name,
        outdated=on_hand != row.on_hand_at_count,
        on_hand_at_count=row.on_hand_at_count,
    )


def _decimal(value: Any) -> Decimal:
    """A coalesced quantity: the Quantity type's Decimal, or 0 when no quant exists."""
    return value if isinstance(value, Decimal) else Decimal(value)


def pending_counts(conn: Connection) -> list[Count]:
    """Every count not yet applied, beside the quantity on hand now."""
    return [_count_from_row(row) for row in _count_rows(conn)]


def _select_counts(rows: list[Row[Any]], wanted: Iterable[Count] | None) -> list[Row[Any]]:
    if wanted is None:
        return rows
    keys = {(c.product, c.location, c.lot) for c in wanted}
    chosen = [r for r in rows if (r.code, r.full_name, r.lot_name) in keys]
    missing = keys - {(r.code, r.full_name, r.lot_name) for r in chosen}
    if missing:
        product, location, lot = sorted(missing, key=str)[0]
        lot_text = f" lot {lot}" if lot else ""
        raise UnknownCount(
            f"There is no pending count of {product}{lot_text} at {location}; it was applied "
            "or cleared already. app.adjustments.pending() (lotline counts) lists the counts."
        )
    return chosen


def apply_counts(
    conn: Connection,
    user: str,
    wanted: Iterable[Count] | None = None,
    *,
    reason: str | None = None,
    force: bool = False,
) -> Operation | None:
    """Set every chosen quant to its counted quantity as one document, then drop the counts."""
    reference = _check_reason(reason, QUANTITY_UPDATED)
    rows = _select_counts(_count_rows(conn, lock=True), wanted)
    outdated = [r for r in rows if _decimal(r.on_hand) != r.on_hand_at_count]
    if outdated and not force:
        details = "; ".join(
            f"{r.code}{' lot ' + r.lot_name if r.lot_name else ''} at {r.full_name}: "
            f"{describe_quantity(r.on_hand_at_count)} on hand when counted, "
            f"{describe_quantity(_decimal(r.on_hand))} now"
            for r in outdated[:10]
        )
        more = f" (and {len(outdated) - 10} more)" if len(outdated) > 10 else ""
        raise OutdatedCount(
            f"{len(outdated)} count(s) are outdated because stock moved after counting: "
            f"{details}{more}. Count them again, or apply with force=True (--force) to set "
            "the counted quantities anyway."
        )
    product_map = products_by_id(conn, {r.product_id for r in rows})
    adjustment = get_location(conn, INVENTORY_ADJUSTMENT)
    postings = []
    for row in rows:
        level = _Level(_decimal(row.on_hand), _decimal(row.reserved))
        _check_target(
            product_map[row.product_id], row.full_name, row.lot_name, row.counted_quantity, level
        )
        difference = row.counted_quantity - level.quantity
        if difference:
            postings.append(
                _posting(row.product_id, row.lot_id, row.location_id, adjustment.id, difference)
            )
    ids = [r.id for r in rows]
    for chunk in chunked(ids):
        conn.execute(delete(inventory_counts).where(inventory_counts.c.id.in_(chunk)))
    if not postings:
        return None
    return _post_adjustment(conn, user, postings, reference, adjustment.id)


def set_counts(
    conn: Connection,
    user: str,
    product_ref: ProductRef | None = None,
    location_ref: LocationRef | None = None,
) -> int:
    """Copy the on-hand quantities into counts ("Set"); existing counts are kept."""
    query = (
        select(
            quants.c.product_id,
            quants.c.location_id,
            quants.c.lot_id,
            quants.c.lot_key,
            quants.c.quantity,
        )
        .join(locations, locations.c.id == quants.c.location_id)
        .where(
            locations.c.usage == "internal",
            quants.c.quantity > 0,
            ~exists().where(_QUANT_OF_COUNT),
        )
    )
    if product_ref is not None:
        query = query.where(quants.c.product_id == get_product(conn, product_ref).id)
    if location_ref is not None:
        path = subtree_path(conn, get_location(conn, location_ref))
        query = query.where(locations.c.parent_path.startswith(path))
    now = utcnow()
    rows = [
        {
            "product_id": r.product_id,
            "location_id": r.location_id,
            "lot_id": r.lot_id,
            "lot_key": r.lot_key,
            "counted_quantity": r.quantity,
            "on_hand_at_count": r.quantity,
            "counted_at": now,
            "user_name": user,
        }
        for r in conn.execute(query)
    ]
    if rows:
        conn.execute(_upsert_counts(conn), rows)
    return len(rows)


def clear_counts(
    conn: Connection, product_ref: ProductRef | None = None, location_ref: LocationRef | None = None
) -> int:
    """Drop the pending counts ("Clear"); returns how many were dropped."""
    conditions = _count_filter(conn, product_ref, location_ref)
    result = conn.execute(delete(inventory_counts).where(and_(true(), *conditions)))
    return int(result.rowcount)


# --- revert and history ----------------------------------------------------------------


def revert(conn: Connection, user: str, ref: OperationRef) -> Operation:
    """Post the opposite of a done inventory adjustment as a new adjustment."""
    original = operation_row(conn, ref)
    if original["kind"] != "adjustment":
        raise InvalidState(
            f"{original['name']} is a {original['kind']} document, not an inventory "
            "adjustment; only inventory adjustments can be reverted."
        )
    if original["state"] != "done":
        raise InvalidState(
            f"{original['name']} is {original['state']}, not done; nothing to revert."
        )
    conn.execute(
        select(operations.c.id).where(operations.c.id == original["id"]).with_for_update()
    ).all()
    earlier = conn.execute(
        select(operations.c.name).where(
            operations.c.kind == "adjustment", operations.c.origin == original["name"]
        )
    ).scalar()
    if earlier is not None:
        raise InvalidState(
            f"{original['name']} was already reverted by {earlier}; reverting it again would "
            "count the same correction twice. Adjust the quantity instead."
        )
    lines = conn.execute(
        select(
            move_lines.c.product_id,
            move_lines.c.lot_id,
            move_lines.c.quantity,
            move_lines.c.source_id,
            move_lines.c.destination_id,
            products.c.code,
            products.c.tracking,
            locations.c.full_name,
            locations.c.usage,
        )
        .join(products, products.c.id == move_lines.c.product_id)
        .join(locations, locations.c.id == move_lines.c.source_id)
        .where(move_lines.c.operation_id == original["id"])
        .order_by(move_lines.c.id)
    ).all()
    for line in lines:
        if line.tracking != "none" and line.lot_id is None and line.usage == "internal":
            raise MissingLot(
                f"Cannot revert {original['name']}: it took {describe_quantity(line.quantity)} "
                f"of {line.code} without a lot/serial number out of {line.full_name}, and "
                f"{line.code} is tracked by {line.tracking}, so stock without a lot cannot "
                "come back. Set the quantity of a lot instead."
            )
    postings = [
        ledger.Posting(
            line.product_id, line.lot_id, line.quantity, line.destination_id, line.source_id
        )
        for line in lines
    ]
    base = original["reference"] or original["name"]
    reference = base[: MAX_REFERENCE - len(REVERTED)] + REVERTED
    adjustment = get_location(conn, INVENTORY_ADJUSTMENT)
    return _post_adjustment(conn, user, postings, reference, adjustment.id, origin=original["name"])


def history(
    conn: Connection,
    product_ref: ProductRef,
    lot: str | None = None,
    location_ref: LocationRef | None = None,
) -> list[MoveLine]:
    """The done move lines of a product (one lot, one place), newest first."""
    product = get_product(conn, product_ref)
    return ledger.read_lines(
        conn,
        product,
        lot_id=get_lot(conn, product, lot).id if lot is not None else None,
        location_path=(
            subtree_path(conn, get_location(conn, location_ref))
            if location_ref is not None
            else None
        ),
    )


class Adjustments(Service):
    """app.adjustments: Update Quantity, physical inventory counts, reverts and history."""

    def set_quantity(
        self,
        product: ProductRef,
        location: LocationRef,
        quantity: QuantityInput,
        lot: str | None = None,
        *,
        reason: str | None = None,
    ) -> Operation | None:
        """Set the on-hand quantity of (product, location, lot); None when it already was.

        A lot name the product does not have yet is created.
        """
        return self._run(
            lambda conn: set_quantity(conn, self.user, product, location, quantity, lot, reason)
        )

    def assign_lots(
        self,
        product: ProductRef,
        location: LocationRef,
        lots: LotsInput | None = None,
        *,
        first: str | None = None,
        count: int | None = None,
        reason: str | None = None,
    ) -> Operation:
        """Give lots to the stock without a lot at ``location``, in one adjustment.

        ``lots``: {name: quantity}, or [serial, ...] (one unit each); or ``first``
        and ``count`` to number serials. The total must equal the untracked quantity.
        """
        return self._run(
            lambda conn: assign_lots(
                conn,
                self.user,
                product,
                location,
                lots,
                first=first,
                count=count,
                reason=reason,
            )
        )

    def count(
        self,
        product: ProductRef,
        location: LocationRef,
        quantity: QuantityInput,
        lot: str | None = None,
    ) -> Count:
        """Record a counted quantity without moving stock (replaces an earlier count)."""
        return self._run(
            lambda conn: record_count(conn, self.user, product, location, quantity, lot)
        )

    def pending(self) -> list[Count]:
        """The counts not yet applied, beside the on-hand quantities and differences."""
        return self._run(pending_counts)

    def apply(
        self,
        counts: Iterable[Count] | None = None,
        *,
        reason: str | None = None,
        force: bool = False,
    ) -> Operation | None:
        """Apply all counts (or ``counts``) as one adjustment; None when nothing changes.

        Outdated counts are refused unless ``force``.
        """
        chosen = list(counts) if counts is not None else None
        return self._run(
            lambda conn: apply_counts(conn, self.user, chosen, reason=reason, force=force)
        )

    def set_counts(
        self, product: ProductRef | None = None, location: LocationRef | None = None
    ) -> int:
        """Count the on-hand quantities as they are ("Set"); returns how many counts were made."""
        return self._run(lambda conn: set_counts(conn, self.user, product, location))

    def clear(self, product: ProductRef | None = None, location: LocationRef | None = None) -> int:
        """Drop pending counts ("Clear"); returns how many were dropped."""
        return self._run(lambda conn: clear_counts(conn, product, location))

    def revert(self, operation: OperationRef) -> Operation:
        """Undo a done inventory adjustment with a new one, "<reference> [reverted]"."""
        return self._run(lambda conn: revert(conn, self.user, operation))

    def history(
        self,
        product: ProductRef,
        lot: str | None = None,
        location: LocationRef | None = None,
    ) -> list[MoveLine]:
        """The done move lines of ``product``, newest first; ``location`` includes children."""
        return self._run(lambda conn: history(conn, product, lot, location))
