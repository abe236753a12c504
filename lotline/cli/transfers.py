"""Commands for receipts, deliveries, internal transfers and their documents."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

import lotline
from lotline.cli.common import DbOption, app, console, err_console, quantity_text, run
from lotline.errors import InvalidInput
from lotline.files import read_serials_file
from lotline.models import Operation

transfers_app = typer.Typer(
    help="Receipts, deliveries and internal transfers.", no_args_is_help=True
)
app.add_typer(transfers_app, name="transfers")

LotsOption = Annotated[
    list[str] | None,
    typer.Option("--lot", help="NAME:QTY (repeat for several lots); NAME alone takes QTY"),
]
SerialsOption = Annotated[
    str | None, typer.Option("--serials", help="Serial numbers separated by commas: A,B,C")
]
FirstOption = Annotated[
    str | None, typer.Option("--first-serial", help="First serial of a series, e.g. SN0001")
]
CountOption = Annotated[int | None, typer.Option("--count", help="How many serials from --first")]
FileOption = Annotated[
    Path | None, typer.Option("--serials-file", help="CSV, XLSX or text file of serials")
]
ScanOption = Annotated[
    list[str] | None,
    typer.Option("--scan", help="A scanned barcode (GS1 label or typed name); repeat per scan"),
]
PartnerOption = Annotated[str | None, typer.Option(help="Vendor or customer name")]
OriginOption = Annotated[str | None, typer.Option(help="Source document, e.g. PO00042")]
DraftOption = Annotated[bool, typer.Option("--draft", help="Create the document only")]
SHOWN_LOTS = 12
BIG_DOCUMENT = 1000


def _line(
    product: str,
    quantity: str,
    lot: list[str] | None = None,
    serials: str | None = None,
    first: str | None = None,
    count: int | None = None,
    serials_file: Path | None = None,
    scan: list[str] | None = None,
) -> dict[str, Any]:
    """One document line from the command's options."""
    given = [
        name
        for name, v in (
            ("--lot", lot),
            ("--serials", serials),
            ("--first-serial", first),
            ("--serials-file", serials_file),
            ("--scan", scan),
        )
        if v
    ]
    if len(given) > 1:
        raise InvalidInput(f"Give lots in one way only, not {' and '.join(given)}.")
    line: dict[str, Any] = {"product": product, "quantity": quantity}
    if lot:
        lots: dict[str, str] = {}
        for item in lot:
            name, sep, amount = item.rpartition(":")
            if not sep:
                if len(lot) > 1:
                    raise InvalidInput(
                        f"--lot {item} has no quantity; with several lots write NAME:QTY."
                    )
                name, amount = item, quantity
            lots[name] = amount
        line["lots"] = lots
    elif serials:
        line["lots"] = [s for s in (part.strip() for part in serials.split(",")) if s]
    elif first:
        line["first"] = first
        line["count"] = count
    elif serials_file:
        line["lots"] = read_serials_file(serials_file, serial=True)
    elif scan:
        line["scans"] = scan
    return line


@contextmanager
def _progress(description: str, units: Decimal) -> Iterator[None]:
    """A spinner with elapsed time while a big document is processed."""
    if units < BIG_DOCUMENT:
        yield
        return
    with Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as progress:
        progress.add_task(description, total=None)
        yield


def _units(operation: Operation) -> Decimal:
    return sum((line.quantity for line in operation.lines), Decimal(0))


def _finish(a: lotline.Lotline, operation: Operation, reserve: bool, backorder: bool) -> Operation:
    with _progress(f"Validating {operation.name}", _units(operation)):
        if reserve:
            operation = a.transfers.reserve(operation)
        return a.transfers.validate(operation, backorder=backorder)


def _lots_text(lots: dict[str, Decimal], tracking_serial: bool) -> str:
    names = [
        name if tracking_serial and quantity == 1 else f"{name}: {quantity_text(quantity)}"
        for name, quantity in lots.items()
    ]
    more = len(names) - SHOWN_LOTS
    shown = ", ".join(names[:SHOWN_LOTS])
    return f"{shown} … and {more} more" if more > 0 else shown


def _document(operation: Operation) -> Table:
    """The document's header lines, then its lines as a table."""
    related = [
        f"partner {operation.partner}" if operation.partner else "",
        f"origin {operation.origin}" if operation.origin else "",
        f"backorder of {operation.backorder_of}" if operation.backorder_of else "",
        f"return of {operation.return_of}" if operation.return_of else "",
    ]
    console.print(
        Text(
            f"{operation.name} {operation.kind} ({operation.state}): "
            f"{operation.source} → {operation.destination}"
        )
    )
    extra = ", ".join(r for r in related if r)
    if extra:
        console.print(Text(extra))
    table = Table()
    for column in ("Product", "Demand", "Quantity", "Lots/Serial Numbers"):
        table.add_column(column, justify="right" if column in ("Demand", "Quantity") else "left")
    for line in operation.lines:
        serial_like = all(q == 1 for q in line.lots.values())
        table.add_row(
            Text(line.product),
            quantity_text(line.quantity),
            quantity_text(line.done_quantity),
            Text(_lots_text(line.lots, serial_like)),
        )
    return table


def _report(operation: Operation, action: str) -> None:
    console.print(_document(operation))
    console.print(Text(f"{operation.name} {action}: {operation.state}."))


