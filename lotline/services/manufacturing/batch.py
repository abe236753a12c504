"""Batch production: one split order per serial of a serial-tracked order.

The serials come as a first serial and a count, a list of names, or the text
box (which may also name component lots per unit); every problem of what was
given is reported at once, and nothing is written then.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import Connection, RowMapping, select
from sqlalchemy.dialects import postgresql, sqlite

from lotline.errors import InvalidInput, InvalidList
from lotline.models import Product
from lotline.rules import batch as rules
from lotline.rules.batch import BatchLines
from lotline.rules.inputs import flag
from lotline.rules.naming import generate_names, validate_lot_name
from lotline.rules.production import Unit, share
from lotline.services.base import utcnow
from lotline.services.documents import lock
from lotline.services.lots import next_names
from lotline.services.manufacturing.job import Job, load_job
from lotline.services.manufacturing.orders import MoRef, confirmed, order_row, product_of
from lotline.services.manufacturing.pools import consumed_serials
from lotline.services.manufacturing.production import produce_units
from lotline.store.schema import lots

ACTION = "produce"
ONE = Decimal(1)
NamedPerUnit = list[dict[int, list[tuple[int, Decimal]]]]


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
    """Split a serial order into one order per serial given, produced when ``complete``
    (else confirmed: "Prepare MO"); fewer serials than units leave a backorder.

    Returns the units' order ids.
    """
    request = rules.SerialsGiven(first, count, names, text)
    complete = flag(complete, "complete")
    row = lock(conn, order_row(conn, ref), ACTION)
    product = product_of(conn, row)
    _require_serial(row, product)
    job = load_job(conn, confirmed(conn, row, ACTION))
    planned = int(job.row["product_quantity"])
    given = _serials(conn, job, planned, request)
    lot_ids = _create_serials(conn, product, given)
    named = _component_lots(conn, job, given)
    if given.problems:
        raise InvalidList(given.problems, details={"document": job.row["name"]})
    units = [
        Unit(ONE, lot_ids[name], named[i] if i < len(named) else {})
        for i, name in enumerate(given.serials)
    ]
    remainder = Decimal(planned - len(units))
    return produce_units(conn, user, job, units, remainder, complete=complete)


def _require_serial(row: RowMapping, product: Product) -> None:
    if product.tracking != "serial":
        raise InvalidInput(
            f"Batch production assigns serial numbers; {product.code} is tracked by "
            f"{product.tracking}. Produce the order as a whole, or part of it, instead.",
            details={"document": row["name"], "product": product.code},
        )


def _serials(conn: Connection, job: Job, planned: int, request: rules.SerialsGiven) -> BatchLines:
    """The serials given (and the text box's component lots), with their problems."""
    row = job.row
    if request.text is not None:
        given = rules.parse_batch_text(request.text, job.tracked_components)
    elif request.names is not None:
        given = rules.read_names(request.names)
    else:
        wanted, problems = rules.series_count(request.count, planned, row["name"])
        serials = (
            generate_names(validate_lot_name(request.first), wanted)
            if request.first is not None
            else next_names(conn, job.product, wanted)
        )
        given = BatchLines(serials, [], problems)
    if not given.serials and not given.problems:
        raise InvalidInput(
            f"Give at least one serial number for {row['name']}.",
            details={"document": row["name"]},
        )
    given.problems.extend(rules.serial_problems(given.serials, planned, row["name"]))
    return given


def _create_serials(conn: Connection, product: Product, given: BatchLines) -> dict[str, int]:
    """Create the serials in one bulk INSERT; a name that already exists is a problem."""
    names = rules.distinct_serials(given.serials)
    if not names:
        return {}
    ins = postgresql.insert(lots) if conn.dialect.name == "postgresql" else sqlite.insert(lots)
    now = utcnow()
    created = conn.execute(
        ins.on_conflict_do_nothing(index_elements=[lots.c.product_id, lots.c.name]).returning(
            lots.c.id, lots.c.name
        ),
        [{"product_id": product.id, "name": n, "created_at": now} for n in names],
    ).all()
    ids = {r.name: r.id for r in created}
    given.problems.extend(
        f"{name}: this serial number for product {product.code} already exists"
        for name in names
        if name not in ids
    )
    return ids


def _component_lots(conn: Connection, job: Job, given: BatchLines) -> NamedPerUnit:
    """The component lots named per line, as lot ids; unknown or consumed ones are problems."""
    named: NamedPerUnit = [{} for _ in given.lots]
    bom = job.bom
    for product in job.tracked_components:
        wanted = {lot for line in given.lots for lot, _ in line.get(product.id, [])}
        if not wanted:
            continue
        known: dict[str, int] = {
            name: lot_id
            for name, lot_id in conn.execute(
                select(lots.c.name, lots.c.id).where(
                    lots.c.product_id == product.id, lots.c.name.in_(wanted)
                )
            )
        }
        consumed = consumed_serials(conn, product, list(known.values()))
        line = dict(bom.lines)[product.id]
        per_unit = share(line, ONE, bom.quantity)
        resolved, problems = rules.resolve_lots(product, given.lots, known, consumed, per_unit)
        given.problems.extend(problems)
        for index, pairs in resolved.items():
            named[index][product.id] = pairs
    return named
