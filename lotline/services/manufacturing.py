"""Bills of materials and manufacturing orders with lots and serial numbers.

An order (WH/MO/00001) is confirmed into component moves (WH/Stock ->
Virtual Locations/Production) whose stock is reserved by the removal strategy
and recorded as move_details, and a finished move (Production -> WH/Stock).
Producing posts both sides to the ledger and links every consumed tracked lot
to the produced lot or serial (lot_links) for traceability.

A serial-tracked order of several units is split into one order per unit
(WH/MO/00109-001, -002, ...); batch production builds every split order, move,
detail, ledger line and lot link in Python and writes each table with one bulk
statement, so the number of statements does not grow with the number of units.
"""

from __future__ import annotations

import builtins
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_UP, Decimal
from typing import Any

from sqlalchemy import Connection, RowMapping, delete, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from lotline.errors import (
    Conflict,
    InsufficientStock,
    InvalidInput,
    InvalidList,
    InvalidLotName,
    InvalidQuantity,
    InvalidState,
    NotFound,
    SerialsRequired,
    UnknownLot,
    UnknownOperation,
    UnknownProduct,
    describe_quantity,
)
from lotline.models import (
    Bom,
    BomLine,
    Lot,
    ManufacturingOrder,
    MoComponent,
    Product,
)
from lotline.rules.allocation import Pick
from lotline.rules.naming import generate_names, validate_lot_name
from lotline.rules.quantities import (
    QuantityInput,
    positive_quantity,
    require_whole,
)
from lotline.services import ledger, reservations
from lotline.services.base import Service, utcnow
from lotline.services.catalog import ProductRef, get_product, products_by_id
from lotline.services.documents import (
    DOCUMENT_PREFIXES,
    operation_condition,
    quantities_per_move,
)
from lotline.services.locations import PRODUCTION, STOCK, get_location, locations_by_id
from lotline.services.lots import ensure_lots, get_lot, next_names, require_tracked
from lotline.services.sequences import next_document_name
from lotline.store.bulk import chunked, insert_dicts, newest_id, rows_after
from lotline.store.schema import (
    bom_lines,
    boms,
    locations,
    lot_links,
    lots,
    move_details,
    move_lines,
    moves,
    operations,
    products,
)

MoRef = ManufacturingOrder | str
BomRef = Bom | int
ComponentLots = Mapping[str, QuantityInput] | Sequence[str]
# keys: product codes or Products (Any, because a Mapping's key type is invariant)
Components = Mapping[Any, QuantityInput]

KIND = "manufacturing"
_PRECISION = Decimal("0.000001")
_SPLIT_SUFFIX = re.compile(r"^(.*)-\d{3,}$")


# --- bills of materials ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _BomData:
    id: int
    product_id: int
    quantity: Decimal
    lines: tuple[tuple[int, Decimal], ...]  # (component product id, quantity)


def _share(line_quantity: Decimal, units: Decimal, bom_quantity: Decimal) -> Decimal:
    """The component quantity for ``units`` made, exact to the stored precision (rounded up)."""
    value = line_quantity * units / bom_quantity
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.quantize(_PRECISION, rounding=ROUND_UP).normalize()


def create_bom(
    conn: Connection,
    product_ref: ProductRef,
    components: Components,
    quantity: QuantityInput = 1,
) -> Bom:
    """Add a bill of materials; the product's first one stays its default."""
    product = get_product(conn, product_ref)
    made = positive_quantity(quantity, what=f"quantity made by the BoM of {product.code}")
    if not components:
        raise InvalidInput(
            f"A bill of materials of {product.code} needs at least one component, "
            "e.g. {'WOOD': 4}."
        )
    lines: list[tuple[Product, Decimal]] = []
    seen: set[int] = set()
    for ref, amount in components.items():
        component = get_product(conn, ref)
        if component.id == product.id:
            raise InvalidInput(
                f"Product {product.code} cannot be a component of its own bill of "
                "materials; remove it from the components."
            )
        if component.id in seen:
            raise InvalidInput(
                f"Component {component.code} is listed twice in the BoM of {product.code}; "
                "give it once with the total quantity."
            )
        seen.add(component.id)
        lines.append(
            (
                component,
                positive_quantity(amount, what=f"quantity of component {component.code}"),
            )
        )
    sequence = conn.execute(
        select(func.count()).select_from(boms).where(boms.c.product_id == product.id)
    ).scalar_one()
    key = conn.execute(
        insert(boms).values(
            product_id=product.id, quantity=made, sequence=int(sequence), created_at=utcnow()
        )
    ).inserted_primary_key
    assert key is not None
    bom_id = int(key[0])
    conn.execute(
        insert(bom_lines),
        [
            {"bom_id": bom_id, "product_id": c.id, "quantity": q, "sequence": i}
            for i, (c, q) in enumerate(lines)
        ],
    )
    return Bom(
        id=bom_id,
        product=product.code,
        quantity=made,
        lines=tuple(BomLine(c.code, q) for c, q in lines),
        sequence=int(sequence),
    )


def _bom_data(conn: Connection, bom_id: int) -> _BomData:
    row = conn.execute(select(boms).where(boms.c.id == bom_id)).mappings().first()
    if row is None:
        raise NotFound(
            f"There is no bill of materials #{bom_id}; list them with `lotline bom list`."
        )
    lines = conn.execute(
        select(bom_lines.c.product_id, bom_lines.c.quantity)
        .where(bom_lines.c.bom_id == bom_id)
        .order_by(bom_lines.c.sequence, bom_lines.c.id)
    ).all()
    return _BomData(
        row["id"], row["product_id"], row["quantity"], tuple((r[0], r[1]) for r in lines)
    )


def list_boms(conn: Connection, product: Product) -> list[Bom]:
    """The product's bills of materials, the default first."""
    rows = conn.execute(
        select(boms).where(boms.c.product_id == product.id).order_by(boms.c.sequence, boms.c.id)
    ).mappings()
    result = []
    for row in rows:
        data = _bom_data(conn, row["id"])
        codes = products_by_id(conn, {pid for pid, _ in data.lines})
        result.append(
            Bom(
                id=data.id,
                product=product.code,
                quantity=data.quantity,
                lines=tuple(BomLine(codes[pid].code, q) for pid, q in data.lines),
                sequence=row["sequence"],
            )
        )
    return result


