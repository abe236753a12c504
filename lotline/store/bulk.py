"""Bulk writes without per-row parameter processing.

SQLAlchemy processes every parameter of every row of an executemany (type
conversion, key mapping), which costs more than SQLite's own insert for
thousands of rows. Here the statement is compiled once for the connection's
dialect and the driver receives plain tuples; callers convert values to their
stored form with ``stored`` (once per distinct value where they can).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import Column, Connection, Row, Table, func, select


def stored(conn: Connection, column: Column[Any], value: Any) -> Any:
    """``value`` as the driver receives it for ``column`` (Quantity -> int, datetime -> ...)."""
    processor = column.type._cached_bind_processor(conn.dialect)
    return processor(value) if processor is not None else value


ANALYZE_AFTER = 1000

IN_LIST_CHUNK = 10000
"""Most values one ``IN (...)`` list carries: under SQLite's 32766 parameters with room
for the statement's own, and a plan PostgreSQL still builds quickly."""

T = TypeVar("T")


def chunked(items: Sequence[T], size: int = IN_LIST_CHUNK) -> Iterator[Sequence[T]]:
    """``items`` in consecutive slices of at most ``size``, for IN lists."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def marker(conn: Connection) -> str:
    """The driver's parameter placeholder: "?" for SQLite, "%s" for psycopg."""
    style = conn.dialect.paramstyle
    if style == "qmark":
        return "?"
    if style in ("format", "pyformat"):
        return "%s"
    raise NotImplementedError(f"paramstyle {style} is not supported")


def insert_rows(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    *,
    on_conflict_do_nothing: Sequence[str] | None = None,
) -> None:
    """INSERT ``rows`` (tuples of stored values, in ``columns`` order) in one executemany."""
    if not rows:
        return
    sql = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) "
        f"VALUES ({', '.join([marker(conn)] * len(columns))})"
    )
    if on_conflict_do_nothing is not None:
        sql += f" ON CONFLICT ({', '.join(on_conflict_do_nothing)}) DO NOTHING"
    conn.exec_driver_sql(sql, list(rows))
    if len(rows) >= ANALYZE_AFTER and conn.dialect.name == "postgresql":
        # Fresh statistics, and the foreign-key checks of the tables that refer to this
        # one get planned again: planned while it was small, they would scan it whole
        # for every row of the next bulk insert.
        conn.exec_driver_sql(f"ANALYZE {table.name}")


def insert_dicts(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """INSERT dict rows (all with the keys of the first) in one executemany.

    Values are converted by each column's type once per value, without
    SQLAlchemy's per-row parameter handling.
    """
    if not rows:
        return
    columns = list(rows[0])
    converted: list[list[Any]] = []
    for name in columns:
        values = [row[name] for row in rows]
        processor = table.c[name].type._cached_bind_processor(conn.dialect)
        if processor is not None:
            values = [None if value is None else processor(value) for value in values]
        converted.append(values)
    tuples = list(zip(*converted, strict=True))
    insert_rows(conn, table, columns, tuples)


def newest_id(conn: Connection, table: Table) -> int:
    """The highest id of ``table`` now: rows inserted next have higher ids."""
    return int(conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one())


def rows_after(
    conn: Connection, table: Table, newest: int, *columns: Column[Any]
) -> list[Row[Any]]:
    """``id`` and ``columns`` of the rows inserted after ``newest_id`` was read.

    Other transactions may have inserted some of them too: filter on your own keys.
    """
    return list(conn.execute(select(table.c.id, *columns).where(table.c.id > newest)))
