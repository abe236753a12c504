"""Commands for receipts, deliveries, internal transfers and their documents.

``receive``, ``deliver`` and ``move`` create and validate in one call of the
library, so a refusal leaves no document behind. A document that could be done
only in part is refused with what is available unless --backorder (keep the
rest in a backorder) or --no-backorder (drop it) says what to do.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import typer

from lotline.cli.common import DbOption, app, console, progress, run, say
from lotline.cli.lot_options import (
    FileOption,
    LotsOption,
    ScanOption,
    SerialsOption,
    lots_given,
)
from lotline.cli.output import (
    Column,
    ExcelOption,
    FormatOption,
    LimitOption,
    listing,
    quantity_text,
    write,
)
from lotline.cli.output import Format as OutputFormat

if TYPE_CHECKING:
    from rich.table import Table

    from lotline.app import Lotline
    from lotline.models import Operation

transfers_app = typer.Typer(
    help="Receipts, deliveries and internal transfers.", no_args_is_help=True
)
app.add_typer(transfers_app, name="transfers")

FirstOption = Annotated[
    str | None, typer.Option("--first-serial", help="First serial of a series, e.g. SN0001")
]
CountOption = Annotated[int | None, typer.Option("--count", help="How many serials from --first")]
PartnerOption = Annotated[str | None, typer.Option(help="Vendor or customer name")]
OriginOption = Annotated[str | None, typer.Option(help="Source document, e.g. PO00042")]
DraftOption = Annotated[bool, typer.Option("--draft", help="Create the document only")]
BackorderOption = Annotated[
    bool | None,
    typer.Option(
        "--backorder/--no-backorder",
        help="When only part can be done: keep the rest in a backorder, or drop it "
        "(without either, a partial transfer is refused and nothing is recorded)",
        show_default=False,
    ),
]
SHOWN_LOTS = 12
BIG_DOCUMENT = 1000


def _line(
    product: str,
    quantity: str,
    first: str | None = None,
    count: int | None = None,
    **lots: Any,
) -> dict[str, Any]:
    """One document line from the command's options."""
    line: dict[str, Any] = {"product": product, "quantity": quantity}
    if first is not None or count is not None:
        if any(lots.values()):
            from lotline.errors import InvalidInput

            raise InvalidInput("Give lots in one way only, not --first-serial and another.")
        line.update(first=first, count=count)
        return line
    line.update(lots_given(quantity, **lots))
    return line


def _size(quantity: str, count: int | None) -> Decimal:
    """How many units a command handles, as far as it is known before it runs."""
    try:
        units = Decimal(count if count is not None else quantity)
    except ArithmeticError:
        return Decimal(0)
    return units if units.is_finite() else Decimal(0)


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
    from rich.table import Table
    from rich.text import Text

    related = [
        f"partner {operation.partner}" if operation.partner else "",
        f"origin {operation.origin}" if operation.origin else "",
        f"backorder of {operation.backorder_of}" if operation.backorder_of else "",
        f"return of {operation.return_of}" if operation.return_of else "",
    ]
    say(
        f"{operation.name} {operation.kind} ({operation.state}): "
        f"{operation.source} → {operation.destination}"
    )
    extra = ", ".join(r for r in related if r)
    if extra:
        say(extra)
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
    console().print(_document(operation))
    say(f"{operation.name} {action}: {operation.state}.")


def _rest(done: Operation) -> list[str]:
    return [
        f"{quantity_text(line.quantity - line.done_quantity)} {line.product}"
        for line in done.lines
        if line.done_quantity < line.quantity
    ]


def _validated(
    validate: Callable[[Lotline], Operation], backorder: bool | None, db: str | None, what: str
) -> None:
    """Run a validation, then say what it did and every document it created."""

    def action(a: Lotline) -> tuple[Operation, list[Operation]]:
        with progress(what):
            done = validate(a)
        return done, [a.transfers.get(b.name) for b in a.transfers.backorders(done)]

    done, backorders = run(action, db)
    _report(done, "validated")
    for backorder_doc in backorders:
        rest = ", ".join(
            f"{quantity_text(line.quantity)} {line.product}" for line in backorder_doc.lines
        )
        say(f"Backorder {backorder_doc.name} created for the rest: {rest}.")
    if backorder is False and _rest(done):
        say(f"No backorder: the rest ({', '.join(_rest(done))}) was dropped.")


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
    backorder: BackorderOption = None,
    draft: DraftOption = False,
    db: DbOption = None,
) -> None:
    """Receive a product from a vendor with its lots or serial numbers, and validate it."""

    def line() -> dict[str, Any]:
        return _line(
            product,
            quantity,
            first_serial,
            count,
            lot=lot,
            serials=serials,
            serials_file=serials_file,
            scan=scan,
        )

    if draft:
        created = run(lambda a: a.transfers.receipt([line()], partner, to, origin), db)
        _report(created, "created")
        return
    units = _size(quantity, count)
    what = f"Receiving {quantity_text(units)} {product}" if units >= BIG_DOCUMENT else ""
    _validated(
        lambda a: a.transfers.receive([line()], partner, to, origin, backorder=backorder),
        backorder,
        db,
        what,
    )


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
    backorder: BackorderOption = None,
    draft: DraftOption = False,
    db: DbOption = None,
) -> None:
    """Deliver a product to a customer: the lots named, else by removal strategy (FIFO...)."""

    def line() -> dict[str, Any]:
        return _line(
            product, quantity, lot=lot, serials=serials, serials_file=serials_file, scan=scan
        )

    if draft:
        created = run(lambda a: a.transfers.delivery([line()], partner, source, origin), db)
        _report(created, "created")
        return
    units = _size(quantity, None)
    what = f"Delivering {quantity_text(units)} {product}" if units >= BIG_DOCUMENT else ""
    _validated(
        lambda a: a.transfers.deliver([line()], partner, source, origin, backorder=backorder),
        backorder,
        db,
        what,
    )