# --- loading orders -----------------------------------------------------------------


def _mo_row(conn: Connection, ref: MoRef | int) -> RowMapping:
    condition = operation_condition(ref, "A manufacturing order")
    query = select(operations).where(operations.c.kind == KIND)
    row = conn.execute(query.where(condition)).mappings().first()
    if row is None and isinstance(ref, str):
        # an order that was split is now its first split order
        row = (
            conn.execute(query.where(operations.c.name == f"{ref.strip()}-001")).mappings().first()
        )
    if row is None:
        raise UnknownOperation(
            f"There is no manufacturing order {ref!r}; names look like WH/MO/00001 "
            "(`lotline mo list` shows them)."
        )
    return row


def _load_mos(conn: Connection, ids: Sequence[int]) -> list[ManufacturingOrder]:
    """Orders with their component needs and lots, in the order of ``ids`` (bulk queries)."""
    found: dict[int, ManufacturingOrder] = {}
    for chunk in chunked(ids):
        found.update(_load_chunk(conn, chunk))
    return [found[i] for i in ids]


def _load_chunk(conn: Connection, ids: Sequence[int]) -> dict[int, ManufacturingOrder]:
    src, dst, root = aliased(locations), aliased(locations), aliased(operations)
    rows = conn.execute(
        select(
            operations.c.id,
            operations.c.name,
            operations.c.state,
            operations.c.product_quantity,
            operations.c.bom_id,
            operations.c.split_index,
            operations.c.created_at,
            operations.c.done_at,
            products.c.code,
            lots.c.name.label("lot_name"),
            src.c.full_name.label("source"),
            dst.c.full_name.label("destination"),
            root.c.name.label("root_name"),
        )
        .select_from(operations)
        .join(products, products.c.id == operations.c.product_id)
        .join(src, src.c.id == operations.c.source_id)
        .join(dst, dst.c.id == operations.c.destination_id)
        .outerjoin(lots, lots.c.id == operations.c.lot_id)
        .outerjoin(root, root.c.id == operations.c.split_root_id)
        .where(operations.c.id.in_(ids))
    ).all()
    needs = conn.execute(
        select(moves.c.id, moves.c.operation_id, products.c.code, moves.c.quantity)
        .join(products, products.c.id == moves.c.product_id)
        .where(moves.c.operation_id.in_(ids), moves.c.role == "component")
        .order_by(moves.c.operation_id, moves.c.sequence)
    ).all()
    held, by_lot = quantities_per_move(conn, ids, done=False)
    components: dict[int, list[MoComponent]] = defaultdict(list)
    for move_id, operation_id, code, quantity in needs:
        components[operation_id].append(
            MoComponent(code, quantity, held.get(move_id, Decimal(0)), by_lot.get(move_id, {}))
        )
    return {
        r.id: ManufacturingOrder(
            id=r.id,
            name=r.name,
            state=r.state,
            product=r.code,
            quantity=r.product_quantity,
            lot=r.lot_name,
            bom=r.bom_id,
            source=r.source,
            destination=r.destination,
            components=tuple(components.get(r.id, [])),
            split_root=r.root_name,
            split_index=r.split_index,
            created_at=r.created_at,
            done_at=r.done_at,
        )
        for r in rows
    }


def _load_mo(conn: Connection, mo_id: int) -> ManufacturingOrder:
    return _load_mos(conn, [mo_id])[0]


# --- creating and confirming -----------------------------------------------------------


def create_order(
    conn: Connection,
    user: str,
    product_ref: ProductRef,
    quantity: QuantityInput,
    bom: BomRef | None = None,
) -> int:
    """A draft manufacturing order; returns its id."""
    product = get_product(conn, product_ref)
    amount = positive_quantity(quantity, what=f"quantity of {product.code} to make")
    if product.tracking == "serial":
        require_whole(amount, what=f"number of serial-tracked {product.code} to make")
    bom_id = _choose_bom(conn, product, bom)
    stock = get_location(conn, STOCK)
    key = conn.execute(
        insert(operations).values(
            name=next_document_name(conn, DOCUMENT_PREFIXES[KIND]),
            kind=KIND,
            state="draft",
            source_id=stock.id,
            destination_id=stock.id,
            user_name=user,
            created_at=utcnow(),
            product_id=product.id,
            product_quantity=amount,
            bom_id=bom_id,
        )
    ).inserted_primary_key
    assert key is not None
    return int(key[0])


def _choose_bom(conn: Connection, product: Product, bom: BomRef | None) -> int:
    if bom is None:
        found = conn.execute(
            select(boms.c.id)
            .where(boms.c.product_id == product.id)
            .order_by(boms.c.sequence, boms.c.id)
            .limit(1)
        ).scalar()
        if found is None:
            raise NotFound(
                f"Product {product.code} has no bill of materials; add one first, e.g. "
                f"`lotline bom add {product.code} COMPONENT:QTY`."
            )
        return int(found)
    bom_id = bom.id if isinstance(bom, Bom) else bom
    owner = conn.execute(select(boms.c.product_id).where(boms.c.id == bom_id)).scalar()
    if owner != product.id:
        raise InvalidInput(
            f"Bill of materials #{bom_id} does not make {product.code}; choose one of its "
            "own BoMs (or none for the default)."
        )
    return int(bom_id)


def _confirm(conn: Connection, row: RowMapping) -> None:
    """Create the component and finished moves and reserve components by FIFO (or the
    product's removal strategy)."""
    if row["state"] != "draft":
        raise InvalidState(f"{row['name']} is {row['state']}; only a draft order can be confirmed.")
    bom = _bom_data(conn, row["bom_id"])
    production = get_location(conn, PRODUCTION)
    stock = get_location(conn, STOCK)
    component_products = products_by_id(conn, {pid for pid, _ in bom.lines})
    quantity: Decimal = row["product_quantity"]
    needs = [(pid, _share(q, quantity, bom.quantity)) for pid, q in bom.lines]
    move_ids = _insert_moves(
        conn, [(row["id"], needs, row["product_id"], quantity)], row, production.id
    )
    detail_rows: list[dict[str, Any]] = []
    for sequence, (pid, need) in enumerate(needs):
        picks, _ = reservations.reserve_by_strategy(conn, component_products[pid], stock, need)
        move_id = move_ids[(row["id"], sequence)]
        detail_rows.extend(
            _detail(row["id"], move_id, pid, _Take.of(p), production.id, reserved=True)
            for p in picks
        )
    if detail_rows:
        insert_dicts(conn, move_details, detail_rows)
    conn.execute(update(operations).where(operations.c.id == row["id"]).values(state="confirmed"))


