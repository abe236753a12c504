"""A small realistic data set for `lotline demo` (the `make run` job)."""

from __future__ import annotations

from rich.console import Console

from lotline.app import Lotline
from lotline.errors import InvalidState


def load_demo(app: Lotline, console: Console) -> None:
    """Chairs tracked by serial number and wood tracked by lot, in two locations."""
    if app.products.list():
        raise InvalidState(
            "The demo needs an empty database; run it with --db sqlite:///demo.db "
            "(make run does this for you)."
        )
    app.locations.create("WH/Stock/Shelf 1")
    app.locations.create("WH/Stock/Shelf 2")
    app.products.create("CHAIR", "Office chair", "serial", lot_prefix="CH")
    app.products.create("WOOD", "Oak plank", "lot", unit="m")
    app.products.create("SCREW", "Wood screw 4x40", "none")
    console.print("Products: CHAIR (serial), WOOD (lot), SCREW (untracked)")

    for serial in ("CH0000001", "CH0000002", "CH0000003"):
        app.adjustments.set_quantity("CHAIR", "WH/Stock/Shelf 1", 1, lot=serial)
    app.adjustments.set_quantity("CHAIR", "WH/Stock/Shelf 2", 1, lot="CH0000004")
    app.adjustments.set_quantity("WOOD", "WH/Stock/Shelf 1", "120.5", lot="OAK-2026-001")
    app.adjustments.set_quantity("WOOD", "WH/Stock/Shelf 2", 80, lot="OAK-2026-002")
    app.adjustments.set_quantity("SCREW", "WH/Stock", 5000)
    console.print("Counted: 4 chairs on two shelves, two lots of oak, screws in bulk.")
