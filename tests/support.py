"""Helpers for tests that post to the ledger directly, below the document services."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from decimal import Decimal

from sqlalchemy import Connection, text

import lotline
from lotline.app import Lotline
from lotline.errors import LotlineError
from lotline.services import ledger
from lotline.services.base import utcnow
from lotline.services.catalog import get_product
from lotline.services.documents import create_operation
from lotline.services.locations import get_location
from lotline.services.lots import ensure_lots
from lotline.services.sequences import next_document_name


def post_lots(
    conn: Connection,
    product: str,
    lots: Sequence[tuple[str | None, Decimal | int]],
    source: str = "Partners/Vendors",
    destination: str = "WH/Stock",
    *,
    allow_negative: bool = False,
) -> int:
    """Post one done operation moving (lot, quantity) pairs; returns the operation id."""
    found = get_product(conn, product)
    src, dst = get_location(conn, source), get_location(conn, destination)
    names = [name for name, _ in lots if name is not None]
    ids = ensure_lots(conn, found, names) if names else {}
    now = utcnow()
    operation_id = create_operation(
        conn,
        name=next_document_name(conn, "TEST/"),
        kind="internal",
        state="done",
        source_id=src.id,
        destination_id=dst.id,
        user="tester",
        at=now,
        done_at=now,
    )
    ledger.post(
        conn,
        operation_id,
        [
            ledger.Posting(found.id, ids.get(name) if name else None, Decimal(qty), src.id, dst.id)
            for name, qty in lots
        ],
        user="tester",
        at=now,
        allow_negative=allow_negative,
    )
    return operation_id


def receive(
    app: Lotline,
    product: str,
    lots: Sequence[tuple[str | None, Decimal | int]],
    destination: str = "WH/Stock",
) -> None:
    app.db.run(lambda conn: post_lots(conn, product, lots, destination=destination))


def move(
    app: Lotline,
    product: str,
    lots: Sequence[tuple[str | None, Decimal | int]],
    source: str,
    destination: str,
    *,
    allow_negative: bool = False,
) -> None:
    app.db.run(
        lambda conn: post_lots(
            conn, product, lots, source, destination, allow_negative=allow_negative
        )
    )


def tamper_quant(app: Lotline, product: str, quantity_units: int) -> None:
    """Edit a quant behind the ledger's back (raw SQL, as a bad script would)."""
    with app.db.transaction() as conn:
        conn.execute(
            text(
                "UPDATE quants SET quantity = quantity + :units WHERE internal AND product_id = "
                "(SELECT id FROM products WHERE code = :code)"
            ),
            {"units": quantity_units, "code": product},
        )


def race(url: str, work: Callable[[Lotline, int], None]) -> list[BaseException | None]:
    """Run ``work(app, index)`` on two connections released at the same instant.

    Returns each side's refusal (a LotlineError) or None when it succeeded.
    """
    apps = [lotline.open(url, user=f"user{i}") for i in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list[BaseException | None] = [None, None]

    def attempt(index: int) -> None:
        barrier.wait()
        try:
            work(apps[index], index)
        except LotlineError as exc:
            outcomes[index] = exc

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for opened in apps:
        opened.close()
    return outcomes