def _insert_moves(
    conn: Connection,
    orders: Sequence[tuple[int, Sequence[tuple[int, Decimal]], int, Decimal]],
    row: RowMapping,
    production_id: int,
) -> dict[tuple[int, int], int]:
    """Component and finished moves of orders, one bulk INSERT; (operation id, sequence) -> id."""
    rows: list[dict[str, Any]] = []
    for operation_id, needs, product_id, quantity in orders:
        for sequence, (pid, need) in enumerate(needs):
            if need > 0:
                rows.append(
                    {
                        "operation_id": operation_id,
                        "product_id": pid,
                        "quantity": need,
                        "source_id": row["source_id"],
                        "destination_id": production_id,
                        "role": "component",
                        "sequence": sequence,
                    }
                )
        rows.append(
            {
                "operation_id": operation_id,
                "product_id": product_id,
                "quantity": quantity,
                "source_id": production_id,
                "destination_id": row["destination_id"],
                "role": "finished",
                "sequence": len(needs),
            }
        )
    newest = newest_id(conn, moves)
    insert_dicts(conn, moves, rows)
    ours = {operation_id for operation_id, *_ in orders}
    return {
        (r.operation_id, r.sequence): r.id
        for r in rows_after(conn, moves, newest, moves.c.operation_id, moves.c.sequence)
        if r.operation_id in ours
    }


# --- stock taken for components ----------------------------------------------------------


@dataclass(slots=True)
class _Take:
    """A quantity of one component lot (or untracked stock) at one location, reserved."""

    location_id: int
    lot_id: int | None
    lot_name: str | None
    quantity: Decimal

    @staticmethod
    def of(pick: Pick) -> _Take:
        return _Take(pick.location_id, pick.lot_id, pick.lot_name, pick.quantity)

    def pick(self) -> Pick:
        return Pick(self.location_id, self.lot_id, self.lot_name, self.quantity)


def _detail(
    operation_id: int,
    move_id: int,
    product_id: int,
    take: _Take,
    production_id: int,
    *,
    reserved: bool,
) -> dict[str, Any]:
    return {
        "operation_id": operation_id,
        "move_id": move_id,
        "product_id": product_id,
        "lot_id": take.lot_id,
        "lot_name": take.lot_name,
        "quantity": take.quantity,
        "source_id": take.location_id,
        "destination_id": production_id,
        "reserved": reserved,
    }


def _pools(conn: Connection, operation_id: int) -> dict[int, list[_Take]]:
    """The reserved component stock of an order, per component, in the order reserved."""
    pools: dict[int, list[_Take]] = defaultdict(list)
    for r in conn.execute(
        select(
            move_details.c.product_id,
            move_details.c.source_id,
            move_details.c.lot_id,
            lots.c.name,
            move_details.c.quantity,
        )
        .select_from(move_details.outerjoin(lots, lots.c.id == move_details.c.lot_id))
        .where(move_details.c.operation_id == operation_id, move_details.c.reserved)
        .order_by(move_details.c.id)
    ):
        pools[r[0]].append(_Take(r[1], r[2], r[3], r[4]))
    return pools


def _take_from(pool: list[_Take], quantity: Decimal, lot_id: int | None = None) -> list[_Take]:
    """Remove up to ``quantity`` from the front of ``pool`` (only lot ``lot_id`` when given)."""
    taken: list[_Take] = []
    remaining = quantity
    for entry in pool:
        if remaining <= 0:
            break
        if entry.quantity <= 0 or (lot_id is not None and entry.lot_id != lot_id):
            continue
        amount = min(entry.quantity, remaining)
        entry.quantity -= amount
        remaining -= amount
        taken.append(_Take(entry.location_id, entry.lot_id, entry.lot_name, amount))
    pool[:] = [e for e in pool if e.quantity > 0]
    return taken


def _consumed_serials(conn: Connection, product: Product, lot_ids: Sequence[int]) -> set[int]:
    """Which of these serials a done manufacturing order has already consumed."""
    if not lot_ids:
        return set()
    production = get_location(conn, PRODUCTION)
    return set(
        conn.execute(
            select(move_lines.c.lot_id)
            .join(operations, operations.c.id == move_lines.c.operation_id)
            .where(
                operations.c.kind == KIND,
                operations.c.state == "done",
                move_lines.c.product_id == product.id,
                move_lines.c.destination_id == production.id,
                move_lines.c.lot_id.in_(lot_ids),
            )
            .distinct()
        ).scalars()
    )


def _consumed_message(serial: str, component: str) -> str:
    return (
        f"The serial number {serial} used for component {component} has already been "
        "consumed; choose a serial that is in stock."
    )


# --- producing ------------------------------------------------------------------------


@dataclass(slots=True)
class _Unit:
    """One order that results from producing: its quantity, finished lot and chosen lots."""

    quantity: Decimal
    lot_id: int | None
    # component product id -> [(lot id, quantity)] named by the operator
    overrides: dict[int, list[tuple[int, Decimal]]] = field(default_factory=dict)


def _shortage(
    conn: Connection, row: RowMapping, component: Product, missing: Decimal, need: Decimal
) -> InsufficientStock:
    where = locations_by_id(conn, {row["source_id"]})[row["source_id"]].full_name
    return InsufficientStock(
        f"Cannot produce {row['name']}: component {component.code} is short by "
        f"{describe_quantity(missing)} {component.unit} in {where} (and its sub-locations); "
        f"{describe_quantity(need)} needed. Receive or count the component first, "
        "or produce fewer units."
    )