def _backorder_note(a: lotline.Lotline, operation: Operation) -> list[str]:
    return [b.name for b in a.transfers.backorders(operation)]


def _create_and_finish(
    create: Callable[[lotline.Lotline], Operation], draft: bool, reserve: bool, db: str | None
) -> None:
    def action(a: lotline.Lotline) -> tuple[Operation, list[str]]:
        operation = create(a)
        if draft:
            return operation, []
        done = _finish(a, operation, reserve, True)
        return done, _backorder_note(a, done)

    operation, backorders = run(action, db)
    _report(operation, "created" if draft else "validated")
    for name in backorders:
        console.print(Text(f"Backorder {name} created for the rest."))


@app.command()
def receive(
    product: str,
    quantity: str,
    lot: LotsOption = None,
    serials: SerialsOption = None,
    first_serial: FirstOption = None,
    count: CountOption = None,
    serials_file: FileOption = None,
    scan: ScanOption = None,
    partner: PartnerOption = None,
    origin: OriginOption = None,
    to: Annotated[str, typer.Option("--to", help="Destination location")] = "WH/Stock",
    draft: DraftOption = False,
    db: DbOption = None,
) -> None:
    """Receive a product from a vendor, with its lots or serial numbers (then validate)."""

    def create(a: lotline.Lotline) -> Operation:
        line = _line(product, quantity, lot, serials, first_serial, count, serials_file, scan)
        return a.transfers.receipt([line], partner=partner, destination=to, origin=origin)

    _create_and_finish(create, draft, False, db)


@app.command()
def deliver(
    product: str,
    quantity: str,
    lot: LotsOption = None,
    serials: SerialsOption = None,
    serials_file: FileOption = None,
    scan: ScanOption = None,
    partner: PartnerOption = None,
    origin: OriginOption = None,
    source: Annotated[str, typer.Option("--from", help="Source location")] = "WH/Stock",
    draft: DraftOption = False,
    db: DbOption = None,
) -> None:
    """Deliver a product to a customer: reserve (FIFO unless lots are named) and validate."""

    def create(a: lotline.Lotline) -> Operation:
        line = _line(product, quantity, lot, serials, serials_file=serials_file, scan=scan)
        return a.transfers.delivery([line], partner=partner, source=source, origin=origin)

    _create_and_finish(create, draft, not (lot or serials or serials_file or scan), db)


@app.command()
def move(
    product: str,
    quantity: str,
    source: Annotated[str, typer.Option("--from", help="Source location")],
    destination: Annotated[str, typer.Option("--to", help="Destination location")],
    lot: LotsOption = None,
    serials: SerialsOption = None,
    draft: DraftOption = False,
    db: DbOption = None,
) -> None:
    """Move a product between internal locations (an internal transfer)."""

    def create(a: lotline.Lotline) -> Operation:
        line = _line(product, quantity, lot, serials)
        return a.transfers.internal([line], source, destination)

    _create_and_finish(create, draft, not (lot or serials), db)


@app.command("validate")
def validate_command(
    name: str,
    no_backorder: Annotated[
        bool, typer.Option("--no-backorder", help="Cancel what is not done instead")
    ] = False,
    db: DbOption = None,
) -> None:
    """Validate a transfer: post what is detailed; the rest goes to a backorder."""

    def action(a: lotline.Lotline) -> tuple[Operation, list[str]]:
        operation = a.transfers.get(name)
        done = _finish(a, operation, False, not no_backorder)
        return done, _backorder_note(a, done)

    operation, backorders = run(action, db)
    _report(operation, "validated")
    for backorder in backorders:
        console.print(Text(f"Backorder {backorder} created for the rest."))


@transfers_app.command("list")
def transfers_list(
    kind: Annotated[str | None, typer.Option(help="receipt, delivery or internal")] = None,
    state: Annotated[
        str | None, typer.Option(help="draft, confirmed, ready, done, cancelled")
    ] = None,
    db: DbOption = None,
) -> None:
    """List the transfers."""
    table = Table(title="Transfers")
    for column in ("Reference", "State", "From", "To", "Partner", "Origin"):
        table.add_column(column, no_wrap=column in ("Reference", "State"))
    for op in run(lambda a: a.transfers.list(kind=kind, state=state), db):
        related = op.origin or op.backorder_of or op.return_of
        table.add_row(
            *(
                Text(value or "")
                for value in (op.name, op.state, op.source, op.destination, op.partner, related)
            )
        )
    console.print(table)


@transfers_app.command("show")
def transfers_show(name: str, db: DbOption = None) -> None:
    """Show a transfer with its lines, lots and serial numbers."""
    console.print(_document(run(lambda a: a.transfers.get(name), db)))


@transfers_app.command("reserve")
def transfers_reserve(name: str, db: DbOption = None) -> None:
    """Reserve the stock of a delivery or internal transfer."""
    _report(run(lambda a: a.transfers.reserve(name), db), "reserved")


@transfers_app.command("cancel")
def transfers_cancel(name: str, db: DbOption = None) -> None:
    """Cancel a transfer that is not done, releasing its reservations."""
    _report(run(lambda a: a.transfers.cancel(name), db), "cancelled")


@transfers_app.command("return")
def transfers_return(name: str, db: DbOption = None) -> None:
    """Create the return of a done transfer, with the same lots and serial numbers."""
    _report(run(lambda a: a.transfers.return_of(name), db), "return created")
