"""Commands for inventory adjustments, counts, history and tracking changes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

import lotline
from lotline.cli.catalog import products_app
from lotline.cli.common import (
    DbOption,
    app,
    cells,
    console,
    fail,
    quant_table,
    quantity_text,
    run,
    say,
)
from lotline.files import read_serials_file
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


def _counts_table(rows: Sequence[Count]) -> Table:
    table = Table(title="Counted quantities")
    columns = ("Product", "Location", "Lot/Serial Number", "Counted", "On Hand", "Difference")
    for column in (*columns, "Counted at", "User", ""):
        table.add_column(column, justify="right" if column in columns[3:] else "left")
    for c in rows:
        table.add_row(
            *cells(
                c.product,
                c.location,
                c.lot or "",
                quantity_text(c.counted),
                quantity_text(c.on_hand),
                quantity_text(c.difference),
                c.counted_at.strftime("%Y-%m-%d %H:%M"),
                c.user,
                "outdated" if c.outdated else "",
            )
        )
    return table


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
            console.print("Counts applied; no on-hand quantity changed.")
        else:
            say(f"{_done(operation)}: the counted quantities are on hand now.")
        return
    if clear:
        dropped = run(lambda a: a.adjustments.clear(product, location), db)
        console.print(f"{dropped} count(s) cleared; stock is unchanged.")
        return
    if set_:
        made = run(lambda a: a.adjustments.set_counts(product, location), db)
        console.print(f"{made} on-hand quantit{'y' if made == 1 else 'ies'} copied into counts.")
    rows = run(lambda a: a.adjustments.pending(), db)
    if rows:
        console.print(_counts_table(rows))
    else:
        console.print("No pending counts.")


@app.command()
def revert(operation: str, db: DbOption = None) -> None:
    r"""Undo a done inventory adjustment with a new one ("<reference> \[reverted]")."""
    done = run(lambda a: a.adjustments.revert(operation), db)
    say(f"{_done(done)} reverts {operation}.")


def _history_table(rows: Sequence[MoveLine], title: str) -> Table:
    table = Table(title=title)
    for column in ("Date", "Reference", "Document", "Lot/Serial Number", "From", "To"):
        table.add_column(column)
    table.add_column("Quantity", justify="right")
    table.add_column("User")
    for line in rows:
        table.add_row(
            *cells(
                line.date.strftime("%Y-%m-%d %H:%M:%S"),
                line.reference,
                line.operation,
                line.lot or "",
                line.source,
                line.destination,
                quantity_text(line.quantity),
                line.user,
            )
        )
    return table


@app.command()
def history(
    product: str,
    lot: LotOption = None,
    location: Annotated[str | None, typer.Option(help="Location (children included)")] = None,
    db: DbOption = None,
) -> None:
    """Show every done move of a product, newest first."""
    rows = run(lambda a: a.adjustments.history(product, lot, location), db)
    console.print(_history_table(rows, title=f"History of {escape(product)}"))


@products_app.command("set-tracking")
def products_set_tracking(code: str, tracking: str, db: DbOption = None) -> None:
    """Track a product by lot or serial number, or not at all ("none")."""
    warnings = run(lambda a: a.products.set_tracking(code, tracking), db)
    if tracking == "none":
        say(f"Product {code} is no longer tracked.")
    else:
        say(f"Product {code} is now tracked by {tracking}.")
    if warnings:
        console.print(f"[yellow]Warning:[/] {escape(warnings[0])}", highlight=False)
        for line in warnings[1:]:
            say(f"  - {line}")


@app.command("stock-untracked")
def stock_untracked(
    product: Annotated[str | None, typer.Option(help="Product code")] = None,
    db: DbOption = None,
) -> None:
    """Show the stock of lot/serial-tracked products that has no lot/serial number."""
    rows = run(lambda a: a.stock.untracked(product), db)
    if rows:
        console.print(quant_table(rows, title="Stock without a lot/serial number"))
    else:
        console.print("All stock of tracked products has a lot/serial number.")


def _parse_lots(items: Sequence[str]) -> dict[str, str]:
    parsed: dict[str, str] = {}
    for item in items:
        name, sep, quantity = item.rpartition(":")
        if not sep:
            name, quantity = item, "1"
        if name.strip() in parsed:
            fail(f"--lot {name.strip()} is given twice; give each lot once with its quantity.")
        parsed[name.strip()] = quantity
    return parsed


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
    parsed = _parse_lots(lot) if lot else None

    def action(a: lotline.Lotline) -> Operation:
        lots_given: Mapping[str, QuantityInput] | None = parsed
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
