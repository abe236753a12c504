"""What producing writes: the resulting orders' moves and details, the ledger and the genealogy.

Each table is written with one bulk statement whatever the number of units.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, delete

from lotline.rules import production as plan
from lotline.rules.production import Take, Takes, Unit
from lotline.services import ledger
from lotline.services.manufacturing.job import Job
from lotline.services.manufacturing.moves import OrderMoves, detail_row, insert_moves
from lotline.services.manufacturing.pools import release
from lotline.services.manufacturing.splitting import Split
from lotline.store.bulk import insert_dicts
from lotline.store.schema import lot_links, move_details, moves


@dataclass(slots=True)
class _Records:
    details: list[dict[str, Any]] = field(default_factory=list)
    postings: list[ledger.Posting] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)


def write_records(
    conn: Connection,
    job: Job,
    split: Split,
    units: Sequence[Unit],
    takes: Sequence[Takes],
    remainder: Decimal,
    *,
    complete: bool,
    user: str,
    at: datetime,
) -> None:
    """Rebuild the moves and details of every resulting order; when ``complete``, post
    them to the ledger and link each consumed lot to the produced lot or serial.

    What the pools still hold goes to the backorder up to its share; the rest is released.
    """
    move_ids = _rebuild_moves(conn, job, split, units, remainder)
    records = _Records()
    for op_id, unit, taken in zip(split.unit_ids, units, takes, strict=True):
        _unit_records(records, job, op_id, unit, taken, move_ids, reserved=not complete)
    if split.remainder_id is not None:
        _backorder_details(records, job, split.remainder_id, remainder, move_ids)
    release(conn, job.pools, job.products)
    insert_dicts(conn, move_details, records.details)
    if complete:
        ledger.post(conn, job.row["id"], records.postings, user=user, at=at)
        insert_dicts(conn, lot_links, records.links)


def _rebuild_moves(
    conn: Connection, job: Job, split: Split, units: Sequence[Unit], remainder: Decimal
) -> dict[tuple[int, int], int]:
    row, bom = job.row, job.bom
    conn.execute(delete(move_details).where(move_details.c.operation_id == row["id"]))
    conn.execute(delete(moves).where(moves.c.operation_id == row["id"]))
    made = [(op_id, unit.quantity) for op_id, unit in zip(split.unit_ids, units, strict=True)]
    if split.remainder_id is not None:
        made.append((split.remainder_id, remainder))
    orders = [
        OrderMoves(
            op_id, plan.needs(bom.lines, quantity, bom.quantity), row["product_id"], quantity
        )
        for op_id, quantity in made
    ]
    return insert_moves(conn, orders, row, job.production_id)


def _unit_records(
    records: _Records,
    job: Job,
    op_id: int,
    unit: Unit,
    taken: Takes,
    move_ids: dict[tuple[int, int], int],
    *,
    reserved: bool,
) -> None:
    """One unit's details and postings (consumed and made) and its lot links."""
    production_id = job.production_id
    for sequence, (pid, _) in enumerate(job.bom.lines):
        move_id = move_ids.get((op_id, sequence))
        consumed: dict[int, Decimal] = defaultdict(Decimal)
        for take in taken.get(pid, ()):
            assert move_id is not None
            records.details.append(
                detail_row(op_id, move_id, pid, take, production_id, reserved=reserved)
            )
            records.postings.append(_consumption(pid, take, production_id, move_id, op_id))
            if take.lot_id is not None:
                consumed[take.lot_id] += take.quantity
        if unit.lot_id is not None:
            records.links.extend(
                {
                    "operation_id": op_id,
                    "consumed_lot_id": lot_id,
                    "produced_lot_id": unit.lot_id,
                    "quantity": quantity,
                }
                for lot_id, quantity in consumed.items()
            )
    records.postings.append(
        ledger.Posting(
            job.row["product_id"],
            unit.lot_id,
            unit.quantity,
            production_id,
            job.row["destination_id"],
            move_ids[(op_id, len(job.bom.lines))],
            operation_id=op_id,
        )
    )


def _consumption(
    pid: int, take: Take, production_id: int, move_id: int, op_id: int
) -> ledger.Posting:
    return ledger.Posting(
        pid,
        take.lot_id,
        take.quantity,
        take.location_id,
        production_id,
        move_id,
        unreserve=take.quantity,
        operation_id=op_id,
    )


def _backorder_details(
    records: _Records,
    job: Job,
    op_id: int,
    quantity: Decimal,
    move_ids: dict[tuple[int, int], int],
) -> None:
    """The backorder keeps its share of what the pools still hold, reserved."""
    for sequence, (pid, need) in enumerate(plan.needs(job.bom.lines, quantity, job.bom.quantity)):
        for take in plan.take_from(job.pools.get(pid, []), need):
            records.details.append(
                detail_row(
                    op_id, move_ids[(op_id, sequence)], pid, take, job.production_id, reserved=True
                )
            )
