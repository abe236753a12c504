"""Choosing the lots or serials an order consumes of one component."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from sqlalchemy import Connection, RowMapping, delete, select

from lotline.errors import Conflict, InvalidQuantity, UnknownLot, UnknownProduct, describe_quantity
from lotline.models import Product
from lotline.rules.lots_input import LotsInput, kind_word, named_lots, require_tracked
from lotline.rules.production import Take, consumed_message
from lotline.services.catalog import ProductRef, get_product
from lotline.services.documents import lock
from lotline.services.locations import PRODUCTION, get_location, locations_by_id
from lotline.services.manufacturing.moves import detail_row
from lotline.services.manufacturing.orders import MoRef, confirmed, order_row
from lotline.services.manufacturing.pools import (
    consumed_serials,
    load_pools,
    release,
    reserve_named,
)
from lotline.store.bulk import insert_dicts
from lotline.store.schema import lots, move_details, moves

ACTION = "set_component_lots"


def set_component_lots(
    conn: Connection, ref: MoRef, component_ref: ProductRef, chosen: LotsInput
) -> int:
    """Replace the lots reserved for one component by those the operator names.

    A draft order is confirmed first. A serial consumed by a done order cannot be
    chosen again; a lot can, as long as it has stock. Returns the order's id.
    """
    row = lock(conn, order_row(conn, ref), ACTION)
    component = get_product(conn, component_ref)
    require_tracked(component)
    wanted = named_lots(component, chosen)
    row = confirmed(conn, row, ACTION)
    move_id, needed = _component_move(conn, row, component)
    _refuse_more_than_needed(row, component, wanted, needed)
    lot_ids = _lot_ids(conn, component, wanted)
    _refuse_consumed(conn, component, lot_ids)
    production = get_location(conn, PRODUCTION)
    _replace_reservation(conn, row, component, move_id, production.id, lot_ids, wanted)
    return int(row["id"])


def _component_move(conn: Connection, row: RowMapping, component: Product) -> tuple[int, Decimal]:
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
            "those of its bill of materials.",
            details={"document": row["name"], "product": component.code},
        )
    return move.id, move.quantity


def _refuse_more_than_needed(
    row: RowMapping, component: Product, wanted: Mapping[str, Decimal], needed: Decimal
) -> None:
    given = sum(wanted.values(), Decimal(0))
    if given > needed:
        raise InvalidQuantity(
            f"{describe_quantity(given)} of {component.code} given, but {row['name']} needs "
            f"{describe_quantity(needed)}; give at most that.",
            details={
                "document": row["name"],
                "product": component.code,
                "quantity": given,
                "needed": needed,
            },
        )


def _lot_ids(conn: Connection, component: Product, wanted: Mapping[str, Decimal]) -> dict[str, int]:
    known: dict[str, int] = {
        name: lot_id
        for name, lot_id in conn.execute(
            select(lots.c.name, lots.c.id).where(
                lots.c.product_id == component.id, lots.c.name.in_(list(wanted))
            )
        )
    }
    for name in wanted:
        if name not in known:
            raise UnknownLot(
                f"Component {component.code} has no {kind_word(component)} {name!r}.",
                details={"product": component.code, "lot": name},
            )
    return {name: known[name] for name in wanted}


def _refuse_consumed(conn: Connection, component: Product, lot_ids: Mapping[str, int]) -> None:
    consumed = consumed_serials(conn, component, list(lot_ids.values()))
    for name, lot_id in lot_ids.items():
        if lot_id in consumed:
            raise Conflict(
                consumed_message(name, component.code),
                details={"product": component.code, "lot": name},
            )


def _replace_reservation(
    conn: Connection,
    row: RowMapping,
    component: Product,
    move_id: int,
    production_id: int,
    lot_ids: Mapping[str, int],
    wanted: Mapping[str, Decimal],
) -> None:
    pool = load_pools(conn, row["id"]).get(component.id, [])
    release(conn, {component.id: pool}, {component.id: component})
    conn.execute(
        delete(move_details).where(
            move_details.c.operation_id == row["id"], move_details.c.move_id == move_id
        )
    )
    stock = locations_by_id(conn, {row["source_id"]})[row["source_id"]]
    picks = reserve_named(conn, component, stock, {lot_ids[n]: q for n, q in wanted.items()})
    insert_dicts(
        conn,
        move_details,
        [
            detail_row(row["id"], move_id, component.id, Take.of(p), production_id, reserved=True)
            for p in picks
        ],
    )
