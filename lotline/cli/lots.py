"""Commands for numbering lots and serials and reading scanned barcodes."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

import lotline.rules.naming
from lotline.app import Lotline
from lotline.cli.common import DbOption, app, cells, console, refuse, run
from lotline.cli.trace import lots_app
from lotline.errors import LotlineError, NotFound
from lotline.models import Product, Scan


@lots_app.command("generate")
def lots_generate(first: str, count: int) -> None:
    """Print a series from a first number: SN0009 3 -> SN0009 SN0010 SN0011."""
    try:
        names = lotline.rules.naming.generate_names(first, count)
    except LotlineError as exc:
        refuse(exc)
    console.file.write("\n".join(names) + "\n")


@lots_app.command("next")
def lots_next(product: str, db: DbOption = None) -> None:
    """The next available lot/serial number of a product (what the plus icon proposes)."""
    console.print(run(lambda a: a.lots.next_serial(product), db), highlight=False)


@app.command()
def scan(
    data: Annotated[str, typer.Argument(help="What the scanner sent (GS1 or a plain name)")],
    db: DbOption = None,
) -> None:
    """Show what a scanned barcode means and which product it is."""

    def action(a: Lotline) -> tuple[Scan, Product | None]:
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
            table.add_row(*cells(field, value))
    if result.gtin and product is None:
        table.add_row("Product", "no product has this GTIN")
    console.print(table)
