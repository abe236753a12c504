"""Document and serial sequences: WH/IN/00001, WH/MO/00001, 0000001 ..."""

from __future__ import annotations

from sqlalchemy import Connection, update
from sqlalchemy.dialects import postgresql, sqlite

from lotline.store.schema import sequences


def take(conn: Connection, code: str, count: int = 1) -> int:
    """Reserve ``count`` numbers of sequence ``code``; returns the first one.

    The row update serializes concurrent writers, so no number is given twice.
    """
    ins = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    conn.execute(
        ins(sequences)
        .values(code=code, next_number=1)
        .on_conflict_do_nothing(index_elements=[sequences.c.code])
    )
    after = conn.execute(
        update(sequences)
        .where(sequences.c.code == code)
        .values(next_number=sequences.c.next_number + count)
        .returning(sequences.c.next_number)
    ).scalar_one()
    return int(after) - count


def next_document_name(conn: Connection, prefix: str, padding: int = 5) -> str:
    """The next name of a document type, e.g. next_document_name(conn, "WH/IN/")."""
    return f"{prefix}{take(conn, prefix):0{padding}d}"