def _execute(
    conn: Connection,
    user: str,
    row: RowMapping,
    units: Sequence[_Unit],
    remainder: Decimal,
    *,
    complete: bool,
) -> list[int]:
    """Split ``row`` into one order per unit (plus a backorder of ``remainder``) and,
    when ``complete``, produce them all; returns the units' order ids.

    Every table is written with one bulk statement whatever the number of units.
    """
    now = utcnow()
    bom = _bom_data(conn, row["bom_id"])
    comp = products_by_id(conn, {pid for pid, _ in bom.lines})
    stock = locations_by_id(conn, {row["source_id"]})[row["source_id"]]
    production = get_location(conn, PRODUCTION)
    pools = _pools(conn, row["id"])

    # 1. each unit's component stock: the lots named by the operator, then the reserved pool
    takes: list[dict[int, list[_Take]]] = [defaultdict(list) for _ in units]
    fresh: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    waiting: list[tuple[int, int, int, Decimal]] = []  # unit, component, lot, quantity
    for index, unit in enumerate(units):
        for pid, pairs in unit.overrides.items():
            for lot_id, quantity in pairs:
                got = _take_from(pools[pid], quantity, lot_id)
                takes[index][pid].extend(got)
                rest = quantity - sum((t.quantity for t in got), Decimal(0))
                if rest > 0:
                    fresh[pid][lot_id] += rest
                    waiting.append((index, pid, lot_id, rest))
    for pid, wanted in fresh.items():
        product = comp[pid]
        found = reservations.candidates(conn, product, stock, list(wanted))
        by_lot: dict[int, list[_Take]] = defaultdict(list)
        picks: list[Pick] = []
        for lot_id, quantity in wanted.items():
            offered = sorted(
                (c for c in found if c.lot_id == lot_id), key=lambda c: (c.in_date, c.location_id)
            )
            remaining = quantity
            for candidate in offered:
                amount = min(candidate.available, remaining)
                if amount <= 0:
                    break
                picks.append(Pick(candidate.location_id, lot_id, candidate.lot_name, amount))
                by_lot[lot_id].append(
                    _Take(candidate.location_id, lot_id, candidate.lot_name, amount)
                )
                remaining -= amount
            if remaining > 0:
                name = conn.execute(select(lots.c.name).where(lots.c.id == lot_id)).scalar()
                available = quantity - remaining
                raise InsufficientStock(
                    f"Not enough of lot {name} of component {product.code} in "
                    f"{stock.full_name}: {describe_quantity(available)} available and not "
                    f"reserved, {describe_quantity(quantity)} needed. Choose another lot."
                )
        reservations.hold(conn, product, picks)
        for index, wanted_pid, lot_id, quantity in waiting:
            if wanted_pid == pid:
                takes[index][pid].extend(_take_from(by_lot[lot_id], quantity))

    for pid, line_quantity in bom.lines:
        product = comp[pid]
        pool = pools[pid]
        needs = []
        for index, unit in enumerate(units):
            given = sum((t.quantity for t in takes[index][pid]), Decimal(0))
            needs.append(
                max(_share(line_quantity, unit.quantity, bom.quantity) - given, Decimal(0))
            )
        total = sum(needs, Decimal(0))
        held = sum((t.quantity for t in pool), Decimal(0))
        if held < total:
            picks, short = reservations.reserve_by_strategy(conn, product, stock, total - held)
            pool.extend(_Take.of(p) for p in picks)
            if short > 0 and complete:
                raise _shortage(conn, row, product, short, total)
        for index, need in enumerate(needs):
            if need > 0:
                takes[index][pid].extend(_take_from(pool, need))

    # 2. the resulting orders: the first unit keeps the order's row, the others are new
    split = len(units) > 1 or remainder > 0
    state = "done" if complete else "confirmed"
    first_name, first_index, root_id = row["name"], row["split_index"], row["split_root_id"]
    new_rows: list[dict[str, Any]] = []
    if split:
        if row["split_index"] is None:
            base, root_id, first_index, next_index = row["name"], row["id"], 1, 2
            first_name = _split_name(base, 1)
        else:
            root_name = conn.execute(
                select(operations.c.name).where(operations.c.id == row["split_root_id"])
            ).scalar_one()
            base = _base_name(root_name)
            next_index = (
                1
                + conn.execute(
                    select(func.max(operations.c.split_index)).where(
                        operations.c.split_root_id == root_id
                    )
                ).scalar_one()
            )
        common = {
            "kind": KIND,
            "source_id": row["source_id"],
            "destination_id": row["destination_id"],
            "origin": row["origin"],
            "user_name": user,
            "created_at": now,
            "product_id": row["product_id"],
            "bom_id": row["bom_id"],
            "split_root_id": root_id,
        }
        for offset, unit in enumerate(units[1:]):
            new_rows.append(
                {
                    **common,
                    "name": _split_name(base, next_index + offset),
                    "state": state,
                    "done_at": now if complete else None,
                    "product_quantity": unit.quantity,
                    "lot_id": unit.lot_id,
                    "split_index": next_index + offset,
                }
            )
        if remainder > 0:
            index = next_index + len(units) - 1
            new_rows.append(
                {
                    **common,
                    "name": _split_name(base, index),
                    "state": "confirmed",
                    "done_at": None,
                    "product_quantity": remainder,
                    "lot_id": None,
                    "split_index": index,
                    "backorder_of_id": row["id"],
                }
            )
    conn.execute(
        update(operations)
        .where(operations.c.id == row["id"])
        .values(
            name=first_name,
            state=state,
            done_at=now if complete else None,
            product_quantity=units[0].quantity,
            lot_id=units[0].lot_id,
            split_root_id=root_id,
            split_index=first_index,
        )
    )
    ids_by_name: dict[str, int] = {}
    if new_rows:
        newest = newest_id(conn, operations)
        insert_dicts(conn, operations, new_rows)
        names = {r["name"] for r in new_rows}
        ids_by_name = {
            r.name: r.id
            for r in rows_after(conn, operations, newest, operations.c.name)
            if r.name in names
        }
    unit_ids = [row["id"], *(ids_by_name[r["name"]] for r in new_rows[: len(units) - 1])]
    remainder_id = ids_by_name[new_rows[-1]["name"]] if remainder > 0 else None

    # 3. moves and details rebuilt for every resulting order
    conn.execute(delete(move_details).where(move_details.c.operation_id == row["id"]))
    conn.execute(delete(moves).where(moves.c.operation_id == row["id"]))
    orders = [
        (
            op_id,
            [(pid, _share(q, unit.quantity, bom.quantity)) for pid, q in bom.lines],
            row["product_id"],
            unit.quantity,
        )
        for op_id, unit in zip(unit_ids, units, strict=True)
    ]
    if remainder_id is not None:
        orders.append(
            (
                remainder_id,
                [(pid, _share(q, remainder, bom.quantity)) for pid, q in bom.lines],
                row["product_id"],
                remainder,
            )
        )
    move_ids = _insert_moves(conn, orders, row, production.id)
    sequence_of = {pid: s for s, (pid, _) in enumerate(bom.lines)}
    details: list[dict[str, Any]] = []
    postings: list[ledger.Posting] = []
    links: list[dict[str, Any]] = []
    for op_id, unit, unit_takes in zip(unit_ids, units, takes, strict=True):
        for pid, taken in unit_takes.items():
            move_id = move_ids[(op_id, sequence_of[pid])]
            consumed: dict[int, Decimal] = defaultdict(Decimal)
            for take in taken:
                details.append(
                    _detail(op_id, move_id, pid, take, production.id, reserved=not complete)
                )
                postings.append(
                    ledger.Posting(
                        pid,
                        take.lot_id,
                        take.quantity,
                        take.location_id,
                        production.id,
                        move_id,
                        unreserve=take.quantity,
                        operation_id=op_id,
                    )
                )
                if take.lot_id is not None:
                    consumed[take.lot_id] += take.quantity
            if unit.lot_id is not None:
                links.extend(
                    {
                        "operation_id": op_id,
                        "consumed_lot_id": lot_id,
                        "produced_lot_id": unit.lot_id,
                        "quantity": quantity,
                    }
                    for lot_id, quantity in consumed.items()
                )
        postings.append(
            ledger.Posting(
                row["product_id"],
                unit.lot_id,
                unit.quantity,
                production.id,
                row["destination_id"],
                move_ids[(op_id, len(bom.lines))],
                operation_id=op_id,
            )
        )
    released: dict[int, list[Pick]] = defaultdict(list)
    for pid, pool in pools.items():
        if remainder_id is not None and pid in sequence_of:
            need = _share(dict(bom.lines)[pid], remainder, bom.quantity)
            for take in _take_from(pool, need):
                details.append(
                    _detail(
                        remainder_id,
                        move_ids[(remainder_id, sequence_of[pid])],
                        pid,
                        take,
                        production.id,
                        reserved=True,
                    )
                )
        released[pid].extend(t.pick() for t in pool if t.quantity > 0)
    for pid, picks in released.items():
        if picks:
            reservations.release(conn, products_by_id(conn, {pid})[pid], picks)
    if details:
        insert_dicts(conn, move_details, details)

    # 4. the ledger and the genealogy
    if complete:
        ledger.post(conn, row["id"], postings, user=user, at=now)
        if links:
            insert_dicts(conn, lot_links, links)
    return unit_ids


