"""Holding stock for a document: reserved quantities live on the quants.

The database refuses a reservation above the quant's quantity, so two
documents can never hold the same serial, nor more of a lot than is there.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import Connection, select
from sqlalchemy.exc import IntegrityError

from lotline.errors import Conflict
from lotline.models import Location, Product
from lotline.rules.allocation import Candidate, Pick, allocate
from lotline.rules.quantities import to_storage
from lotline.services.locations import subtree_path
from lotline.store.bulk import marker
from lotline.store.schema import locations, lots, quants


def candidates(
    conn: Connection,
    product: Product,
    location: Location,
    lot_ids: Sequence[int] | None = None,
) -> list[Candidate]:
    """Unreserved stock of ``product`` in ``location`` and its children (one query)."""
    query = (
        select(
            quants.c.location_id,
            quants.c.lot_id,
            lots.c.name,
            quants.c.quantity,
            quants.c.reserved_quantity,
            quants.c.in_date,
            lots.c.removal_date,
            lots.c.expiration_date,
        )
        .select_from(
            quants.join(locations, locations.c.id == quants.c.location_id).outerjoin(
                lots, lots.c.id == quants.c.lot_id
            )
        )
        .where(
            quants.c.product_id == product.id,
            quants.c.internal,
            quants.c.quantity > quants.c.reserved_quantity,
            locations.c.parent_path.startswith(subtree_path(conn, location)),
        )
    )
    if lot_ids is not None:
        query = query.where(quants.c.lot_id.in_(lot_ids))
    return [
        Candidate(
            location_id=r.location_id,
            lot_id=r.lot_id,
            lot_name=r.name,
            available=r.quantity - r.reserved_quantity,
            in_date=r.in_date,
            removal_date=r.removal_date,
            expiration_date=r.expiration_date,
        )
        for r in conn.execute(query)
    ]


def reserve_by_strategy(
    conn: Connection, product: Product, location: Location, quantity: Decimal
) -> tuple[list[Pick], Decimal]:
    """Reserve up to ``quantity`` by the product's removal strategy; returns (picks, shortfall).

    Untracked stock of a tracked product is never picked: it needs a lot first.
    """
    found = candidates(conn, product, location)
    if product.is_tracked:
        found = [c for c in found if c.lot_id is not None]
    picks, shortfall = allocate(found, quantity, product.removal_strategy)
    hold(conn, product, picks)
    return picks, shortfall


def hold(conn: Connection, product: Product, picks: Sequence[Pick]) -> None:
    """Add ``picks`` to the reserved quantities, in one bulk statement."""
    _change(conn, product, picks, sign=1)


def release(conn: Connection, product: Product, picks: Sequence[Pick]) -> None:
    """Give reserved ``picks`` back, in one bulk statement."""
    _change(conn, product, picks, sign=-1)


_CHANGE = (
    "UPDATE quants SET reserved_quantity = reserved_quantity + {m} "
    "WHERE product_id = {m} AND location_id = {m} AND lot_key = {m}"
)


def _change(conn: Connection, product: Product, picks: Sequence[Pick], sign: int) -> None:
    net: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for pick in picks:
        net[(pick.location_id, pick.lot_id or 0)] += sign * pick.quantity
    rows = [
        (to_storage(delta), product.id, location_id, lot_key)
        for (location_id, lot_key), delta in sorted(net.items())
        if delta
    ]
    if not rows:
        return
    savepoint = conn.begin_nested()
    try:
        result = conn.exec_driver_sql(_CHANGE.format(m=marker(conn)), rows)
        if result.rowcount != len(rows):
            raise Conflict(
                f"Some stock of {product.code} to reserve is no longer there; "
                "look at the stock again and retry.",
                details={"product": product.code},
            )
    except IntegrityError:
        savepoint.rollback()
        raise Conflict(
            f"Cannot reserve {product.code}: another document has just reserved the same "
            "stock (a serial can be reserved once, a lot up to what is on hand). "
            "Look at the stock again and choose other lots or serials.",
            details={"product": product.code},
        ) from None
    savepoint.commit()
