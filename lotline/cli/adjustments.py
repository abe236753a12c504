"""Commands for inventory adjustments, counts, history and tracking changes."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from lotline.cli.catalog import QUANT_COLUMNS, products_app
from lotline.cli.common import DbOption, app, fail, run, say
from lotline.cli.lot_options import lots_with_quantities
from lotline.cli.output import (
    Column,
    ExcelOption,
    Format,
    FormatOption,
    LimitOption,
    listing,
    quantity_text,
    write,
)

if TYPE_CHECKING:
    from lotline.app import Lotline
    from lotline.models import Count, MoveLine, Operation
    from lotline.rules.quantities import QuantityInput

LotOption = Annotated[str | None, typer.Option("--lot", help="Lot or serial number")]
ReasonOption = Annotated[
    str | None, typer.Option(help="Reference of the adjustment (default: Odoo's wording)")
]


def _done(operation: Operation) -> str:
    return f"{operation.name} ({operation.reference})"


@app.command()
def adjust(
    product: str,
    location: str,
    quantity: str,
    lot: LotOption = None,
    reason: ReasonOption = None,
    db: DbOption = None,
) -> None:
    """Set the on-hand quantity of a product (and lot) at a location to what was counted."""
    operation = run(
        lambda a: a.adjustments.set_quantity(product, location, quantity, lot, reason=reason), db
    )
    what = f"{product} {lot}" if lot else product
    if operation is None:
        say(f"Nothing to adjust: {quantity} of {what} already on hand at {location}.")
        return
    say(f"{_done(operation)}: {what} at {location} set to {quantity}.")


@app.command("count")
def count_command(
    product: str,
    location: str,
    quantity: str,
    lot: LotOption = None,
    db: DbOption = None,
) -> None:
    """Record a counted quantity without moving stock (physical inventory)."""
    counted = run(lambda a: a.adjustments.count(product, location, quantity, lot), db)
    what = f"{counted.product} {counted.lot}" if counted.lot else counted.product
    say(
        f"Counted {quantity_text(counted.counted)} of {what} at {counted.location} "
        f"(on hand {quantity_text(counted.on_hand)}, "
        f"difference {quantity_text(counted.difference)})."
    )


COUNT_COLUMNS: tuple[Column[Count], ...] = (
    Column("Product", "product", lambda c: c.product),
    Column("Location", "location", lambda c: c.location),
    Column("Lot/Serial Number", "lot", lambda c: c.lot),
    Column("Counted", "counted", lambda c: c.counted, right=True),
    Column("On Hand", "on_hand", lambda c: c.on_hand, right=True),
    Column("Difference", "difference", lambda c: c.difference, right=True),
    Column("Counted at", "counted_at", lambda c: c.counted_at),
    Column("User", "user", lambda c: c.user),
    Column("", "outdated", lambda c: "outdated" if c.outdated else ""),
)


@app.command()
def counts(
    apply: Annotated[bool, typer.Option("--apply", help="Apply every count")] = False,
    clear: Annotated[bool, typer.Option("--clear", help="Drop the counts")] = False,
    set_: Annotated[
        bool, typer.Option("--set", help="Count on-hand quantities as they are")
    ] = False,
    force: Annotated[bool, typer.Option(help="Apply outdated counts too")] = False,
    product: Annotated[str | None, typer.Option(help="Only this product (--set, --clear)")] = None,
    location: Annotated[
        str | None, typer.Option(help="Only this location and its children (--set, --clear)")
    ] = None,
    reason: ReasonOption = None,
    db: DbOption = None,
) -> None:
    """List the pending counts, or --set, --apply or --clear them."""
    if apply + clear + set_ > 1:
        fail("Choose one of --apply, --clear and --set.")
    if apply:
        if product or location:
            fail("--apply applies every pending count; --product and --location are for --set.")
        operation = run(lambda a: a.adjustments.apply(reason=reason, force=force), db)
        if operation is None:
            say("Counts applied; no on-hand quantity changed.")
        else:
            say(f"{_done(operation)}: the counted quantities are on hand now.")
        return
    if clear:
        dropped = run(lambda a: a.adjustments.clear(product, location), db)
        say(f"{dropped} count(s) cleared; stock is unchanged.")
        return
    if set_:
        made = run(lambda a: a.adjustments.set_counts(product, location), db)
        say(f"{made} on-hand quantit{'y' if made == 1 else 'ies'} copied into counts.")
    rows = run(lambda a: a.adjustments.pending(), db)
    if rows:
        write(rows, COUNT_COLUMNS, listing(Format.table, None), title="Counted quantities")
    else:
        say("No pending counts.")


@app.command()
def revert(operation: str, db: DbOption = None) -> None:
    r"""Undo a done inventory adjustment with a new one ("<reference> \[reverted]")."""
    done = run(lambda a: a.adjustments.revert(operation), db)
    say(f"{_done(done)} reverts {operation}.")


HISTORY_COLUMNS: tuple[Column[MoveLine], ...] = (
    Column("Date", "date", lambda m: m.date.strftime("%Y-%m-%d %H:%M:%S")),
    Column("Reference", "reference", lambda m: m.reference),
    Column("Document", "operation", lambda m: m.operation),
    Column("Lot/Serial Number", "lot", lambda m: m.lot),
    Column("From", "source", lambda m: m.source),
    Column("To", "destination", lambda m: m.destination),
    Column("Quantity", "quantity", lambda m: m.quantity, right=True),
    Column("User", "user", lambda m: m.user),
    Column("Partner", "partner", lambda m: m.partner, in_table=False),
)
JSON_HISTORY_COLUMNS: tuple[Column[MoveLine], ...] = (
    Column("Date", "date", lambda m: m.date),
    *HISTORY_COLUMNS[1:],
)


@app.command()
def history(
    product: str,
    lot: LotOption = None,
    location: Annotated[str | None, typer.Option(help="Location (children included)")] = None,
    format: FormatOption = Format.table,
    limit: LimitOption = None,
    excel: ExcelOption = False,
    db: DbOption = None,
) -> None:
    """Show every done move of a product, newest first."""
    rows = run(lambda a: a.adjustments.history(product, lot, location), db)
    how = listing(format, limit, excel)
    columns = HISTORY_COLUMNS if how.for_people else JSON_HISTORY_COLUMNS
    write(rows, columns, how, title=f"History of {product}")


@products_app.command("set-tracking")
def products_set_tracking(code: str, tracking: str, db: DbOption = None) -> None:
    """Track a product by lot or serial number, or not at all ("none")."""
    warnings = run(lambda a: a.products.set_tracking(code, tracking), db)
    if tracking == "none":
        say(f"Product {code} is no longer tracked.")
    else:
        say(f"Product {code} is now tracked by {tracking}.")
    if warnings:
        say(f"Warning: {warnings[0]}")
        for line in warnings[1:]:
            say(f"  - {line}")


@app.command("stock-untracked")
def stock_untracked(
    product: Annotated[str | None, typer.Option(help="Product code")] = None,
    format: FormatOption = Format.table,
    limit: LimitOption = None,
    excel: ExcelOption = False,
    db: DbOption = None,
) -> None:
    """Show the stock of lot/serial-tracked products that has no lot/serial number."""
    rows = run(lambda a: a.stock.untracked(product), db)
    how = listing(format, limit, excel)
    if rows or not how.for_people:
        write(rows, QUANT_COLUMNS, how, title="Stock without a lot/serial number")
    else:
        say("All stock of tracked products has a lot/serial number.")


@app.command("assign-lots")
def assign_lots(
    product: str,
    location: str,
    lot: Annotated[
        list[str] | None,
        typer.Option("--lot", help="NAME:QTY, repeated; NAME alone is one unit"),
    ] = None,
    first_serial: Annotated[str | None, typer.Option(help="First serial number")] = None,
    count: Annotated[int | None, typer.Option(help="How many serial numbers")] = None,
    serials_file: Annotated[
        Path | None,
        typer.Option(help="A .txt, .csv or .xlsx file: one name per line, optionally ;QTY"),
    ] = None,
    reason: ReasonOption = None,
    db: DbOption = None,
) -> None:
    """Give lot/serial numbers to the stock without one at a location (one adjustment)."""
    ways = [bool(lot), first_serial is not None or count is not None, serials_file is not None]
    if sum(ways) != 1:
        fail(
            "Give the lots one way: --lot NAME:QTY (repeated), --first-serial X --count N, "
            "or --serials-file FILE."
        )

    def action(a: Lotline) -> Operation:
        from lotline.files import read_serials_file

        lots_given: Mapping[str, QuantityInput] | None = (
            lots_with_quantities(lot, None) if lot else None
        )
        if serials_file is not None:
            lots_given = dict(read_serials_file(serials_file))
        return a.adjustments.assign_lots(
            product, location, lots_given, first=first_serial, count=count, reason=reason
        )

    operation = run(action, db)
    say(
        f"{_done(operation)}: the stock of {product} without a lot/serial number at "
        f"{location} now has lot/serial numbers."
    )