def _split_name(base: str, index: int) -> str:
    """WH/MO/00109, 2 -> WH/MO/00109-002 (after -999 comes -1000)."""
    return f"{base}-{index:03d}"


def _base_name(root_name: str) -> str:
    match = _SPLIT_SUFFIX.match(root_name)
    return match.group(1) if match else root_name


def _require_open(row: RowMapping, action: str) -> None:
    if row["state"] in ("done", "cancelled"):
        raise InvalidState(
            f"{row['name']} is {row['state']}; cannot {action}. Create a new order instead."
        )


def _require_confirmed(conn: Connection, row: RowMapping, action: str) -> RowMapping:
    """Confirm a draft order first (as Produce All does); refuse a closed one."""
    _require_open(row, action)
    if row["state"] == "draft":
        _confirm(conn, row)
        return _mo_row(conn, row["id"])
    return row


def _product_of(conn: Connection, row: RowMapping) -> Product:
    return products_by_id(conn, {row["product_id"]})[row["product_id"]]


def _refuse_produced_serial(conn: Connection, product: Product, lot_id: int, name: str) -> None:
    """A serial with any ledger line was already produced, received or is on hand."""
    if product.tracking != "serial":
        return
    used = conn.execute(
        select(move_lines.c.id).where(move_lines.c.lot_id == lot_id).limit(1)
    ).first()
    if used is not None:
        raise Conflict(
            f"This serial number for product {product.code} has already been produced: "
            f"{name} is in stock or was made before. Choose another serial number "
            "(generate_lot proposes the next available one)."
        )


def _serials_required(conn: Connection, row: RowMapping, product: Product) -> SerialsRequired:
    count = int(row["product_quantity"])
    first = next_names(conn, product, 1)[0]
    return SerialsRequired(
        f"{row['name']} makes {count} units of {product.code}, which is tracked by serial "
        f"number: each unit needs its own serial. Use batch production (first serial "
        f"{first}, {count} serials), or produce one unit at a time.",
        first=first,
        count=count,
    )


def _lot_for(conn: Connection, row: RowMapping, product: Product) -> int | None:
    """The finished lot of a whole-order production: the order's, or the next available."""
    if not product.is_tracked:
        return None
    lot_id: int | None = row["lot_id"]
    if lot_id is None:
        name = next_names(conn, product, 1)[0]
        return ensure_lots(conn, product, [name])[name]
    name = conn.execute(select(lots.c.name).where(lots.c.id == lot_id)).scalar_one()
    _refuse_produced_serial(conn, product, lot_id, name)
    return lot_id


def produce_all(conn: Connection, user: str, ref: MoRef) -> int:
    row = _require_confirmed(conn, _mo_row(conn, ref), "produce it")
    product = _product_of(conn, row)
    if product.tracking == "serial" and row["product_quantity"] > 1:
        raise _serials_required(conn, row, product)
    lot_id = _lot_for(conn, row, product)
    _execute(conn, user, row, [_Unit(row["product_quantity"], lot_id)], Decimal(0), complete=True)
    return int(row["id"])


def produce(conn: Connection, user: str, ref: MoRef, quantity: QuantityInput) -> int:
    row = _require_confirmed(conn, _mo_row(conn, ref), "produce it")
    product = _product_of(conn, row)
    planned: Decimal = row["product_quantity"]
    amount = positive_quantity(quantity, what=f"quantity of {product.code} produced")
    if amount > planned:
        raise InvalidQuantity(
            f"{row['name']} plans {describe_quantity(planned)} {product.code}; cannot produce "
            f"{describe_quantity(amount)}. Produce at most the planned quantity."
        )
    if amount == planned:
        return produce_all(conn, user, row["name"])
    if product.tracking == "serial":
        require_whole(amount, what=f"number of serial-tracked {product.code} produced")
        if amount != 1:
            raise SerialsRequired(
                f"Producing {describe_quantity(amount)} units of {product.code} needs one "
                "serial per unit: use batch production with that count.",
                first=next_names(conn, product, 1)[0],
                count=int(amount),
            )
    lot_id = _lot_for(conn, row, product)
    _execute(conn, user, row, [_Unit(amount, lot_id)], planned - amount, complete=True)
    return int(row["id"])


