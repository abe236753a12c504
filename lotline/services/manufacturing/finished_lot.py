"""The lot or serial number an order produces (its Lot/Serial Number field)."""

from __future__ import annotations

from sqlalchemy import Connection, RowMapping, select

from lotline.errors import Conflict, SerialsRequired
from lotline.models import Lot, Product
from lotline.rules.lots_input import require_tracked
from lotline.rules.naming import validate_lot_name
from lotline.rules.states import CONFIRMED
from lotline.services.documents import change_state, lock
from lotline.services.lots import ensure_lots, get_lot, next_names
from lotline.services.manufacturing.orders import MoRef, order_row, product_of
from lotline.store.schema import lots, move_lines

ACTION = "set_lot"


def generate_lot(conn: Connection, ref: MoRef) -> Lot:
    """The plus icon: create the product's next available lot/serial and put it on the order."""
    row, product = _lot_target(conn, ref)
    name = next_names(conn, product, 1)[0]
    lot_id = ensure_lots(conn, product, [name])[name]
    change_state(conn, row, ACTION, CONFIRMED, lot_id=lot_id)
    return get_lot(conn, product, name)


def set_lot(conn: Connection, ref: MoRef, name: str) -> Lot:
    """Put an existing lot, or a new one of this name, on the order."""
    row, product = _lot_target(conn, ref)
    cleaned = validate_lot_name(name)
    lot_id = ensure_lots(conn, product, [cleaned])[cleaned]
    refuse_produced_serial(conn, product, lot_id, cleaned)
    change_state(conn, row, ACTION, CONFIRMED, lot_id=lot_id)
    return get_lot(conn, product, cleaned)


def _lot_target(conn: Connection, ref: MoRef) -> tuple[RowMapping, Product]:
    row = lock(conn, order_row(conn, ref), ACTION)
    product = product_of(conn, row)
    require_tracked(product)
    if product.tracking == "serial" and row["product_quantity"] > 1:
        raise serials_required(conn, row, product)
    return row, product


def lot_for(conn: Connection, row: RowMapping, product: Product) -> int | None:
    """The finished lot of a whole-order production: the order's, or the next available."""
    if not product.is_tracked:
        return None
    lot_id: int | None = row["lot_id"]
    if lot_id is None:
        name = next_names(conn, product, 1)[0]
        return ensure_lots(conn, product, [name])[name]
    name = conn.execute(select(lots.c.name).where(lots.c.id == lot_id)).scalar_one()
    refuse_produced_serial(conn, product, lot_id, name)
    return lot_id


def refuse_produced_serial(conn: Connection, product: Product, lot_id: int, name: str) -> None:
    """A serial with any ledger line was already produced, received or is on hand."""
    if product.tracking != "serial":
        return
    used = conn.execute(
        select(move_lines.c.id).where(move_lines.c.lot_id == lot_id).limit(1)
    ).first()
    if used is not None:
        raise Conflict(
            f"This serial number for product {product.code} has already been produced: "
            f"{name} is in stock or was made before. Choose another serial number, or "
            "generate the next available one.",
            details={"product": product.code, "lot": name},
        )


def serials_required(conn: Connection, row: RowMapping, product: Product) -> SerialsRequired:
    """The Batch Production proposal for a serial order of several units."""
    count = int(row["product_quantity"])
    first = next_names(conn, product, 1)[0]
    return SerialsRequired(
        f"{row['name']} makes {count} units of {product.code}, which is tracked by serial "
        f"number: each unit needs its own serial. Use batch production (first serial "
        f"{first}, {count} serials), or produce one unit at a time.",
        first=first,
        count=count,
        details={"document": row["name"], "product": product.code},
    )
