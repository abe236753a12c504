"""Genealogies for trace tests, written the way production records them.

Every document goes through the ledger (``ledger.post``) with the kind, name and
partner the transfer and manufacturing services give it; a manufacturing order
consumes its components (WH/Stock -> Virtual Locations/Production), produces its
lot (Production -> WH/Stock) and writes one ``lot_links`` row per consumed lot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection, insert, select

from lotline.app import Lotline
from lotline.services import ledger
from lotline.services.base import utcnow
from lotline.services.catalog import get_product
from lotline.services.documents import DOCUMENT_PREFIXES, create_operation
from lotline.services.locations import get_location
from lotline.services.lots import ensure_lots
from lotline.services.sequences import next_document_name
from lotline.store.schema import lot_links, operations

STOCK = "WH/Stock"
VENDORS = "Partners/Vendors"
CUSTOMERS = "Partners/Customers"
PRODUCTION = "Virtual Locations/Production"

Line = tuple[str, str | None, Decimal | int]  # product code, lot name, quantity


def _postings(
    conn: Connection, lines: Sequence[Line], source: str, destination: str
) -> list[ledger.Posting]:
    src, dst = get_location(conn, source), get_location(conn, destination)
    postings = []
    for code, lot, quantity in lines:
        product = get_product(conn, code)
        lot_id = ensure_lots(conn, product, [lot])[lot] if lot is not None else None
        postings.append(ledger.Posting(product.id, lot_id, Decimal(quantity), src.id, dst.id))
    return postings


def _document(
    conn: Connection,
    kind: str,
    source: str,
    destination: str,
    *,
    partner: str | None = None,
    **values: object,
) -> tuple[int, str]:
    name = next_document_name(conn, DOCUMENT_PREFIXES[kind])
    now = utcnow()
    operation_id = create_operation(
        conn,
        name=name,
        kind=kind,
        state="done",
        source_id=get_location(conn, source).id,
        destination_id=get_location(conn, destination).id,
        user="tester",
        at=now,
        done_at=now,
        partner=partner,
        **values,
    )
    return operation_id, name


def transfer(
    app: Lotline,
    kind: str,
    lines: Sequence[Line],
    source: str,
    destination: str,
    partner: str | None = None,
    return_of: str | None = None,
) -> str:
    """Post one done document moving ``lines``; returns its name (WH/IN/00001, ...)."""

    def work(conn: Connection) -> str:
        values = {}
        if return_of is not None:
            values["return_of_id"] = conn.execute(
                select(operations.c.id).where(operations.c.name == return_of)
            ).scalar_one()
        operation_id, name = _document(conn, kind, source, destination, partner=partner, **values)
        ledger.post(
            conn,
            operation_id,
            _postings(conn, lines, source, destination),
            user="tester",
            at=utcnow(),
        )
        return name

    return app.db.run(work)


def receive(app: Lotline, lines: Sequence[Line], vendor: str, destination: str = STOCK) -> str:
    return transfer(app, "receipt", lines, VENDORS, destination, vendor)


def deliver(app: Lotline, lines: Sequence[Line], customer: str, source: str = STOCK) -> str:
    return transfer(app, "delivery", lines, source, CUSTOMERS, customer)


def return_delivery(app: Lotline, delivery: str, lines: Sequence[Line], customer: str) -> str:
    """A return of (part of) a delivery: back from the customer to WH/Stock."""
    return transfer(app, "receipt", lines, CUSTOMERS, STOCK, customer, return_of=delivery)


def manufacture(
    app: Lotline, product: str, lot: str, consumed: Sequence[Line], quantity: int = 1
) -> str:
    """One done manufacturing order making ``quantity`` of ``lot`` from ``consumed``."""

    def work(conn: Connection) -> str:
        found = get_product(conn, product)
        lot_id = ensure_lots(conn, found, [lot])[lot]
        operation_id, name = _document(
            conn,
            "manufacturing",
            STOCK,
            STOCK,
            product_id=found.id,
            product_quantity=Decimal(quantity),
            lot_id=lot_id,
        )
        postings = _postings(conn, consumed, STOCK, PRODUCTION)
        postings += _postings(conn, [(product, lot, quantity)], PRODUCTION, STOCK)
        ledger.post(conn, operation_id, postings, user="tester", at=utcnow())
        conn.execute(
            insert(lot_links),
            [
                {
                    "operation_id": operation_id,
                    "consumed_lot_id": p.lot_id,
                    "produced_lot_id": lot_id,
                    "quantity": p.quantity,
                }
                for p in postings[: len(consumed)]
                if p.lot_id is not None
            ],
        )
        return name

    return app.db.run(work)


@dataclass(frozen=True)
class Chairs:
    """The documents of ``build_chairs``."""

    oak_receipt: str
    screw_receipt: str
    leg_1: str
    frame_1: str
    chair_1: str
    chair_1_delivery: str
    chair_3_delivery: str
    oak_delivery: str


def make_products(app: Lotline) -> None:
    app.settings.update(lots_and_serials=True)
    for code, tracking in (
        ("WOOD", "lot"),
        ("SCREW", "lot"),
        ("LEG", "lot"),
        ("FRAME", "serial"),
        ("CHAIR", "serial"),
    ):
        app.products.create(code, code.title(), tracking)


def build_chairs(app: Lotline) -> Chairs:
    """A 3-level bill of materials: WOOD -> LEG -> FRAME -> CHAIR (+ SCREW at two levels).

    OAK-1 -> L-1 -> FR-1, FR-2 -> CH-1 (delivered to Azure Interior), CH-2 (WH/Stock).
    OAK-2 -> L-2 -> FR-3 -> CH-3 (delivered to Deco Addict). SCR-1 goes into every
    frame and every chair. 5 of OAK-1 are sold as they are to Lumber Resale.
    """
    make_products(app)
    oak = receive(app, [("WOOD", "OAK-1", 100), ("WOOD", "OAK-2", 100)], "Timber Co")
    screws = receive(app, [("SCREW", "SCR-1", 1000)], "Bolt Ltd")
    leg_1 = manufacture(app, "LEG", "L-1", [("WOOD", "OAK-1", 10)], quantity=8)
    manufacture(app, "LEG", "L-2", [("WOOD", "OAK-2", 10)], quantity=8)
    frame_1 = manufacture(app, "FRAME", "FR-1", [("LEG", "L-1", 4), ("SCREW", "SCR-1", 16)])
    manufacture(app, "FRAME", "FR-2", [("LEG", "L-1", 4), ("SCREW", "SCR-1", 16)])
    manufacture(app, "FRAME", "FR-3", [("LEG", "L-2", 4), ("SCREW", "SCR-1", 16)])
    chair_1 = manufacture(app, "CHAIR", "CH-1", [("FRAME", "FR-1", 1), ("SCREW", "SCR-1", 4)])
    manufacture(app, "CHAIR", "CH-2", [("FRAME", "FR-2", 1), ("SCREW", "SCR-1", 4)])
    manufacture(app, "CHAIR", "CH-3", [("FRAME", "FR-3", 1), ("SCREW", "SCR-1", 4)])
    chair_1_delivery = deliver(app, [("CHAIR", "CH-1", 1)], "Azure Interior")
    chair_3_delivery = deliver(app, [("CHAIR", "CH-3", 1)], "Deco Addict")
    oak_delivery = deliver(app, [("WOOD", "OAK-1", 5)], "Lumber Resale")
    return Chairs(
        oak_receipt=oak,
        screw_receipt=screws,
        leg_1=leg_1,
        frame_1=frame_1,
        chair_1=chair_1,
        chair_1_delivery=chair_1_delivery,
        chair_3_delivery=chair_3_delivery,
        oak_delivery=oak_delivery,
    )


def build_one_level(app: Lotline) -> None:
    """MAT lot M-1 (received) made into PROD lot P-1, which is delivered."""
    app.settings.update(lots_and_serials=True)
    app.products.create("MAT", "Material", "lot")
    app.products.create("PROD", "Product", "lot")
    receive(app, [("MAT", "M-1", 10)], "Timber Co")
    manufacture(app, "PROD", "P-1", [("MAT", "M-1", 10)], quantity=5)
    deliver(app, [("PROD", "P-1", 5)], "Azure Interior")