# --- batch production ---------------------------------------------------------------


def _parse_batch_text(
    text: str, tracked: Sequence[Product]
) -> tuple[list[str], list[dict[int, list[tuple[str, Decimal | None]]]], list[str]]:
    """The Batch Production text box: ``SERIAL[,LOTS_OF_COMPONENT_1[,...]]`` per line.

    A component field is one lot, or ``lot;qty`` pairs separated by ``|``.
    Returns (serials, per line {component id: [(lot, qty or None)]}, problems).
    """
    names: list[str] = []
    fields_per_line: list[dict[int, list[tuple[str, Decimal | None]]]] = []
    problems: list[str] = []
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    for number, line in lines:
        fields = [f.strip() for f in line.split(",")]
        try:
            names.append(validate_lot_name(fields[0]))
        except InvalidLotName as exc:
            problems.append(f"line {number}: {exc}")
            names.append(fields[0])
        chosen: dict[int, list[tuple[str, Decimal | None]]] = {}
        if len(fields) - 1 > len(tracked):
            codes = ", ".join(p.code for p in tracked) or "none"
            problems.append(
                f"line {number}: {len(fields) - 1} component field(s), but the BoM has "
                f"{len(tracked)} tracked component(s) ({codes})"
            )
        for product, field_text in zip(tracked, fields[1:], strict=False):
            if not field_text:
                continue
            parts = [p.strip() for p in field_text.split("|") if p.strip()]
            pairs: list[tuple[str, Decimal | None]] = []
            for part in parts:
                lot, _, amount = part.partition(";")
                try:
                    qty = (
                        positive_quantity(amount, what=f"quantity of {lot.strip()}")
                        if amount.strip()
                        else None
                    )
                    if qty is None and len(parts) > 1:
                        raise InvalidQuantity(
                            f"give a quantity for each of several lots ({lot.strip()};QTY)"
                        )
                    pairs.append((validate_lot_name(lot), qty))
                except (InvalidQuantity, InvalidLotName) as exc:
                    problems.append(f"line {number}, component {product.code}: {exc}")
            chosen[product.id] = pairs
        fields_per_line.append(chosen)
    return names, fields_per_line, problems


def _new_serials(
    conn: Connection, product: Product, names: Sequence[str]
) -> tuple[dict[str, int], list[str]]:
    """Create the serials in one bulk INSERT; names that already existed are returned apart."""
    ins = postgresql.insert(lots) if conn.dialect.name == "postgresql" else sqlite.insert(lots)
    now = utcnow()
    created = conn.execute(
        ins.on_conflict_do_nothing(index_elements=[lots.c.product_id, lots.c.name]).returning(
            lots.c.id, lots.c.name
        ),
        [{"product_id": product.id, "name": n, "created_at": now} for n in names],
    ).all()
    ids = {r.name: r.id for r in created}
    return ids, [n for n in names if n not in ids]


def batch_produce(
    conn: Connection,
    user: str,
    ref: MoRef,
    *,
    first: str | None,
    count: int | None,
    names: Sequence[str] | None,
    text: str | None,
    complete: bool,
) -> list[int]:
    row = _require_confirmed(conn, _mo_row(conn, ref), "produce it")
    product = _product_of(conn, row)
    if product.tracking != "serial":
        raise InvalidInput(
            f"Batch production assigns serial numbers; {product.code} is tracked by "
            f"{product.tracking}. Use produce_all (or produce for part of it)."
        )
    planned = int(row["product_quantity"])
    given = sum(x is not None for x in (names, text)) + (
        1 if first is not None or count is not None else 0
    )
    if given > 1:
        raise InvalidInput(
            "Give the serial numbers one way: first/count, a list of names, or the text box."
        )
    bom = _bom_data(conn, row["bom_id"])
    comp = products_by_id(conn, {pid for pid, _ in bom.lines})
    tracked = [comp[pid] for pid, _ in bom.lines if comp[pid].is_tracked]
    problems: list[str] = []
    chosen: list[dict[int, list[tuple[str, Decimal | None]]]] = []
    if text is not None:
        serials, chosen, problems = _parse_batch_text(text, tracked)
    elif names is not None:
        serials = []
        for name in names:
            try:
                serials.append(validate_lot_name(name))
            except InvalidLotName as exc:
                problems.append(str(exc))
    else:
        wanted = planned if count is None else count
        if wanted < 1:
            raise InvalidQuantity(f"The number of serial numbers must be 1 or more, not {count}.")
        if wanted > planned:
            problems.append(
                f"{wanted} serial numbers for {planned} units of {row['name']}; "
                f"give at most {planned}"
            )
            wanted = planned
        serials = (
            generate_names(validate_lot_name(first), wanted)
            if first is not None
            else next_names(conn, product, wanted)
        )
    if not serials and not problems:
        raise InvalidInput(f"Give at least one serial number for {row['name']}.")
    if len(serials) > planned:
        problems.append(
            f"{len(serials)} serial numbers for {planned} units of {row['name']}; "
            f"remove {len(serials) - planned}"
        )
    first_line: dict[str, int] = {}
    for number, name in enumerate(serials, start=1):
        if name in first_line:
            problems.append(f"{name} is given twice (lines {first_line[name]} and {number})")
        else:
            first_line[name] = number
    distinct = [n for n in first_line if n]
    lot_ids, existing = _new_serials(conn, product, distinct) if distinct else ({}, [])
    problems.extend(
        f"{name}: this serial number for product {product.code} already exists" for name in existing
    )
    overrides = _resolve_component_lots(conn, tracked, chosen, bom, problems)
    if problems:
        raise InvalidList(problems)
    units = [
        _Unit(Decimal(1), lot_ids[name], overrides[i] if i < len(overrides) else {})
        for i, name in enumerate(serials)
    ]
    return _execute(conn, user, row, units, Decimal(planned - len(units)), complete=complete)