@app.command()
def move(
    product: str,
    quantity: str,
    source: Annotated[str, typer.Option("--from", help="Source location")],
    destination: Annotated[str, typer.Option("--to", help="Destination location")],
    lot: LotsOption = None,
    serials: SerialsOption = None,
    backorder: BackorderOption = None,
    draft: DraftOption = False,
    db: DbOption = None,
) -> None:
    """Move a product between internal locations (an internal transfer)."""

    def line() -> dict[str, Any]:
        return _line(product, quantity, lot=lot, serials=serials)

    if draft:
        created = run(lambda a: a.transfers.internal([line()], source, destination), db)
        _report(created, "created")
        return
    _validated(
        lambda a: a.transfers.move([line()], source, destination, backorder=backorder),
        backorder,
        db,
        "",
    )


@app.command("validate")
def validate_command(name: str, backorder: BackorderOption = None, db: DbOption = None) -> None:
    """Validate a transfer: post what is detailed; say what to do with the rest, if any."""
    _validated(lambda a: a.transfers.validate(name, backorder=backorder), backorder, db, "")


TRANSFER_COLUMNS: tuple[Column[Operation], ...] = (
    Column("Reference", "name", lambda op: op.name),
    Column("Kind", "kind", lambda op: op.kind, in_table=False),
    Column("State", "state", lambda op: op.state),
    Column("From", "source", lambda op: op.source),
    Column("To", "destination", lambda op: op.destination),
    Column("Partner", "partner", lambda op: op.partner),
    Column(
        "Origin", "related", lambda op: op.origin or op.backorder_of or op.return_of, in_table=True
    ),
    Column("Source Document", "origin", lambda op: op.origin, in_table=False),
    Column("Backorder of", "backorder_of", lambda op: op.backorder_of, in_table=False),
    Column("Return of", "return_of", lambda op: op.return_of, in_table=False),
    Column("Created", "created_at", lambda op: op.created_at, in_table=False),
    Column("Done", "done_at", lambda op: op.done_at, in_table=False),
)


@transfers_app.command("list")
def transfers_list(
    kind: Annotated[str | None, typer.Option(help="receipt, delivery or internal")] = None,
    state: Annotated[
        str | None, typer.Option(help="draft, confirmed, ready, done, cancelled")
    ] = None,
    format: FormatOption = OutputFormat.table,
    limit: LimitOption = None,
    excel: ExcelOption = False,
    db: DbOption = None,
) -> None:
    """List the transfers."""
    rows = run(lambda a: a.transfers.list(kind=kind, state=state), db)
    columns = [c for c in TRANSFER_COLUMNS if c.key != "related"]
    how = listing(format, limit, excel)
    write(rows, TRANSFER_COLUMNS if how.for_people else columns, how, title="Transfers")


@transfers_app.command("show")
def transfers_show(name: str, db: DbOption = None) -> None:
    """Show a transfer with its lines, lots and serial numbers."""
    console().print(_document(run(lambda a: a.transfers.get(name), db)))


@transfers_app.command("set-lots")
def transfers_set_lots(
    name: str,
    product: str,
    lot: LotsOption = None,
    serials: SerialsOption = None,
    serials_file: FileOption = None,
    scan: ScanOption = None,
    db: DbOption = None,
) -> None:
    """Replace the lots/serial numbers of a product on an open transfer (what validating
    will move); a delivery reserves them at once."""
    from lotline.errors import InvalidInput

    def action(a: Lotline) -> Operation:
        given = lots_given(None, lot, serials, serials_file, scan)
        if "lots" not in given:
            raise InvalidInput("Give the lots with --lot NAME:QTY, --serials or --serials-file.")
        return a.transfers.set_lots(name, product, given["lots"])

    _report(run(action, db), f"lots of {product} set")


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
