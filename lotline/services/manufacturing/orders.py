"""Manufacturing orders: create, load, list, confirm and cancel.

Confirming creates the component moves (WH/Stock -> Virtual Locations/Production)
and the finished move (Production -> WH/Stock), and reserves the components by
their removal strategy. Every state change locks the order first
(``services.documents``), so two users acting on one order are served in turn.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Row, RowMapping, func, or_, select, update
from sqlalchemy.orm import aliased

from lotline.errors import UnknownOperation
from lotline.models import ManufacturingOrder, MoComponent, Product
from lotline.rules import production as plan
from lotline.rules.inputs import one_of
from lotline.rules.naming import split_name
from lotline.rules.quantities import QuantityInput, positive_quantity, require_whole
from lotline.rules.states import CANCELLED, CONFIRMED, DRAFT, STATES
from lotline.rules.text import as_text, described
from lotline.services.base import utcnow
from lotline.services.catalog import ProductRef, get_product, products_by_id
from lotline.services.documents import (
    DOCUMENT_PREFIXES,
    change_state,
    create_operation,
    lock,
    operation_condition,
    quantities_per_move,
)
from lotline.services.locations import PRODUCTION, STOCK, get_location, locations_by_id
from lotline.services.manufacturing.boms import BomRef, bom_data, choose_bom
from lotline.services.manufacturing.moves import KIND, OrderMoves, insert_moves
from lotline.services.manufacturing.pools import load_pools, release, reserve_needs
from lotline.services.sequences import next_document_name
from lotline.store.bulk import chunked
from lotline.store.schema import locations, lots, move_details, moves, operations, products

MoRef = ManufacturingOrder | str


def order_row(conn: Connection, ref: MoRef | int) -> RowMapping:
    """The operations row of an order given as an object, a name or an id.

    The name of an order that was split finds its first split order.
    """
    condition = operation_condition(ref, "A manufacturing order")
    query = select(operations).where(operations.c.kind == KIND)
    row = conn.execute(query.where(condition)).mappings().first()
    if row is None and isinstance(ref, str):
        first = split_name(ref.strip(), 1)
        row = conn.execute(query.where(operations.c.name == first)).mappings().first()
    if row is None:
        raise UnknownOperation(
            f"There is no manufacturing order {described(ref)}; names look like WH/MO/00001.",
            details={"document": as_text(getattr(ref, "name", ref))},
        )
    return row


def product_of(conn: Connection, row: RowMapping) -> Product:
    """The product an order makes."""
    return products_by_id(conn, {row["product_id"]})[row["product_id"]]


# --- loading ---------------------------------------------------------------------


def load_orders(conn: Connection, ids: Sequence[int]) -> list[ManufacturingOrder]:
    """Orders with their component needs and lots, in the order of ``ids`` (bulk queries)."""
    found: dict[int, ManufacturingOrder] = {}
    for chunk in chunked(ids):
        components = _components(conn, chunk)
        found.update((r.id, _order(r, components.get(r.id, []))) for r in _order_rows(conn, chunk))
    return [found[i] for i in ids]


def load_order(conn: Connection, order_id: int) -> ManufacturingOrder:
    """One order with its component needs and lots."""
    return load_orders(conn, [order_id])[0]


def _order_rows(conn: Connection, ids: Sequence[int]) -> list[Row[Any]]:
    src, dst, root = aliased(locations), aliased(locations), aliased(operations)
    return list(
        conn.execute(
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
        )
    )


def _components(conn: Connection, ids: Sequence[int]) -> dict[int, list[MoComponent]]:
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
    return components


def _order(r: Row[Any], components: list[MoComponent]) -> ManufacturingOrder:
    return ManufacturingOrder(
        id=r.id,
        name=r.name,
        state=r.state,
        product=r.code,
        quantity=r.product_quantity,
        lot=r.lot_name,
        bom=r.bom_id,
        source=r.source,
        destination=r.destination,
        components=tuple(components),
        split_root=r.root_name,
        split_index=r.split_index,
        created_at=r.created_at,
        done_at=r.done_at,
    )


def order_ids(conn: Connection, state: str | None = None) -> list[int]:
    """Ids of the orders, oldest first; only those in ``state`` when given."""
    query = select(operations.c.id).where(operations.c.kind == KIND)
    if state is not None:
        query = query.where(operations.c.state == one_of(state, STATES, "state"))
    return list(conn.execute(query.order_by(operations.c.id)).scalars())


def family_ids(conn: Connection, ref: MoRef) -> list[int]:
    """Every order of the split family of ``ref``, by split index."""
    row = order_row(conn, ref)
    root = row["split_root_id"] or row["id"]
    return list(
        conn.execute(
            select(operations.c.id)
            .where(or_(operations.c.id == root, operations.c.split_root_id == root))
            .order_by(func.coalesce(operations.c.split_index, 0), operations.c.id)
        ).scalars()
    )


# --- create, confirm, cancel ---------------------------------------------------------


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
    bom_id = choose_bom(conn, product, bom)
    stock = get_location(conn, STOCK)
    return create_operation(
        conn,
        name=next_document_name(conn, DOCUMENT_PREFIXES[KIND]),
        kind=KIND,
        state=DRAFT,
        source_id=stock.id,
        destination_id=stock.id,
        user=user,
        at=utcnow(),
        product_id=product.id,
        product_quantity=amount,
        bom_id=bom_id,
    )


def confirm(conn: Connection, ref: MoRef) -> int:
    """Confirm a draft order: create its moves and reserve its components; returns its id."""
    row = lock(conn, order_row(conn, ref), "confirm")
    write_confirmation(conn, row, "confirm")
    return int(row["id"])


def confirmed(conn: Connection, row: RowMapping, action: str) -> RowMapping:
    """A locked order, confirmed first when it is a draft (as Produce All does)."""
    if row["state"] != DRAFT:
        return row
    write_confirmation(conn, row, action)
    return order_row(conn, row["id"])


def write_confirmation(conn: Connection, row: RowMapping, action: str) -> None:
    """Create the moves of a locked draft order, reserve its components, mark it confirmed."""
    bom = bom_data(conn, row["bom_id"])
    production = get_location(conn, PRODUCTION)
    stock = locations_by_id(conn, {row["source_id"]})[row["source_id"]]
    components = products_by_id(conn, bom.component_ids)
    quantity: Decimal = row["product_quantity"]
    needs = plan.needs(bom.lines, quantity, bom.quantity)
    order = OrderMoves(row["id"], needs, row["product_id"], quantity)
    move_ids = insert_moves(conn, [order], row, production.id)
    reserve_needs(conn, row["id"], needs, move_ids, components, stock, production.id)
    change_state(conn, row, action, CONFIRMED)


def cancel(conn: Connection, ref: MoRef) -> int:
    """Cancel an order that is not done and release its reserved components; returns its id."""
    row = lock(conn, order_row(conn, ref), "cancel")
    pools = load_pools(conn, row["id"])
    release(conn, pools, products_by_id(conn, set(pools)))
    conn.execute(
        update(move_details).where(move_details.c.operation_id == row["id"]).values(reserved=False)
    )
    change_state(conn, row, "cancel", CANCELLED)
    return int(row["id"])