def _resolve_component_lots(
    conn: Connection,
    tracked: Sequence[Product],
    chosen: Sequence[dict[int, list[tuple[str, Decimal | None]]]],
    bom: _BomData,
    problems: list[str],
) -> list[dict[int, list[tuple[int, Decimal]]]]:
    """Lot names of the text box -> lot ids and quantities; unknown lots become problems."""
    per_unit = {pid: _share(q, Decimal(1), bom.quantity) for pid, q in bom.lines}
    result: list[dict[int, list[tuple[int, Decimal]]]] = [{} for _ in chosen]
    for product in tracked:
        wanted = {lot for line in chosen for lot, _ in line.get(product.id, [])}
        if not wanted:
            continue
        known = dict(
            conn.execute(
                select(lots.c.name, lots.c.id).where(
                    lots.c.product_id == product.id, lots.c.name.in_(wanted)
                )
            ).all()
        )
        consumed = (
            _consumed_serials(conn, product, list(known.values()))
            if product.tracking == "serial"
            else set()
        )
        for number, line in enumerate(chosen, start=1):
            pairs = line.get(product.id)
            if not pairs:
                continue
            resolved: list[tuple[int, Decimal]] = []
            for lot, qty in pairs:
                if lot not in known:
                    problems.append(
                        f"line {number}: component {product.code} has no lot/serial {lot}"
                    )
                    continue
                if known[lot] in consumed:
                    problems.append(f"line {number}: {_consumed_message(lot, product.code)}")
                    continue
                resolved.append((known[lot], qty if qty is not None else per_unit[product.id]))
            total = sum((q for _, q in resolved), Decimal(0))
            if total > per_unit[product.id]:
                problems.append(
                    f"line {number}: {describe_quantity(total)} of {product.code} given, one "
                    f"unit needs {describe_quantity(per_unit[product.id])}"
                )
            result[number - 1][product.id] = resolved
    return result


# --- lots of the order ------------------------------------------------------------------


def _lot_target(conn: Connection, ref: MoRef, action: str) -> tuple[RowMapping, Product]:
    row = _mo_row(conn, ref)
    _require_open(row, action)
    if row["state"] == "draft":
        raise InvalidState(
            f"{row['name']} is a draft; confirm it first: its Lot/Serial Number field "
            "appears once it is confirmed."
        )
    product = _product_of(conn, row)
    require_tracked(product)
    if product.tracking == "serial" and row["product_quantity"] > 1:
        raise _serials_required(conn, row, product)
    return row, product


def generate_lot(conn: Connection, ref: MoRef) -> Lot:
    row, product = _lot_target(conn, ref, "set its lot")
    name = next_names(conn, product, 1)[0]
    lot_id = ensure_lots(conn, product, [name])[name]
    conn.execute(update(operations).where(operations.c.id == row["id"]).values(lot_id=lot_id))
    return get_lot(conn, product, name)


def set_lot(conn: Connection, ref: MoRef, name: str) -> Lot:
    row, product = _lot_target(conn, ref, "set its lot")
    cleaned = validate_lot_name(name)
    lot_id = ensure_lots(conn, product, [cleaned])[cleaned]
    _refuse_produced_serial(conn, product, lot_id, cleaned)
    conn.execute(update(operations).where(operations.c.id == row["id"]).values(lot_id=lot_id))
    return get_lot(conn, product, cleaned)


def set_component_lots(
    conn: Connection, ref: MoRef, component_ref: ProductRef, chosen: ComponentLots
) -> None:
    """Replace the lots reserved for one component by those the operator names."""
    row = _require_confirmed(conn, _mo_row(conn, ref), "change its components")
    component = get_product(conn, component_ref)
    require_tracked(component)
    move = conn.execute(
        select(moves.c.id, moves.c.quantity).where(
            moves.c.operation_id == row["id"],
            moves.c.product_id == component.id,
            moves.c.role == "component",
        )
    ).first()
    if move is None:
        raise UnknownProduct(
            f"{component.code} is not a component of {row['name']}; its components are "
            "those of its bill of materials."
        )
    if isinstance(chosen, Mapping):
        wanted = {
            validate_lot_name(n): positive_quantity(q, what=f"quantity of lot {n}")
            for n, q in chosen.items()
        }
    else:
        wanted = {}
        for n in chosen:
            cleaned = validate_lot_name(n)
            if cleaned in wanted:
                raise InvalidInput(f"Serial number {cleaned} is given twice; give it once.")
            wanted[cleaned] = Decimal(1)
    if component.tracking == "serial" and any(q != 1 for q in wanted.values()):
        raise InvalidQuantity(f"Each serial number of {component.code} is one unit.")
    total = sum(wanted.values(), Decimal(0))
    if total > move.quantity:
        raise InvalidQuantity(
            f"{describe_quantity(total)} of {component.code} given, but {row['name']} needs "
            f"{describe_quantity(move.quantity)}; give at most that."
        )
    known = dict(
        conn.execute(
            select(lots.c.name, lots.c.id).where(
                lots.c.product_id == component.id, lots.c.name.in_(list(wanted))
            )
        ).all()
    )
    for name in wanted:
        if name not in known:
            raise UnknownLot(
                f"Component {component.code} has no lot/serial number {name!r}; "
                f"`lotline lots list --product {component.code}` shows its lots."
            )
    consumed = _consumed_serials(conn, component, list(known.values()))
    for name, lot_id in known.items():
        if lot_id in consumed:
            raise Conflict(_consumed_message(name, component.code))
    pools = _pools(conn, row["id"])
    old = pools.get(component.id, [])
    reservations.release(conn, component, [t.pick() for t in old])
    conn.execute(
        delete(move_details).where(
            move_details.c.operation_id == row["id"], move_details.c.move_id == move.id
        )
    )
    stock = locations_by_id(conn, {row["source_id"]})[row["source_id"]]
    found = reservations.candidates(conn, component, stock, list(known.values()))
    picks: list[Pick] = []
    for name, quantity in wanted.items():
        remaining = quantity
        for candidate in sorted(
            (c for c in found if c.lot_id == known[name]), key=lambda c: c.in_date
        ):
            amount = min(candidate.available, remaining)
            if amount > 0:
                picks.append(Pick(candidate.location_id, candidate.lot_id, name, amount))
                remaining -= amount
        if remaining > 0:
            raise InsufficientStock(
                f"Not enough of {'serial' if component.tracking == 'serial' else 'lot'} "
                f"{name} of {component.code} in {stock.full_name}: "
                f"{describe_quantity(quantity - remaining)} available and not reserved, "
                f"{describe_quantity(quantity)} needed. Choose another lot."
            )
    reservations.hold(conn, component, picks)
    production = get_location(conn, PRODUCTION)
    conn.execute(
        insert(move_details),
        [
            _detail(row["id"], move.id, component.id, _Take.of(p), production.id, reserved=True)
            for p in picks
        ],
    )


