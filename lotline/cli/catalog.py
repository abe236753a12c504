"""Commands for products, locations, stock, settings, the ledger check and the demo."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import typer

from lotline.cli.common import DbOption, app, fail, run, say
from lotline.cli.output import (
    Column,
    ExcelOption,
    Format,
    FormatOption,
    LimitOption,
    Listing,
    listing,
    quantity_text,
    write,
)

if TYPE_CHECKING:
    from lotline.app import Lotline
    from lotline.models import Location, Product, Quant, Settings

products_app = typer.Typer(help="Products and their tracking.", no_args_is_help=True)
locations_app = typer.Typer(help="Warehouse and virtual locations.", no_args_is_help=True)
app.add_typer(products_app, name="products")
app.add_typer(locations_app, name="locations")

QUANT_COLUMNS: tuple[Column[Quant], ...] = (
    Column("Product", "product", lambda q: q.product),
    Column("Location", "location", lambda q: q.location),
    Column("Lot/Serial Number", "lot", lambda q: q.lot),
    Column("On Hand", "quantity", lambda q: q.quantity, right=True),
    Column("Reserved", "reserved_quantity", lambda q: q.reserved_quantity or None, right=True),
    Column("Since", "in_date", lambda q: q.in_date, in_table=False),
)

PRODUCT_COLUMNS: tuple[Column[Product], ...] = (
    Column("Code", "code", lambda p: p.code),
    Column("Name", "name", lambda p: p.name),
    Column("Unit", "unit", lambda p: p.unit),
    Column("Tracking", "tracking", lambda p: p.tracking),
    Column("GTIN", "gtin", lambda p: p.gtin),
    Column("Lot Prefix", "lot_prefix", lambda p: p.lot_prefix, in_table=False),
    Column("Removal Strategy", "removal_strategy", lambda p: p.removal_strategy, in_table=False),
    Column("Expiration", "use_expiration_date", lambda p: p.use_expiration_date, in_table=False),
    Column("Expiration Days", "expiration_days", lambda p: p.expiration_days, in_table=False),
    Column("Best Before Days", "use_days", lambda p: p.use_days, in_table=False),
    Column("Removal Days", "removal_days", lambda p: p.removal_days, in_table=False),
    Column("Alert Days", "alert_days", lambda p: p.alert_days, in_table=False),
)

LOCATION_COLUMNS: tuple[Column[Location], ...] = (
    Column("Location", "full_name", lambda loc: loc.full_name),
    Column("Type", "usage", lambda loc: loc.usage),
)


@app.command()
def init(db: DbOption = None) -> None:
    """Create the database (or migrate it) with its default locations."""
    url = run(lambda a: a.url, db, create=True)
    say(f"Database ready: {url}")


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

    def action(a: Lotline) -> Settings:
        if lots is None and dates is None:
            return a.settings.get()
        return a.settings.update(lots_and_serials=lots, expiration_dates=dates)

    current = run(action, db)
    for label, value in (
        ("Lots & Serial Numbers", current.lots_and_serials),
        ("Expiration Dates", current.expiration_dates),
    ):
        say(f"{label}: {'on' if value else 'off'}")


LotPrefixOption = Annotated[str | None, typer.Option(help="Prefix of new serials")]
StrategyOption = Annotated[
    str | None,
    typer.Option(help="Removal strategy: fifo, fefo (first expiry first out) or lifo"),
]
ExpirationOption = Annotated[
    bool | None,
    typer.Option(
        "--expiration/--no-expiration",
        help="Give new lots expiration dates (needs the Expiration Dates setting)",
        show_default=False,
    ),
]
DaysOption = Annotated[int | None, typer.Option(min=0, show_default=False)]


def _options(
    lot_prefix: str | None,
    removal_strategy: str | None,
    expiration: bool | None,
    days: dict[str, int | None],
) -> dict[str, Any]:
    """The product options given on the command line (those not given are left out)."""
    given: dict[str, Any] = {
        "lot_prefix": lot_prefix,
        "removal_strategy": removal_strategy.strip().lower() if removal_strategy else None,
        "use_expiration_date": expiration,
        **days,
    }
    return {key: value for key, value in given.items() if value is not None}


@products_app.command("add")
def products_add(
    code: str,
    name: str,
    tracking: Annotated[str, typer.Option(help="none, lot or serial")] = "none",
    unit: Annotated[str, typer.Option(help="Unit of measure")] = "Units",
    gtin: Annotated[str | None, typer.Option(help="GTIN (barcode number)")] = None,
    lot_prefix: LotPrefixOption = None,
    removal_strategy: StrategyOption = None,
    expiration: ExpirationOption = None,
    expiration_days: DaysOption = None,
    use_days: DaysOption = None,
    removal_days: DaysOption = None,
    alert_days: DaysOption = None,
    db: DbOption = None,
) -> None:
    """Add a product, with its tracking and options (expiration days: after reception)."""
    days = {
        "expiration_days": expiration_days,
        "use_days": use_days,
        "removal_days": removal_days,
        "alert_days": alert_days,
    }
    options = _options(lot_prefix, removal_strategy, expiration, days)
    product = run(
        lambda a: a.products.create(code, name, tracking, unit=unit, gtin=gtin, **options), db
    )
    say(f"Product {product.code} created (tracking: {product.tracking}).")


@products_app.command("set")
def products_set(
    code: str,
    lot_prefix: LotPrefixOption = None,
    removal_strategy: StrategyOption = None,
    expiration: ExpirationOption = None,
    expiration_days: Annotated[
        int | None, typer.Option(min=0, help="Days from reception to the expiration date")
    ] = None,
    use_days: Annotated[
        int | None, typer.Option(min=0, help="Days to the best before date")
    ] = None,
    removal_days: Annotated[
        int | None, typer.Option(min=0, help="Days to the removal date (FEFO)")
    ] = None,
    alert_days: Annotated[int | None, typer.Option(min=0, help="Days to the alert date")] = None,
    db: DbOption = None,
) -> None:
    """Change a product's options: lot prefix, removal strategy, expiration dates."""
    days = {
        "expiration_days": expiration_days,
        "use_days": use_days,
        "removal_days": removal_days,
        "alert_days": alert_days,
    }
    options = _options(lot_prefix, removal_strategy, expiration, days)
    if not options:
        fail("Give at least one option to change (see --help).")
    product = run(lambda a: a.products.update(code, **options), db)
    write([product], PRODUCT_COLUMNS, Listing(), title=f"Product {product.code}")
    say(_described(product))


