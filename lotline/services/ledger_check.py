"""Checking the ledger: every quant rebuilt from the move lines, every product
balancing to zero, every reservation held by an open document.

The sums are exact on both engines, however large (``store.sums``).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, case, func, select, union_all

from lotline.models import CheckDifference, CheckReport, Product
from lotline.rules.quantities import ZERO, from_storage
from lotline.rules.states import OPEN_STATES
from lotline.services.catalog import products_by_id
from lotline.services.locations import STOCK_KEEPING, locations_by_id
from lotline.store.schema import locations, lots, move_details, move_lines, operations, quants
from lotline.store.sums import joined, split_sum

QuantKey = tuple[int, int, int]  # product_id, location_id, lot_key
Amounts = dict[QuantKey, Decimal]


def check(conn: Connection) -> CheckReport:
    """Rebuild every quant from the ledger, verify that each product balances to zero,
    and that each quant reserves exactly what open documents hold on it.

    Every sum is exact on both engines, however large (``store.sums``).
    """
    recorded, reserved = _recorded_quants(conn)
    wrong_quants = _disagreements(_quants_from_ledger(conn), recorded)
    wrong_reserved = _disagreements(_held_by_open_documents(conn), reserved)
    keys = [key for key, _, _ in wrong_quants + wrong_reserved]
    product_map = products_by_id(conn, {k[0] for k in keys} | {k[0] for k in recorded})
    location_map = locations_by_id(conn, {k[1] for k in keys})
    lot_names = _lot_names(conn, {k[2] for k in keys if k[2]})

    def difference(kind: Any, key: QuantKey, said: Decimal, rebuilt: Decimal) -> CheckDifference:
        product, location = product_map[key[0]].code, location_map[key[1]].full_name
        return CheckDifference(kind, product, location, lot_names.get(key[2]), said, rebuilt)

    differences = [difference("quant", *found) for found in wrong_quants]
    differences.extend(_unbalanced(recorded, product_map))
    differences.extend(difference("reserved", *found) for found in wrong_reserved)
    move_count = conn.execute(select(func.count()).select_from(move_lines)).scalar_one()
    return CheckReport(
        differences=tuple(differences), move_lines=int(move_count), quants=len(recorded)
    )


def _disagreements(rebuilt: Amounts, recorded: Amounts) -> list[tuple[QuantKey, Decimal, Decimal]]:
    """(key, recorded, rebuilt) of every quant where the two differ, in key order."""
    return [
        (key, recorded.get(key, ZERO), rebuilt.get(key, ZERO))
        for key in sorted(rebuilt.keys() | recorded.keys())
        if rebuilt.get(key, ZERO) != recorded.get(key, ZERO)
    ]


def _recorded_quants(conn: Connection) -> tuple[Amounts, Amounts]:
    """Every quant's quantity and reserved quantity, as stored."""
    quantities: Amounts = {}
    reserved: Amounts = {}
    for r in conn.execute(
        select(
            quants.c.product_id,
            quants.c.location_id,
            quants.c.lot_key,
            quants.c.quantity,
            quants.c.reserved_quantity,
        )
    ):
        key = (r.product_id, r.location_id, r.lot_key)
        quantities[key] = r.quantity
        if r.reserved_quantity:
            reserved[key] = r.reserved_quantity
    return quantities, reserved


def _quants_from_ledger(conn: Connection) -> Amounts:
    """Every quant as the move lines say it should be: in minus out, per place and lot."""
    keeps_lots = locations.c.usage.in_(STOCK_KEEPING)
    sides = union_all(
        select(
            move_lines.c.product_id,
            move_lines.c.destination_id.label("location_id"),
            move_lines.c.lot_id,
            move_lines.c.quantity.label("amount"),
        ),
        select(
            move_lines.c.product_id,
            move_lines.c.source_id,
            move_lines.c.lot_id,
            (-move_lines.c.quantity).label("amount"),
        ),
    ).subquery()
    lot_key = case((keeps_lots, func.coalesce(sides.c.lot_id, 0)), else_=0)
    rows = conn.execute(
        select(sides.c.product_id, sides.c.location_id, lot_key, *split_sum(sides.c.amount))
        .join(locations, locations.c.id == sides.c.location_id)
        .group_by(sides.c.product_id, sides.c.location_id, lot_key)
    ).all()
    return {(r[0], r[1], r[2]): from_storage(joined(r[3], r[4])) for r in rows}


def _held_by_open_documents(conn: Connection) -> Amounts:
    """What the reserved detailed lines of open documents hold, per quant."""
    lot_key = func.coalesce(move_details.c.lot_id, 0)
    rows = conn.execute(
        select(
            move_details.c.product_id,
            move_details.c.source_id,
            lot_key,
            *split_sum(move_details.c.quantity),
        )
        .join(operations, operations.c.id == move_details.c.operation_id)
        .where(move_details.c.reserved, operations.c.state.in_(OPEN_STATES))
        .group_by(move_details.c.product_id, move_details.c.source_id, lot_key)
    ).all()
    return {(r[0], r[1], r[2]): from_storage(joined(r[3], r[4])) for r in rows}


def _unbalanced(recorded: Amounts, product_map: dict[int, Product]) -> list[CheckDifference]:
    """Products whose quants, virtual locations included, do not add up to zero."""
    balance: dict[int, Decimal] = defaultdict(Decimal)
    for (product_id, _, _), quantity in recorded.items():
        balance[product_id] += quantity
    return [
        CheckDifference(
            kind="balance",
            product=product_map[product_id].code,
            location=None,
            lot=None,
            recorded=total,
            expected=Decimal(0),
        )
        for product_id, total in sorted(balance.items())
        if total != 0
    ]


def _lot_names(conn: Connection, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(conn.execute(select(lots.c.id, lots.c.name).where(lots.c.id.in_(ids))).all())
