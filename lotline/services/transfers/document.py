"""A transfer as the workflows read it: its row, places, demanded and detailed lines.

Every state change starts with ``lock_transfer``: the row is locked until the
transaction ends and the transition table says whether the action may start, so
a second validate (or cancel) of the same document waits, then sees it done.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection, RowMapping, select

from lotline.errors import UnknownOperation
from lotline.models import Location, Product
from lotline.rules.allocation import Pick
from lotline.rules.states import TRANSFER_KINDS
from lotline.services import documents
from lotline.services.catalog import products_by_id
from lotline.services.documents import OperationRef, operation_row
from lotline.services.locations import STOCK_KEEPING, locations_by_id
from lotline.store.schema import move_details, moves


@dataclass(frozen=True, slots=True)
class Detail:
    """A detailed line: a lot (or untracked quantity) of a demanded line, maybe reserved."""

    id: int
    move_id: int
    product_id: int
    lot_id: int | None
    lot_name: str | None
    quantity: Decimal
    source_id: int
    destination_id: int
    reserved: bool


@dataclass(frozen=True, slots=True)
class Move:
    """A demanded line: a quantity of one product."""

    id: int
    product_id: int
    quantity: Decimal
    sequence: int


@dataclass(frozen=True, slots=True)
class Document:
    """A document's row with its places, demanded lines, detailed lines and products."""

    row: RowMapping
    source: Location
    destination: Location
    moves: list[Move]
    details: list[Detail]
    products: dict[int, Product]

    @property
    def outgoing(self) -> bool:
        """Whether stock leaves the warehouse's own locations (it is reserved, then taken)."""
        return self.source.usage in STOCK_KEEPING


def transfer_row(conn: Connection, ref: OperationRef) -> RowMapping:
    """The row of a receipt, delivery or internal transfer; any other document is refused."""
    row = operation_row(conn, ref)
    if row["kind"] not in TRANSFER_KINDS:
        raise UnknownOperation(
            f"{row['name']} is a {row['kind']} document, not a receipt, delivery or "
            "internal transfer.",
            details={"document": row["name"], "kind": row["kind"]},
        )
    return row


def lock_transfer(conn: Connection, ref: OperationRef, action: str) -> RowMapping:
    """The transfer's current row, locked, once the transition table allows ``action``."""
    return documents.lock(conn, transfer_row(conn, ref), action)


def load(conn: Connection, row: RowMapping) -> Document:
    """The document of ``row`` with its lines and products (four queries)."""
    place = locations_by_id(conn, {row["source_id"], row["destination_id"]})
    move_list = read_moves(conn, row["id"])
    return Document(
        row,
        place[row["source_id"]],
        place[row["destination_id"]],
        move_list,
        read_details(conn, row["id"]),
        products_by_id(conn, {m.product_id for m in move_list}),
    )


def read_moves(conn: Connection, operation_id: int) -> list[Move]:
    """The demanded lines of a document, in line order."""
    return [
        Move(r.id, r.product_id, r.quantity, r.sequence)
        for r in conn.execute(
            select(moves.c.id, moves.c.product_id, moves.c.quantity, moves.c.sequence)
            .where(moves.c.operation_id == operation_id)
            .order_by(moves.c.sequence, moves.c.id)
        )
    ]


def read_details(conn: Connection, operation_id: int) -> list[Detail]:
    """The detailed lines of a document, in the order they were written."""
    query = (
        select(
            move_details.c.id,
            move_details.c.move_id,
            move_details.c.product_id,
            move_details.c.lot_id,
            move_details.c.lot_name,
            move_details.c.quantity,
            move_details.c.source_id,
            move_details.c.destination_id,
            move_details.c.reserved,
        )
        .where(move_details.c.operation_id == operation_id)
        .order_by(move_details.c.id)
    )
    return [Detail(*r) for r in conn.execute(query)]


def by_move(details: Iterable[Detail]) -> defaultdict[int, list[Detail]]:
    """Detailed lines grouped by their demanded line."""
    grouped: defaultdict[int, list[Detail]] = defaultdict(list)
    for detail in details:
        grouped[detail.move_id].append(detail)
    return grouped


def reserved_picks(details: Iterable[Detail]) -> list[Pick]:
    """What the reserved detailed lines hold on the quants."""
    return [Pick(d.source_id, d.lot_id, d.lot_name, d.quantity) for d in details if d.reserved]


def detail_row(
    operation_id: int,
    move_id: int,
    product_id: int,
    pick: Pick,
    destination_id: int,
    *,
    reserved: bool,
) -> dict[str, object]:
    """A move_details row for ``pick`` (its location is the detail's source)."""
    return {
        "operation_id": operation_id,
        "move_id": move_id,
        "product_id": product_id,
        "lot_id": pick.lot_id,
        "lot_name": pick.lot_name,
        "quantity": pick.quantity,
        "source_id": pick.location_id,
        "destination_id": destination_id,
        "reserved": reserved,
    }