def _described(product: Product) -> str:
    expiry = (
        f"expiration dates on (expires {product.expiration_days} days after reception, "
        f"best before {product.use_days}, removal {product.removal_days}, "
        f"alert {product.alert_days})"
        if product.use_expiration_date
        else "expiration dates off"
    )
    prefix = f"lot prefix {product.lot_prefix}; " if product.lot_prefix else ""
    return f"{prefix}removal strategy {product.removal_strategy}; {expiry}."


@products_app.command("list")
def products_list(
    format: FormatOption = Format.table,
    limit: LimitOption = None,
    excel: ExcelOption = False,
    db: DbOption = None,
) -> None:
    """List the products (CSV and JSON carry every option)."""
    rows = run(lambda a: a.products.list(), db)
    write(rows, PRODUCT_COLUMNS, listing(format, limit, excel), title="Products")


@products_app.command("show")
def products_show(code: str, db: DbOption = None) -> None:
    """Show one product, its options and its stock."""

    def action(a: Lotline) -> tuple[Product, list[Quant], Decimal]:
        product = a.products.get(code)
        return product, a.stock.quants(product=product), a.stock.on_hand(product)

    product, rows, total = run(action, db)
    write([product], PRODUCT_COLUMNS, Listing(), title="Product")
    say(_described(product))
    title = f"On hand: {quantity_text(total)} {product.unit}"
    write(rows, QUANT_COLUMNS, Listing(), title=title)


@locations_app.command("list")
def locations_list(
    format: FormatOption = Format.table,
    limit: LimitOption = None,
    excel: ExcelOption = False,
    db: DbOption = None,
) -> None:
    """List the locations."""
    rows = run(lambda a: a.locations.list(), db)
    write(rows, LOCATION_COLUMNS, listing(format, limit, excel), title="Locations")


@locations_app.command("add")
def locations_add(
    full_name: str,
    usage: Annotated[str, typer.Option(help="internal, view, transit, ...")] = "internal",
    db: DbOption = None,
) -> None:
    """Add a location under an existing one, e.g. "WH/Stock/Shelf 1"."""
    loc = run(lambda a: a.locations.create(full_name, usage), db)
    say(f"Location {loc.full_name} created ({loc.usage}).")


@app.command()
def stock(
    product: Annotated[str | None, typer.Option(help="Product code")] = None,
    location: Annotated[str | None, typer.Option(help="Location (children included)")] = None,
    lot: Annotated[str | None, typer.Option(help="Lot or serial number")] = None,
    format: FormatOption = Format.table,
    limit: LimitOption = None,
    excel: ExcelOption = False,
    db: DbOption = None,
) -> None:
    """Show the quants: what is on hand, where, in which lot."""
    rows = run(lambda a: a.stock.quants(product=product, location=location, lot=lot), db)
    write(rows, QUANT_COLUMNS, listing(format, limit, excel), title="Stock")


@app.command()
def check(db: DbOption = None) -> None:
    """Rebuild every quant from the ledger and verify double entry."""
    report = run(lambda a: a.check(), db)
    if report.ok:
        say(
            f"OK: {report.quants} quants agree with {report.move_lines} move lines; "
            "every product balances to zero."
        )
        return
    for difference in report.differences:
        say(f"DIFFERENCE {difference.describe()}")
    say(f"{len(report.differences)} difference(s) found.")
    raise typer.Exit(1)


@app.command()
def demo(db: DbOption = None) -> None:
    """Create the database if needed, load a small realistic data set, print the stock."""
    from lotline.cli.common import console
    from lotline.demo import load_demo

    run(lambda a: load_demo(a, console()), db, create=True)
    rows = run(lambda a: a.stock.quants(), db)
    write(rows, QUANT_COLUMNS, Listing(), title="Stock after the demo")
