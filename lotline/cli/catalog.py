"""Commands for products, locations, stock, the ledger check and the demo."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

import typer
from rich.table import Table

import lotline
from lotline.cli.common import (
    DbOption,
    app,
    console,
    fail,
    product_table,
    quant_table,
    quantity_text,
    run,
)
from lotline.models import Product, Quant, Settings

products_app = typer.Typer(help="Products and their tracking.", no_args_is_help=True)
locations_app = typer.Typer(help="Warehouse and virtual locations.", no_args_is_help=True)
app.add_typer(products_app, name="products")
app.add_typer(locations_app, name="locations")


@app.command()
def init(db: DbOption = None) -> None:
    """Create (or migrate) the database with its default locations."""
    url = run(lambda a: a.url, db)
    console.print(f"Database ready: {url}")


SWITCHES = {"on": True, "off": False}
SwitchOption = Annotated[str | None, typer.Option(help="on or off", show_default=False)]


def _switch(option: str, value: str | None) -> bool | None:
    if value is None:
        return None
    if value.strip().lower() not in SWITCHES:
        fail(f"{option} takes on or off, not {value!r}.")
    return SWITCHES[value.strip().lower()]


@app.command("settings")
def settings_command(
    lots_and_serials: SwitchOption = None,
    expiration_dates: SwitchOption = None,
    db: DbOption = None,
) -> None:
    """Show the settings, or turn "Lots & Serial Numbers" / "Expiration Dates" on or off."""
    lots = _switch("--lots-and-serials", lots_and_serials)
    dates = _switch("--expiration-dates", expiration_dates)

    def action(a: lotline.Lotline) -> Settings:
        if lots is None and dates is None:
            return a.settings.get()
        return a.settings.update(lots_and_serials=lots, expiration_dates=dates)

    current = run(action, db)
    for label, value in (
        ("Lots & Serial Numbers", current.lots_and_serials),
        ("Expiration Dates", current.expiration_dates),
    ):
        console.print(f"{label}: {'on' if value else 'off'}", highlight=False)


@products_app.command("add")
def products_add(
    code: str,
    name: str,
    tracking: Annotated[str, typer.Option(help="none, lot or serial")] = "none",
    unit: Annotated[str, typer.Option(help="Unit of measure")] = "Units",
    gtin: Annotated[str | None, typer.Option(help="GTIN (barcode number)")] = None,
    lot_prefix: Annotated[str | None, typer.Option(help="Prefix of new serials")] = None,
    db: DbOption = None,
) -> None:
    """Add a product."""
    options: dict[str, Any] = {"unit": unit, "gtin": gtin}
    if lot_prefix:
        options["lot_prefix"] = lot_prefix
    product = run(lambda a: a.products.create(code, name, tracking, **options), db)
    console.print(f"Product {product.code} created (tracking: {product.tracking}).")


@products_app.command("list")
def products_list(db: DbOption = None) -> None:
    """List the products."""
    console.print(product_table(run(lambda a: a.products.list(), db)))


@products_app.command("show")
def products_show(code: str, db: DbOption = None) -> None:
    """Show one product and its stock."""

    def action(a: lotline.Lotline) -> tuple[Product, list[Quant], Decimal]:
        product = a.products.get(code)
        return product, a.stock.quants(product=product), a.stock.on_hand(product)

    product, rows, total = run(action, db)
    console.print(product_table([product]))
    console.print(quant_table(rows, title=f"On hand: {quantity_text(total)} {product.unit}"))


@locations_app.command("list")
def locations_list(db: DbOption = None) -> None:
    """List the locations."""
    table = Table(title="Locations")
    table.add_column("Location")
    table.add_column("Type")
    for loc in run(lambda a: a.locations.list(), db):
        table.add_row(loc.full_name, loc.usage)
    console.print(table)


@locations_app.command("add")
def locations_add(
    full_name: str,
    usage: Annotated[str, typer.Option(help="internal, view, transit, ...")] = "internal",
    db: DbOption = None,
) -> None:
    """Add a location under an existing one, e.g. "WH/Stock/Shelf 1"."""
    loc = run(lambda a: a.locations.create(full_name, usage), db)
    console.print(f"Location {loc.full_name} created ({loc.usage}).")


@app.command()
def stock(
    product: Annotated[str | None, typer.Option(help="Product code")] = None,
    location: Annotated[str | None, typer.Option(help="Location (children included)")] = None,
    lot: Annotated[str | None, typer.Option(help="Lot or serial number")] = None,
    db: DbOption = None,
) -> None:
    """Show the quants: what is on hand, where, in which lot."""
    rows = run(lambda a: a.stock.quants(product=product, location=location, lot=lot), db)
    console.print(quant_table(rows))


@app.command()
def check(db: DbOption = None) -> None:
    """Rebuild every quant from the ledger and verify double entry."""
    report = run(lambda a: a.check(), db)
    if report.ok:
        console.print(
            f"OK: {report.quants} quants agree with {report.move_lines} move lines; "
            "every product balances to zero."
        )
        return
    for difference in report.differences:
        console.print(f"[red]DIFFERENCE[/] {difference.describe()}", highlight=False)
    console.print(f"{len(report.differences)} difference(s) found.")
    raise typer.Exit(1)


@app.command()
def demo(db: DbOption = None) -> None:
    """Load a small realistic data set and print the stock table."""
    from lotline.demo import load_demo

    run(lambda a: load_demo(a, console), db)
    rows = run(lambda a: a.stock.quants(), db)
    console.print(quant_table(rows, title="Stock after the demo"))
