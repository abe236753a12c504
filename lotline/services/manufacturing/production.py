"""Producing: Produce All, producing part of an order, and the production of split units.

Producing takes each unit's component stock (the lots named for it, then its
share of the order's reserved pools), splits the order into one order per unit
(plus a backorder of the rest), rebuilds their moves and details, and posts
both sides to the ledger with a lot link from every consumed lot to the
produced lot or serial. Every table is written with one bulk statement,
whatever the number of units.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import Connection, RowMapping

from lotline.errors import InsufficientStock, InvalidQuantity, SerialsRequired, describe_quantity
from lotline.models import Product
from lotline.rules import production as plan
from lotline.rules.production import Takes, Unit
from lotline.rules.quantities import QuantityInput, positive_quantity, require_whole
from lotline.services.base import utcnow
from lotline.services.documents import lock
from lotline.services.lots import next_names
from lotline.services.manufacturing.finished_lot import lot_for, serials_required
from lotline.services.manufacturing.job import Job, load_job
from lotline.services.manufacturing.orders import MoRef, confirmed, order_row
from lotline.services.manufacturing.pools import reserve_named, top_up
from lotline.services.manufacturing.records import write_records
from lotline.services.manufacturing.splitting import split_order

ACTION = "produce"


def producible(conn: Connection, ref: MoRef) -> RowMapping:
    """The order locked for producing, confirmed first when it is a draft."""
    return confirmed(conn, lock(conn, order_row(conn, ref), ACTION), ACTION)


def produce_all(conn: Connection, user: str, ref: MoRef) -> int:
    """Produce the whole order and close it; returns its id.

    Raises SerialsRequired (the Batch Production proposal) for several serial units.
    """
    return _produce_whole(conn, user, load_job(conn, producible(conn, ref)))


def _produce_whole(conn: Connection, user: str, job: Job) -> int:
    row, product = job.row, job.product
    if product.tracking == "serial" and row["product_quantity"] > 1:
        raise serials_required(conn, row, product)
    unit = Unit(row["product_quantity"], lot_for(conn, row, product))
    produce_units(conn, user, job, [unit], Decimal(0), complete=True)
    return int(row["id"])


def produce(conn: Connection, user: str, ref: MoRef, quantity: QuantityInput) -> int:
    """Produce part of the order and close it, a backorder taking the rest; returns its id."""
    job = load_job(conn, producible(conn, ref))
    row, product = job.row, job.product
    planned: Decimal = row["product_quantity"]
    amount = positive_quantity(quantity, what=f"quantity of {product.code} produced")
    if amount > planned:
        raise InvalidQuantity(
            f"{row['name']} plans {describe_quantity(planned)} {product.code}; cannot produce "
            f"{describe_quantity(amount)}. Produce at most the planned quantity.",
            details={
                "document": row["name"],
                "product": product.code,
                "quantity": amount,
                "planned": planned,
            },
        )
    if amount == planned:
        return _produce_whole(conn, user, job)
    if product.tracking == "serial":
        require_whole(amount, what=f"number of serial-tracked {product.code} produced")
        if amount != 1:
            raise SerialsRequired(
                f"Producing {describe_quantity(amount)} units of {product.code} needs one "
                "serial per unit: use batch production with that count.",
                first=next_names(conn, product, 1)[0],
                count=int(amount),
                details={"document": row["name"], "product": product.code},
            )
    unit = Unit(amount, lot_for(conn, row, product))
    produce_units(conn, user, job, [unit], planned - amount, complete=True)
    return int(row["id"])


def produce_units(
    conn: Connection,
    user: str,
    job: Job,
    units: Sequence[Unit],
    remainder: Decimal,
    *,
    complete: bool,
) -> list[int]:
    """Split the job's locked order into one order per unit (plus a backorder of
    ``remainder``) and, when ``complete``, produce them all; returns the units' order ids."""
    now = utcnow()
    takes = _take_components(conn, job, units, complete=complete)
    split = split_order(conn, user, job.row, units, remainder, complete=complete, at=now)
    write_records(conn, job, split, units, takes, remainder, complete=complete, user=user, at=now)
    return split.unit_ids


def _take_components(
    conn: Connection, job: Job, units: Sequence[Unit], *, complete: bool
) -> list[Takes]:
    """Each unit's component stock: its named lots (reserved now when the order does not
    hold them yet), then its share from the pools, topped up by strategy when short."""
    takes, missing = plan.take_named_lots(job.pools, units)
    reserved = [
        pick
        for pid, wanted in plan.missing_lots(missing).items()
        for pick in reserve_named(conn, job.products[pid], job.stock, wanted)
    ]
    plan.give_missing(takes, missing, reserved)
    unmet = plan.unmet_needs(job.bom.lines, job.bom.quantity, units, takes)
    for pid, wanted in unmet.items():
        pool = job.pools.setdefault(pid, [])
        short = plan.shortfall(pool, wanted)
        if short > 0:
            still_short = top_up(conn, job.products[pid], job.stock, pool, short)
            if still_short > 0 and complete:
                raise _shortage(job, job.products[pid], still_short, sum(wanted, Decimal(0)))
        for index, taken in enumerate(plan.allot(pool, wanted)):
            takes[index][pid].extend(taken)
    return takes


def _shortage(job: Job, component: Product, missing: Decimal, needed: Decimal) -> InsufficientStock:
    where = job.stock.full_name
    return InsufficientStock(
        f"Cannot produce {job.row['name']}: component {component.code} is short by "
        f"{describe_quantity(missing)} {component.unit} in {where} (and its sub-locations); "
        f"{describe_quantity(needed)} needed. Receive or count the component first, "
        "or produce fewer units.",
        details={
            "document": job.row["name"],
            "product": component.code,
            "location": where,
            "missing": missing,
            "quantity": needed,
        },
    )
