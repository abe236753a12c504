"""A small realistic data set for `lotline demo` (the `make run` job)."""

from __future__ import annotations

from decimal import Decimal

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

    app.products.create("GLUE", "Wood glue 1 l", "none")
    app.adjustments.set_quantity("GLUE", "WH/Stock/Shelf 1", 30)
    app.adjustments.set_quantity("GLUE", "WH/Stock/Shelf 2", 12)
    warnings = app.products.set_tracking("GLUE", "lot")
    app.adjustments.assign_lots("GLUE", "WH/Stock/Shelf 1", {"GL-2026-01": 20, "GL-2026-02": 10})
    app.adjustments.assign_lots("GLUE", "WH/Stock/Shelf 2", {"GL-2026-02": 12})
    console.print(
        f"GLUE was stocked without lots and switched to lot tracking ({len(warnings) - 1} "
        "locations held stock without a lot); assign_lots gave its 42 units lots "
        f"GL-2026-01 and GL-2026-02, {app.stock.on_hand('GLUE')} on hand as before."
    )
    demo_transfers(app, console)
    demo_manufacturing(app, console)


def demo_transfers(app: Lotline, console: Console) -> None:
    """A receipt with lots, one with serial numbers, a FIFO delivery with a backorder, a return."""
    oak = app.transfers.validate(
        app.transfers.receipt(
            [{"product": "WOOD", "quantity": 80, "lots": {"OAK-2026-003": 40, "OAK-2026-004": 40}}],
            partner="Nordic Timber",
            origin="PO00017",
        )
    )
    chairs = app.transfers.validate(
        app.transfers.receipt(
            [{"product": "CHAIR", "quantity": 5, "assign_serials": True}],
            partner="Chairs & Co",
            destination="WH/Stock/Shelf 2",
            origin="PO00018",
        )
    )
    delivery = app.transfers.reserve(
        app.transfers.delivery(
            [{"product": "CHAIR", "quantity": 3}, {"product": "WOOD", "quantity": 10}],
            partner="Acme Offices",
            origin="SO00042",
        )
    )
    picked = ", ".join(delivery.lines[0].lots)
    delivery = app.transfers.set_lots(delivery, "CHAIR", list(delivery.lines[0].lots)[:2])
    delivered = app.transfers.validate(delivery)
    [backorder] = app.transfers.backorders(delivered)
    returned = app.transfers.validate(
        app.transfers.return_of(delivered, [{"product": "CHAIR", "quantity": 1}])
    )
    console.print(
        f"Received {oak.name} (oak lots {', '.join(oak.lines[0].lots)}) and {chairs.name} "
        f"(chairs {', '.join(chairs.lines[0].lots)}); {delivered.name} reserved chairs "
        f"{picked} first in first out, shipped 2 of them with 10 m of oak, left "
        f"{backorder.name} for the third chair; {returned.name} brought "
        f"{', '.join(returned.lines[0].lots)} back."
    )


def demo_manufacturing(app: Lotline, console: Console) -> None:
    """Stools (serial) and benches (lot) made from oak and varnish (both lot-tracked)."""
    app.products.create("VARNISH", "Oak varnish 0.5 l", "lot")
    app.adjustments.set_quantity("VARNISH", "WH/Stock/Shelf 2", 10, lot="VN-2026-07")
    app.adjustments.set_quantity("VARNISH", "WH/Stock/Shelf 2", 10, lot="VN-2026-08")
    app.products.create("STOOL", "Oak stool", "serial", lot_prefix="ST")
    app.products.create("BENCH", "Oak bench", "lot", lot_prefix="BN-")
    app.manufacturing.bom("STOOL", {"WOOD": Decimal("1.5"), "VARNISH": 1})
    app.manufacturing.bom("BENCH", {"WOOD": 4, "VARNISH": 2})
    stools = app.manufacturing.batch_produce(app.manufacturing.order("STOOL", 3))
    prepared = app.manufacturing.batch_produce(app.manufacturing.order("STOOL", 2), complete=False)
    bench = app.manufacturing.confirm(app.manufacturing.order("BENCH", 5))
    bench_lot = app.manufacturing.generate_lot(bench)
    app.manufacturing.produce(bench, 3)
    console.print(
        f"Manufactured: {len(stools)} stools ({stools[0].name} .. {stools[-1].name}, serials "
        f"{stools[0].lot} .. {stools[-1].lot}); {len(prepared)} more prepared "
        f"({', '.join(m.name for m in prepared)}); 3 benches in lot {bench_lot.name}, "
        "2 left on a backorder."
    )
