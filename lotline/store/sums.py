"""Exact sums of stored quantities on both engines.

A quantity is a 64-bit whole number of millionths; the sum of many can leave
that range. PostgreSQL then sums into NUMERIC, but SQLite raises "integer
overflow" (or, adding in an UPDATE, silently turns the result into a float).
So each amount is cut into a high and a low part around ``SPLIT``, summed
separately (neither sum can overflow below a billion rows per group), and the
two sums are put back together in Python.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, ColumnElement, func, type_coerce

SPLIT = 10**9


def split_sum(amount: ColumnElement[Any]) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """The two aggregate columns whose ``joined`` value is the exact sum of ``amount``."""
    units = type_coerce(amount, BigInteger)
    low = units % SPLIT
    return func.sum((units - low) // SPLIT), func.sum(low)


def joined(high: Any, low: Any) -> int:
    """The exact sum from the two parts ``split_sum`` selected (None: no rows)."""
    return int(high or 0) * SPLIT + int(low or 0)
