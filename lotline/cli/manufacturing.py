"""Commands for bills of materials and manufacturing orders (`lotline bom`, `lotline mo`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from lotline.cli.common import DbOption, app, console, fail, progress, run, say
from lotline.cli.lot_options import FileOption, LotsOption, SerialsOption, lots_given
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
from lotline.errors import InvalidInput

if TYPE_CHECKING:
    from rich.table import Table

    from lotline.app import Lotline
    from lotline.models import ManufacturingOrder

bom_app = typer.Typer(help="Bills of materials.", no_args_is_help=True)
mo_app = typer.Typer(help="Manufacturing orders and batch production.", no_args_is_help=True)
app.add_typer(bom_app, name="bom")
app.add_typer(mo_app, name="mo")


def _components(specs: Sequence[str]) -> dict[str, str]:
    parsed: dict[str, str] = {}
    for spec in specs:
        code, sep, qty = spec.rpartition(":")
        if not sep or not code or not qty:
            raise InvalidInput(f"Give each component as CODE:QTY, e.g. WOOD:2, not {spec!r}.")
        parsed[code] = qty
    return parsed


MO_COLUMNS: tuple[Column[ManufacturingOrder], ...] = (
    Column("Reference", "name", lambda mo: mo.name),
    Column("Product", "product", lambda mo: mo.product),
    Column("Quantity", "quantity", lambda mo: mo.quantity, right=True),
    Column("Lot/Serial Number", "lot", lambda mo: mo.lot),
    Column("State", "state", lambda mo: mo.state),
    Column("BoM", "bom", lambda mo: mo.bom, in_table=False),
    Column("Split of", "split_root", lambda mo: mo.split_root, in_table=False),
    Column("Created", "created_at", lambda mo: mo.created_at, in_table=False),
    Column("Done", "done_at", lambda mo: mo.done_at, in_table=False),
)


def mo_table(rows: Sequence[ManufacturingOrder], title: str = "Manufacturing orders") -> None:
    write(rows, MO_COLUMNS, Listing(), title=title)


def components_table(mo: ManufacturingOrder) -> Table:
    from rich.table import Table

    table = Table(title=f"Components of {mo.name}")
    for column in ("Component", "To Consume", "Reserved", "Lots/Serials"):
        table.add_column(
            column, justify="right" if column in ("To Consume", "Reserved") else "left"
        )
    for c in mo.components:
        lots = ", ".join(f"{name} ({quantity_text(q)})" for name, q in c.lots.items())
        table.add_row(c.product, quantity_text(c.quantity), quantity_text(c.reserved), lots)
    return table


@bom_app.command("add")
def bom_add(
    finished: str,
    components: Annotated[list[str], typer.Argument(help="COMPONENT:QTY ...")],
    quantity: Annotated[str, typer.Option(help="Units of FINISHED the BoM makes")] = "1",
    db: DbOption = None,
) -> None:
    """Add a bill of materials: FINISHED is made of COMPONENT:QTY ..."""
    bom = run(lambda a: a.manufacturing.bom(finished, _components(components), quantity), db)
    parts = ", ".join(f"{quantity_text(line.quantity)} {line.product}" for line in bom.lines)
    say(f"BoM #{bom.id}: {quantity_text(bom.quantity)} {bom.product} = {parts}")


@bom_app.command("list")
def bom_list(product: str, db: DbOption = None) -> None:
    """List the bills of materials of a product (the default first)."""
    from rich.table import Table

    table = Table(title=f"Bills of materials of {product}")
    for column in ("BoM", "Makes", "Components"):
        table.add_column(column)
    for bom in run(lambda a: a.manufacturing.boms(product), db):
        parts = ", ".join(f"{line.product}:{quantity_text(line.quantity)}" for line in bom.lines)
        table.add_row(f"#{bom.id}", quantity_text(bom.quantity), parts)
    console().print(table)


@mo_app.command("create")
def mo_create(
    product: str,
    quantity: str,
    bom: Annotated[int | None, typer.Option(help="BoM id (default: the first)")] = None,
    confirm: Annotated[bool, typer.Option(help="Confirm it at once")] = False,
    db: DbOption = None,
) -> None:
    """Create a manufacturing order (draft, or confirmed with --confirm)."""

    def action(a: Lotline) -> ManufacturingOrder:
        mo = a.manufacturing.order(product, quantity, bom=bom)
        return a.manufacturing.confirm(mo) if confirm else mo

    mo = run(action, db)
    say(f"{mo.name} created: {quantity_text(mo.quantity)} {mo.product} ({mo.state}).")


@mo_app.command("confirm")
def mo_confirm(name: str, db: DbOption = None) -> None:
    """Confirm an order: create its component needs and reserve what is in stock."""
    mo = run(lambda a: a.manufacturing.confirm(name), db)
    say(f"{mo.name} confirmed.")
    console().print(components_table(mo))


@mo_app.command("show")
def mo_show(name: str, db: DbOption = None) -> None:
    """Show an order and its components."""
    mo = run(lambda a: a.manufacturing.get(name), db)
    mo_table([mo], title=mo.name)
    console().print(components_table(mo))


@mo_app.command("list")
def mo_list(
    state: Annotated[str | None, typer.Option(help="draft, confirmed, done, cancelled")] = None,
    format: FormatOption = Format.table,
    limit: LimitOption = None,
    excel: ExcelOption = False,
    db: DbOption = None,
) -> None:
    """List the manufacturing orders."""
    rows = run(lambda a: a.manufacturing.list(state=state), db)
    write(rows, MO_COLUMNS, listing(format, limit, excel), title="Manufacturing orders")


@mo_app.command("lot")
def mo_lot(
    name: str,
    generate: Annotated[bool, typer.Option("--generate", help="The next available number")] = False,
    set_: Annotated[str | None, typer.Option("--set", help="An existing or new lot")] = None,
    db: DbOption = None,
) -> None:
    """Set the lot/serial number the order produces."""
    if generate == (set_ is not None):
        fail("give either --generate or --set LOT.")
    if set_ is not None:
        lot = run(lambda a: a.manufacturing.set_lot(name, set_), db)
    else:
        lot = run(lambda a: a.manufacturing.generate_lot(name), db)
    say(f"{name} will produce {lot.product} lot/serial {lot.name}.")


def _read_text(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        fail(f"The file {str(path)!r} is not UTF-8 text; save it as UTF-8 text.")
    except OSError as exc:
        fail(f"The file {str(path)!r} cannot be read: {exc.strerror or exc}; check the path.")


@mo_app.command("produce")
def mo_produce(
    name: str,
    first_serial: Annotated[str | None, typer.Option(help="First serial of a batch")] = None,
    count: Annotated[int | None, typer.Option(help="Number of serials of a batch")] = None,
    serials_file: Annotated[
        Path | None, typer.Option(help="Batch Production text: SERIAL[,LOTS...] per line")
    ] = None,
    quantity: Annotated[str | None, typer.Option(help="Produce only this much")] = None,
    prepare: Annotated[bool, typer.Option("--prepare", help="Prepare MO: split only")] = False,
    db: DbOption = None,
) -> None:
    """Produce All; for several serial units, batch production into split orders.

    Says every order it closed or created: the split orders and the backorder of the rest.
    """
    text = _read_text(serials_file)
    batch = text is not None or first_serial is not None or count is not None or prepare

    def produce(a: Lotline) -> list[ManufacturingOrder]:
        from lotline.errors import SerialsRequired

        if quantity is not None:
            return [a.manufacturing.produce(name, quantity)]
        if not batch:
            try:
                return [a.manufacturing.produce_all(name)]
            except SerialsRequired as exc:
                say(f"{exc}\nProducing the batch: first serial {exc.first}, {exc.count} serials.")
        size = f"{count} serials" if count is not None else "the batch"
        with progress(f"Batch production of {name}: {size}"):
            return a.manufacturing.batch_produce(
                name, first=first_serial, count=count, text=text, complete=not prepare
            )

    def action(a: Lotline) -> tuple[list[ManufacturingOrder], list[ManufacturingOrder]]:
        before = {mo.name for mo in a.manufacturing.backorders(name)}
        orders = produce(a)
        shown = {mo.name for mo in orders}
        family = a.manufacturing.backorders(name)
        return orders, [mo for mo in family if mo.name not in before | shown]

    orders, created = run(action, db)
    shown = orders if len(orders) <= 50 else [*orders[:25], *orders[-25:]]
    mo_table(shown, title=f"{len(orders)} order(s)")
    for mo in created:
        say(
            f"Backorder {mo.name} created for the rest: {quantity_text(mo.quantity)} "
            f"{mo.product} ({mo.state})."
        )


@mo_app.command("consume")
def mo_consume(
    name: str,
    component: str,
    lot: LotsOption = None,
    serials: SerialsOption = None,
    serials_file: FileOption = None,
    db: DbOption = None,
) -> None:
    """Choose the lots or serial numbers of a component that the order consumes."""

    def action(a: Lotline) -> ManufacturingOrder:
        given = lots_given(None, lot, serials, serials_file)
        if "lots" not in given:
            raise InvalidInput("Give the lots with --lot NAME:QTY, --serials or --serials-file.")
        return a.manufacturing.set_component_lots(name, component, given["lots"])

    mo = run(action, db)
    say(f"{mo.name} will consume these lots of {component}.")
    console().print(components_table(mo))


@mo_app.command("cancel")
def mo_cancel(name: str, db: DbOption = None) -> None:
    """Cancel an order and release its reserved components."""
    mo = run(lambda a: a.manufacturing.cancel(name), db)
    say(f"{mo.name} cancelled.")


@mo_app.command("backorders")
def mo_backorders(name: str, db: DbOption = None) -> None:
    """Every order of the same split family (the Backorders smart button)."""
    mo_table(run(lambda a: a.manufacturing.backorders(name), db), title="Backorders")
