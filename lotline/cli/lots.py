"""Commands for one lot (create it, set its reference, note and dates), numbering
lots and serials, and reading scanned barcodes."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

from lotline.cli.common import DbOption, app, console, fail, refuse, run, say
from lotline.cli.trace import lots_app
from lotline.errors import LotlineError

if TYPE_CHECKING:
    from lotline.app import Lotline
    from lotline.models import Lot, Product, Scan

DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S")
DateOption = Annotated[
    str | None,
    typer.Option(help='YYYY-MM-DD or "YYYY-MM-DD HH:MM"; "" clears it', show_default=False),
]
RefOption = Annotated[
    str | None, typer.Option(help='Internal reference; "" clears it', show_default=False)
]
NoteOption = Annotated[str | None, typer.Option(help='A note; "" clears it', show_default=False)]


def _date(option: str, value: str) -> datetime | None:
    if not value.strip():
        return None
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(value.strip(), pattern)
        except ValueError:
            continue
    fail(f'{option} takes a date such as 2026-12-31 or "2026-12-31 18:00", not {value!r}.')


def _lot_fields(ref: str | None, note: str | None, **dates: str | None) -> dict[str, Any]:
    """The fields given on the command line ("" clears one); those not given are left out."""
    fields: dict[str, Any] = {
        key: value for key, value in (("ref", ref), ("note", note)) if value is not None
    }
    for key, value in dates.items():
        if value is not None:
            fields[key] = _date("--" + key.replace("_", "-"), value)
    return fields


def _show_lot(lot: Lot, action: str) -> None:
    say(f"{lot.product} {lot.name} {action}.")
    for label, value in (
        ("Reference", lot.ref),
        ("Note", lot.note),
        ("Expiration date", lot.expiration_date),
        ("Best before date", lot.use_date),
        ("Removal date", lot.removal_date),
        ("Alert date", lot.alert_date),
    ):
        if value:
            say(f"  {label}: {value}")


@lots_app.command("add")
def lots_add(
    product: str,
    name: str,
    ref: RefOption = None,
    note: NoteOption = None,
    expiration_date: DateOption = None,
    use_date: DateOption = None,
    removal_date: DateOption = None,
    alert_date: DateOption = None,
    db: DbOption = None,
) -> None:
    """Create a lot or serial number ahead of its receipt."""
    fields = _lot_fields(
        ref,
        note,
        expiration_date=expiration_date,
        use_date=use_date,
        removal_date=removal_date,
        alert_date=alert_date,
    )
    _show_lot(run(lambda a: a.lots.create(product, name, **fields), db), "created")


@lots_app.command("set")
def lots_set(
    product: str,
    name: str,
    ref: RefOption = None,
    note: NoteOption = None,
    expiration_date: DateOption = None,
    use_date: DateOption = None,
    removal_date: DateOption = None,
    alert_date: DateOption = None,
    db: DbOption = None,
) -> None:
    """Set a lot's reference, note or dates (expiration, best before, removal, alert)."""
    fields = _lot_fields(
        ref,
        note,
        expiration_date=expiration_date,
        use_date=use_date,
        removal_date=removal_date,
        alert_date=alert_date,
    )
    if not fields:
        fail("Give at least one of --ref, --note and the dates (see --help).")
    _show_lot(run(lambda a: a.lots.update(product, name, **fields), db), "updated")


@lots_app.command("generate")
def lots_generate(first: str, count: int) -> None:
    """Print a series from a first number: SN0009 3 -> SN0009 SN0010 SN0011."""
    from lotline.rules.naming import generate_names

    try:
        names = generate_names(first, count)
    except LotlineError as exc:
        refuse(exc)
    console().file.write("\n".join(names) + "\n")


@lots_app.command("next")
def lots_next(product: str, db: DbOption = None) -> None:
    """The next available lot/serial number of a product (what the plus icon proposes)."""
    say(run(lambda a: a.lots.next_serial(product), db))


@app.command()
def scan(
    data: Annotated[str, typer.Argument(help="What the scanner sent (GS1 or a plain name)")],
    db: DbOption = None,
) -> None:
    """Show what a scanned barcode means and which product it is."""
    from rich.table import Table
    from rich.text import Text

    def action(a: Lotline) -> tuple[Scan, Product | None]:
        from lotline.errors import NotFound

        result = a.lots.parse_barcode(data)
        product = None
        if result.gtin:
            try:
                product = a.products.get_by_gtin(result.gtin)
            except NotFound:
                product = None
        return result, product

    result, product = run(action, db)
    table = Table(title="GS1 barcode" if result.is_gs1 else "Typed lot/serial number")
    table.add_column("Field")
    table.add_column("Value")
    rows = [
        ("GTIN (01)", result.gtin),
        ("Product", f"{product.code} ({product.name})" if product else None),
        ("Lot (10)", result.lot if result.is_gs1 else None),
        ("Serial (21)", result.serial if result.is_gs1 else None),
        ("Lot/Serial Number", None if result.is_gs1 else result.lot),
        ("Expiration (17)", result.expiration_date and result.expiration_date.isoformat()),
        ("Best before (15)", result.best_before_date and result.best_before_date.isoformat()),
        ("Produced (11)", result.production_date and result.production_date.isoformat()),
        ("Quantity (30/37)", result.quantity and str(result.quantity)),
    ]
    for field, value in rows:
        if value:
            table.add_row(Text(field), Text(value))
    if result.gtin and product is None:
        table.add_row("Product", "no product has this GTIN")
    console().print(table)
