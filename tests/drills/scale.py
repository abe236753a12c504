"""How hard the drills drive: short in the default run, long with LOTLINE_DRILL=long."""

from __future__ import annotations

import os
from typing import TypeVar

LONG = os.environ.get("LOTLINE_DRILL") == "long"

T = TypeVar("T", int, float)


def scaled(short: T, long: T) -> T:
    """``short`` in the default run, ``long`` under ``make drill``."""
    return long if LONG else short