def cancel(conn: Connection, ref: MoRef) -> None:
    row = _mo_row(conn, ref)
    _require_open(row, "cancel it")
    pools = _pools(conn, row["id"])
    held = products_by_id(conn, set(pools))
    for pid, pool in pools.items():
        reservations.release(conn, held[pid], [t.pick() for t in pool])
    conn.execute(
        update(move_details).where(move_details.c.operation_id == row["id"]).values(reserved=False)
    )
    conn.execute(update(operations).where(operations.c.id == row["id"]).values(state="cancelled"))


def family_ids(conn: Connection, ref: MoRef) -> list[int]:
    """Every order of the split family of ``ref``, by split index."""
    row = _mo_row(conn, ref)
    root = row["split_root_id"] or row["id"]
    return list(
        conn.execute(
            select(operations.c.id)
            .where(or_(operations.c.id == root, operations.c.split_root_id == root))
            .order_by(func.coalesce(operations.c.split_index, 0), operations.c.id)
        ).scalars()
    )


# --- the facade ---------------------------------------------------------------------------


class Manufacturing(Service):
    """app.manufacturing: bills of materials, manufacturing orders, batch production."""

    def bom(
        self,
        product: ProductRef,
        components: Components,
        quantity: QuantityInput = 1,
    ) -> Bom:
        """Add a bill of materials: ``components`` ({product: qty}) make ``quantity`` units."""
        return self._run(lambda conn: create_bom(conn, product, components, quantity))

    def boms(self, product: ProductRef) -> builtins.list[Bom]:
        """The product's bills of materials, the default first."""
        return self._run(lambda conn: list_boms(conn, get_product(conn, product)))

    def order(
        self, product: ProductRef, quantity: QuantityInput, bom: BomRef | None = None
    ) -> ManufacturingOrder:
        """Create a draft manufacturing order (WH/MO/00001) using ``bom`` or the default one."""
        return self._run(
            lambda conn: _load_mo(conn, create_order(conn, self.user, product, quantity, bom))
        )

    def confirm(self, mo: MoRef) -> ManufacturingOrder:
        """Create the component needs and reserve what is in stock (the order may wait)."""

        def work(conn: Connection) -> ManufacturingOrder:
            row = _mo_row(conn, mo)
            _confirm(conn, row)
            return _load_mo(conn, row["id"])

        return self._run(work)

    def set_component_lots(
        self, mo: MoRef, component: ProductRef, lots: ComponentLots
    ) -> ManufacturingOrder:
        """Consume these lots ({lot: qty}) or serials ([serial, ...]) of a component."""

        def work(conn: Connection) -> ManufacturingOrder:
            set_component_lots(conn, mo, component, lots)
            return _load_mo(conn, _mo_row(conn, mo)["id"])

        return self._run(work)

    def generate_lot(self, mo: MoRef) -> Lot:
        """The plus icon: create the next available lot/serial and put it on the order."""
        return self._run(lambda conn: generate_lot(conn, mo))

    def set_lot(self, mo: MoRef, name: str) -> Lot:
        """Put an existing lot, or a new one of this name ("Create"), on the order."""
        return self._run(lambda conn: set_lot(conn, mo, name))

    def produce_all(self, mo: MoRef) -> ManufacturingOrder:
        """Produce the whole order and close it; a lot/serial is generated when none is set.

        Raises SerialsRequired (the Batch Production proposal) for several serial units.
        """
        return self._run(lambda conn: _load_mo(conn, produce_all(conn, self.user, mo)))

    def produce(self, mo: MoRef, quantity: QuantityInput) -> ManufacturingOrder:
        """Produce part of the order and close it; a backorder takes the rest."""
        return self._run(lambda conn: _load_mo(conn, produce(conn, self.user, mo, quantity)))

    def batch_produce(
        self,
        mo: MoRef,
        first: str | None = None,
        count: int | None = None,
        names: Sequence[str] | None = None,
        text: str | None = None,
        complete: bool = True,
    ) -> builtins.list[ManufacturingOrder]:
        """Split a serial order into one order per serial; ``complete`` produces them
        ("Produce"), otherwise they stay confirmed ("Prepare MO"). Fewer serials than units
        leave a backorder for the rest."""

        def work(conn: Connection) -> builtins.list[ManufacturingOrder]:
            ids = batch_produce(
                conn,
                self.user,
                mo,
                first=first,
                count=count,
                names=names,
                text=text,
                complete=complete,
            )
            return _load_mos(conn, ids)

        return self._run(work)

    def backorders(self, mo: MoRef) -> builtins.list[ManufacturingOrder]:
        """Every order of the same split family (the Backorders smart button)."""
        return self._run(lambda conn: _load_mos(conn, family_ids(conn, mo)))

    def get(self, name: MoRef) -> ManufacturingOrder:
        """One manufacturing order by name."""
        return self._run(lambda conn: _load_mo(conn, _mo_row(conn, name)["id"]))

    def list(self, state: str | None = None) -> builtins.list[ManufacturingOrder]:
        """Manufacturing orders, oldest first; only those in ``state`` when given."""

        def work(conn: Connection) -> builtins.list[ManufacturingOrder]:
            query = select(operations.c.id).where(operations.c.kind == KIND)
            if state is not None:
                query = query.where(operations.c.state == state)
            return _load_mos(conn, list(conn.execute(query.order_by(operations.c.id)).scalars()))

        return self._run(work)

    def cancel(self, mo: MoRef) -> ManufacturingOrder:
        """Cancel an order that is not done and release its reserved components."""

        def work(conn: Connection) -> ManufacturingOrder:
            cancel(conn, mo)
            return _load_mo(conn, _mo_row(conn, mo)["id"])

        return self._run(work)
