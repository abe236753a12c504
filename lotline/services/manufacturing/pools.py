"""The component stock reserved for an order: its pools, reserving and releasing them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, select

from lotline.errors import InsufficientStock, describe_quantity
from lotline.models import Location, Product
from lotline.rules import production as plan
from lotline.rules.allocation import Pick
from lotline.rules.lots_input import kind_word
from lotline.rules.production import Pool, Take
from lotline.rules.states import DONE
from lotline.services import reservations
from lotline.services.locations import PRODUCTION, get_location
from lotline.services.manufacturing.moves import KIND, detail_row
from lotline.store.bulk import insert_dicts
from lotline.store.schema import lots, move_details, move_lines, operations


def load_pools(conn: Connection, operation_id: int) -> dict[int, Pool]:
    """The order's reserved component stock, per component id, in the order reserved."""
    pools: dict[int, Pool] = defaultdict(list)
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
        pools[r[0]].append(Take(r[1], r[2], r[3], r[4]))
    return pools


def reserve_needs(
    conn: Connection,
    operation_id: int,
    needs: Sequence[tuple[int, Decimal]],
    move_ids: Mapping[tuple[int, int], int],
    components: Mapping[int, Product],
    stock: Location,
    production_id: int,
) -> None:
    """Reserve what is in stock of each need by the component's removal strategy.

    A need short of stock stays partly reserved: the order waits for it.
    """
    rows: list[dict[str, Any]] = []
    for sequence, (pid, need) in enumerate(needs):
        picks, _ = reservations.reserve_by_strategy(conn, components[pid], stock, need)
        move_id = move_ids[(operation_id, sequence)]
        rows.extend(
            detail_row(operation_id, move_id, pid, Take.of(p), production_id, reserved=True)
            for p in picks
        )
    insert_dicts(conn, move_details, rows)


def top_up(
    conn: Connection, product: Product, stock: Location, pool: Pool, quantity: Decimal
) -> Decimal:
    """Reserve up to ``quantity`` more into ``pool`` by strategy; returns what is still short."""
    picks, short = reservations.reserve_by_strategy(conn, product, stock, quantity)
    pool.extend(Take.of(p) for p in picks)
    return short


def reserve_named(
    conn: Connection, product: Product, stock: Location, wanted: Mapping[int, Decimal]
) -> list[Pick]:
    """Reserve ``wanted`` ({lot id: quantity}) of named lots from unreserved stock.

    Raises InsufficientStock naming the first lot that is short.
    """
    found = reservations.candidates(conn, product, stock, list(wanted))
    picks: list[Pick] = []
    for lot_id, quantity in wanted.items():
        taken = plan.take_named(found, lot_id, quantity)
        available = sum((p.quantity for p in taken), Decimal(0))
        if available < quantity:
            raise _short_lot(conn, product, stock, lot_id, available, quantity)
        picks.extend(taken)
    reservations.hold(conn, product, picks)
    return picks


def _short_lot(
    conn: Connection,
    product: Product,
    stock: Location,
    lot_id: int,
    available: Decimal,
    needed: Decimal,
) -> InsufficientStock:
    name = conn.execute(select(lots.c.name).where(lots.c.id == lot_id)).scalar_one()
    word = kind_word(product)
    return InsufficientStock(
        f"Not enough of {word} {name} of component {product.code} in {stock.full_name}: "
        f"{describe_quantity(available)} available and not reserved, {describe_quantity(needed)} "
        f"needed. Choose another {word}.",
        details={
            "product": product.code,
            "lot": name,
            "location": stock.full_name,
            "available": available,
            "quantity": needed,
        },
    )


def release(conn: Connection, pools: Mapping[int, Pool], components: Mapping[int, Product]) -> None:
    """Give the reserved stock of ``pools`` back to the quants (one statement per component)."""
    for pid, pool in pools.items():
        picks = [t.pick() for t in pool if t.quantity > 0]
        if picks:
            reservations.release(conn, components[pid], picks)


def consumed_serials(conn: Connection, product: Product, lot_ids: Sequence[int]) -> set[int]:
    """Which of these serials a done manufacturing order has already consumed.

    Only serials: a lot used in part by an earlier order can be chosen again.
    """
    if product.tracking != "serial" or not lot_ids:
        return set()
    production_id = get_location(conn, PRODUCTION).id
    return set(
        conn.execute(
            select(move_lines.c.lot_id)
            .join(operations, operations.c.id == move_lines.c.operation_id)
            .where(
                operations.c.kind == KIND,
                operations.c.state == DONE,
                move_lines.c.product_id == product.id,
                move_lines.c.destination_id == production_id,
                move_lines.c.lot_id.in_(lot_ids),
            )
            .distinct()
        ).scalars()
    )
