"""How hard the drills drive: short in the default run, long with LOTLINE_DRILL=long."""

from __future__ import annotations

import os

LONG = os.environ.get("LOTLINE_DRILL") == "long"


def scaled(short: int, long: int) -> int:
    """``short`` in the default run, ``long`` under ``make drill``."""
    return long if LONG else short
