"""The invariants of stock, checked in plain SQL (no lotline code), on either database.

Quantities are stored as integer millionths, so a serial's one unit is 1000000.
Each check returns the offending rows; ``violations`` names every broken invariant.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url

ONE_UNIT = 1_000_000
OPEN_STATES = "('draft', 'confirmed', 'ready')"

_EXPECTED_QUANTS = """
    WITH sides AS (
        SELECT product_id, destination_id AS location_id, lot_id, quantity AS amount
        FROM move_lines
        UNION ALL
        SELECT product_id, source_id, lot_id, -quantity FROM move_lines
    )
    SELECT s.product_id, s.location_id,
           CASE WHEN l.usage IN ('internal', 'transit') THEN COALESCE(s.lot_id, 0) ELSE 0 END
               AS lot_key,
           SUM(s.amount) AS quantity
    FROM sides s JOIN locations l ON l.id = s.location_id
    GROUP BY s.product_id, s.location_id,
             CASE WHEN l.usage IN ('internal', 'transit') THEN COALESCE(s.lot_id, 0) ELSE 0 END
"""

_RECORDED_QUANTS = "SELECT product_id, location_id, lot_key, quantity FROM quants"

_HELD = f"""
    SELECT d.product_id, d.source_id AS location_id, COALESCE(d.lot_id, 0) AS lot_key,
           SUM(d.quantity) AS quantity
    FROM move_details d JOIN operations o ON o.id = d.operation_id
    WHERE d.reserved AND o.state IN {OPEN_STATES}
    GROUP BY d.product_id, d.source_id, COALESCE(d.lot_id, 0)
"""

_RECORDED_RESERVED = (
    "SELECT product_id, location_id, lot_key, reserved_quantity AS quantity FROM quants"
)


def _differ(conn: Connection, left: str, right: str) -> list[Any]:
    """Rows (product_id, location_id, lot_key, quantity) of ``left`` not in ``right``
    and the other way round, zero quantities left out."""
    a = f"SELECT * FROM ({left}) a WHERE a.quantity <> 0"
    b = f"SELECT * FROM ({right}) b WHERE b.quantity <> 0"
    only_left = conn.execute(text(f"{a} EXCEPT {b}")).all()
    only_right = conn.execute(text(f"{b} EXCEPT {a}")).all()
    return [("expected", *r) for r in only_left] + [("recorded", *r) for r in only_right]


def quants_differ_from_ledger(conn: Connection) -> list[Any]:
    """Quants that are not the sum of the done move lines into and out of them."""
    return _differ(conn, _EXPECTED_QUANTS, _RECORDED_QUANTS)


def unbalanced_products(conn: Connection) -> list[Any]:
    """Products whose quants, over all locations (virtual ones included), do not sum to 0."""
    return conn.execute(
        text(
            "SELECT product_id, SUM(quantity) FROM quants GROUP BY product_id "
            "HAVING SUM(quantity) <> 0"
        )
    ).all()


def serials_on_hand_twice(conn: Connection) -> list[Any]:
    """Serial numbers on hand in more than one internal quant, or with another quantity than 1."""
    return conn.execute(
        text(
            "SELECT q.lot_id, COUNT(*), SUM(q.quantity) FROM quants q "
            "JOIN products p ON p.id = q.product_id "
            "WHERE p.tracking = 'serial' AND q.internal AND q.lot_id IS NOT NULL "
            "AND q.quantity <> 0 "
            f"GROUP BY q.lot_id HAVING COUNT(*) > 1 OR SUM(q.quantity) <> {ONE_UNIT}"
        )
    ).all()


def negative_internal_quants(conn: Connection) -> list[Any]:
    """Internal quants below zero (lotline never lets stock go below zero)."""
    return conn.execute(
        text(
            "SELECT product_id, location_id, lot_id, quantity FROM quants "
            "WHERE internal AND quantity < 0"
        )
    ).all()


def reservations_differ_from_documents(conn: Connection) -> list[Any]:
    """Quants whose reserved quantity is not what open documents' reserved details hold."""
    return _differ(conn, _HELD, _RECORDED_RESERVED)


def move_lines_of_open_documents(conn: Connection) -> list[Any]:
    """Ledger lines of a document that is not done (half a document)."""
    return conn.execute(
        text(
            "SELECT o.name, o.state, COUNT(*) FROM move_lines ml "
            "JOIN operations o ON o.id = ml.operation_id WHERE o.state <> 'done' "
            "GROUP BY o.name, o.state"
        )
    ).all()


def done_documents_without_lines(conn: Connection) -> list[Any]:
    """Done documents that posted nothing (the other half of all or nothing)."""
    return conn.execute(
        text(
            "SELECT o.name, o.kind FROM operations o WHERE o.state = 'done' "
            "AND NOT EXISTS (SELECT 1 FROM move_lines ml WHERE ml.operation_id = o.id)"
        )
    ).all()


CHECKS = {
    "quants = ledger rebuilt": quants_differ_from_ledger,
    "every product sums to zero": unbalanced_products,
    "a serial on hand at most once, one unit": serials_on_hand_twice,
    "no negative internal quant": negative_internal_quants,
    "reserved = what open documents hold": reservations_differ_from_documents,
    "every move line belongs to a done document": move_lines_of_open_documents,
}


def violations(conn: Connection, checks: Sequence[str] | None = None) -> list[str]:
    """Every broken invariant with (at most 5 of) its offending rows."""
    found = []
    for name, check in CHECKS.items():
        if checks is not None and name not in checks:
            continue
        rows = check(conn)
        if rows:
            found.append(f"{name}: {len(rows)} rows, e.g. {rows[:5]}")
    return found


def violations_at(url: str) -> list[str]:
    """``violations`` on the database at ``url``, through a connection of its own."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    engine = create_engine(parsed)
    try:
        with engine.connect() as conn:
            return violations(conn)
    finally:
        engine.dispose()


def snapshot(conn: Connection, tables: dict[str, Sequence[str]]) -> dict[str, tuple[int, int]]:
    """Per table (name: columns): its row count and a checksum of all its rows, in one
    plain SQL query."""
    array = "json_build_array" if conn.dialect.name == "postgresql" else "json_array"
    query = " UNION ALL ".join(
        f"SELECT '{table}', CAST({array}({', '.join(columns)}) AS TEXT) FROM {table}"
        for table, columns in tables.items()
    )
    rows: dict[str, list[str]] = {table: [] for table in tables}
    for table, row in conn.execute(text(query)):
        rows[table].append(row)
    return {table: (len(found), hash(tuple(sorted(found)))) for table, found in rows.items()}
