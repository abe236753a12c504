"""Returns: the reverse document of a done transfer, with the same lots and serials.

A delivery comes back as a receipt, a receipt goes back as a delivery, an
internal transfer as an internal transfer. Never more is returned than the
document moved, less what done and open returns of it already take back.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Connection, RowMapping, Select, select

from lotline.errors import InvalidInput, InvalidQuantity, MissingLot, describe_quantity
from lotline.models import Operation, Product
from lotline.rules.lots_input import kind_word
from lotline.rules.quantities import ZERO
from lotline.rules.states import DONE, OPEN_STATES
from lotline.services import documents
from lotline.services.catalog import products_by_id
from lotline.services.documents import OperationRef
from lotline.services.locations import STOCK_KEEPING, locations_by_id
from lotline.services.transfers.create import create
from lotline.services.transfers.document import transfer_row
from lotline.services.transfers.lines import Details, Line, parse_lines
from lotline.store.schema import lots, move_details, move_lines, moves, operations

RETURN_KINDS = {"receipt": "delivery", "delivery": "receipt", "internal": "internal"}

Left = dict[tuple[int, str | None], Decimal]
"""What is left to return, per (product id, lot name)."""


def return_of(conn: Connection, user: str, ref: OperationRef, lines: Any) -> Operation:
    """The reverse document of a done transfer: all that is left to return, or ``lines``."""
    row = documents.lock(conn, transfer_row(conn, ref), "return")
    left = returnable(conn, row)
    place = locations_by_id(conn, {row["source_id"], row["destination_id"]})
    source, destination = place[row["destination_id"]], place[row["source_id"]]
    if lines is None:
        parsed = _everything_left(conn, left, row["name"])
    else:
        parsed = parse_lines(conn, lines, incoming=source.usage not in STOCK_KEEPING)
        for line in parsed:
            _fit_return(line, left, row["name"])
    if not parsed:
        raise InvalidInput(
            f"Everything {row['name']} moved has already been returned; nothing is left to return.",
            details={"document": row["name"]},
        )
    return create(
        conn,
        user,
        RETURN_KINDS[row["kind"]],
        source,
        destination,
        parsed,
        partner=row["partner"],
        origin=f"Return of {row['name']}",
        return_of_id=row["id"],
    )


def returnable(conn: Connection, row: RowMapping) -> Left:
    """What a done document moved, per (product id, lot name), less what was returned."""
    left: Left = defaultdict(Decimal)
    for product_id, name, quantity in conn.execute(_moved(move_lines.c.operation_id == row["id"])):
        left[(product_id, name)] += quantity
    returns = operations.c.return_of_id == row["id"]
    done_returns = select(operations.c.id).where(returns, operations.c.state == DONE)
    open_returns = select(operations.c.id).where(returns, operations.c.state.in_(OPEN_STATES))
    for product_id, name, quantity in conn.execute(
        _moved(move_lines.c.operation_id.in_(done_returns))
    ):
        left[(product_id, name)] -= quantity
    for product_id, quantity in conn.execute(
        select(moves.c.product_id, moves.c.quantity).where(moves.c.operation_id.in_(open_returns))
    ):
        left[(product_id, None)] -= quantity
    for product_id, name, quantity in conn.execute(
        select(move_details.c.product_id, move_details.c.lot_name, move_details.c.quantity).where(
            move_details.c.operation_id.in_(open_returns), move_details.c.lot_name.is_not(None)
        )
    ):
        left[(product_id, name)] -= quantity
        left[(product_id, None)] += quantity
    return _settled(left)


def _settled(left: Left) -> Left:
    """What is left once returns made across a tracking change are matched up.

    Units that moved without a lot and came back in lots given then take from the
    part without a lot; units that moved in lots and came back without one (the
    product no longer tracked) take from its lots, by name.
    """
    per_product: dict[int, dict[str | None, Decimal]] = defaultdict(dict)
    for (product_id, name), quantity in left.items():
        per_product[product_id][name] = quantity
    for amounts in per_product.values():
        for name in [n for n, q in amounts.items() if n is not None and q < 0]:
            amounts[None] = amounts.get(None, ZERO) + amounts.pop(name)
        owed = -amounts.get(None, ZERO)
        for name in sorted(n for n in amounts if n is not None):
            if owed > 0:
                taken = min(amounts[name], owed)
                amounts[name] -= taken
                amounts[None] += taken
                owed -= taken
    return {
        (product_id, name): quantity
        for product_id, amounts in per_product.items()
        for name, quantity in amounts.items()
        if quantity > 0
    }


def _moved(condition: ColumnElement[bool]) -> Select[int, str | None, Decimal]:
    """(product id, lot name, quantity) of the ledger lines that meet ``condition``."""
    return (
        select(move_lines.c.product_id, lots.c.name, move_lines.c.quantity)
        .select_from(move_lines.outerjoin(lots, lots.c.id == move_lines.c.lot_id))
        .where(condition)
    )


def _everything_left(conn: Connection, left: Left, document: str) -> list[Line]:
    """One line per product with all that is left to return, and its lots."""
    product_ids = sorted({product_id for product_id, _ in left})
    product_map = products_by_id(conn, product_ids)
    parsed = []
    for product_id in product_ids:
        product = product_map[product_id]
        mine = sorted((n, q) for (pid, n), q in left.items() if pid == product_id and n)
        total = sum((q for (pid, _), q in left.items() if pid == product_id), ZERO)
        if product.is_tracked:
            _refuse_units_without_lot(product, left, document)
        details: Details = [(n, q) for n, q in mine] if product.is_tracked else []
        parsed.append(Line(product, total, details))
    return parsed


def _fit_return(line: Line, left: Left, document: str) -> None:
    """Check a returned line against what is left to return; name its lots when not given.

    A tracked product's units that moved without a lot come back in the lots given.
    """
    product = line.product
    if product.is_tracked and not line.details:
        line.details.extend(_lots_left(line, left))
        if sum((q for _, q in line.details), ZERO) < line.quantity:
            _refuse_units_without_lot(product, left, document)
    checks = line.details if product.is_tracked else [(None, line.quantity)]
    for name, quantity in checks:
        sources = _sources(product, name, left)
        have = sum((left[key] for key in sources), ZERO)
        if quantity > have:
            what = f" {kind_word(product)} {name}" if name else ""
            raise InvalidQuantity(
                f"Cannot return {describe_quantity(quantity)} of {product.code}{what}: "
                f"{document} moved {describe_quantity(have)} that is not returned yet.",
                details={
                    "document": document,
                    "product": product.code,
                    "lot": name,
                    "needed": quantity,
                    "available": have,
                },
            )
        _draw(left, sources, quantity)
    if product.is_tracked and sum((q for _, q in line.details), ZERO) < line.quantity:
        raise InvalidQuantity(
            f"Cannot return {describe_quantity(line.quantity)} of {product.code}: {document} "
            "did not move that much of it.",
            details={"document": document, "product": product.code, "needed": line.quantity},
        )


def _sources(product: Product, name: str | None, left: Left) -> list[tuple[int, str | None]]:
    """Where a returned quantity is taken from, in order: a lot's own units, then (the
    product tracked since) units that moved without a lot; or, for a product no longer
    tracked, units without a lot, then its lots by name."""
    if product.is_tracked:
        keys = [(product.id, name), (product.id, None)]
    else:
        names = sorted(n for pid, n in left if pid == product.id and n is not None)
        keys = [(product.id, None), *((product.id, n) for n in names)]
    return [key for key in dict.fromkeys(keys) if key in left]


def _draw(left: Left, sources: list[tuple[int, str | None]], quantity: Decimal) -> None:
    """Take ``quantity`` out of what is left at ``sources``, in order."""
    for key in sources:
        taken = min(left[key], quantity)
        left[key] -= taken
        quantity -= taken


def _refuse_units_without_lot(product: Product, left: Left, document: str) -> None:
    """A tracked product's units that moved without a lot cannot come back without one."""
    untracked = left.get((product.id, None), ZERO)
    if untracked > 0:
        kind = kind_word(product)
        raise MissingLot(
            f"{document} moved {describe_quantity(untracked)} of {product.code} without a "
            f"lot, before it was tracked by {product.tracking}: give the {kind} of each "
            "unit returned.",
            details={
                "document": document,
                "product": product.code,
                "tracking": product.tracking,
                "quantity": untracked,
            },
        )


def _lots_left(line: Line, left: Left) -> Details:
    """Lots of the line's product left to return, by name, up to the line's quantity."""
    chosen: Details = []
    wanted = line.quantity
    for (product_id, name), quantity in sorted(left.items(), key=lambda item: item[0][1] or ""):
        if product_id == line.product.id and wanted > 0 and name is not None:
            taken = min(quantity, wanted)
            chosen.append((name, taken))
            wanted -= taken
    return chosen
