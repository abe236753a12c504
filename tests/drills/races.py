"""The calls the crew makes at the same instant (module level, so that they pickle)."""

from __future__ import annotations

import lotline


def open_database(url: str, index: int) -> str:
    lotline.open(url, user=f"user{index}").close()
    return "opened"
