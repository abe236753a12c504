"""What every command shares: the Typer app, --db, opening the database, tables."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Annotated, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

import lotline
from lotline.cli.hints import hint_for
from lotline.errors import LotlineError
from lotline.models import Product, Quant

T = TypeVar("T")

app = typer.Typer(
    help="lotline: lot and serial number traceability for inventory and manufacturing.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

console = Console()
err_console = Console(stderr=True)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="LOTLINE_DB",
        help="Database URL (default: sqlite:///lotline.db; env LOTLINE_DB).",
        show_default=False,
    ),
]


class _State:
    db: str | None = None


state = _State()


@app.callback()
def _main(db: DbOption = None) -> None:
    state.db = db


def open_app(db: str | None = None) -> lotline.Lotline:
    return lotline.open(db or state.db)


def run(action: Callable[[lotline.Lotline], T], db: str | None = None) -> T:
    """Open the database, run one action, and turn refusals into a clear message."""
    try:
        with open_app(db) as opened:
            return action(opened)
    except LotlineError as exc:
        refuse(exc)


def refuse(error: LotlineError) -> NoReturn:
    """Print a refusal's message, then the command-line hint for its code; exit with 2."""
    fail(error.message or str(error), hint=hint_for(error))


def fail(message: str, *, hint: str | None = None) -> NoReturn:
    """Print a refusal (names such as "[reverted]" stay as they are) and exit with 2."""
    err_console.print(
        Text.assemble(("Error: ", "bold red"), message), highlight=False, soft_wrap=True
    )
    if hint:
        err_console.print(Text.assemble(("Hint: ", "bold"), hint), highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def say(message: str) -> None:
    """Print text that may hold names such as "[A]" without reading them as markup."""
    console.print(Text(message), highlight=False)


def cells(*values: str) -> list[Text]:
    """Table cells shown verbatim, never read as markup."""
    return [Text(value) for value in values]


def quantity_text(value: Decimal) -> str:
    return format(value.normalize(), "f") if value != value.to_integral_value() else str(int(value))


def quant_table(rows: Sequence[Quant], title: str = "Stock") -> Table:
    table = Table(title=title)
    for column in ("Product", "Location", "Lot/Serial Number", "On Hand", "Reserved"):
        table.add_column(column, justify="right" if column in ("On Hand", "Reserved") else "left")
    for q in rows:
        table.add_row(
            *cells(
                q.product,
                q.location,
                q.lot or "",
                quantity_text(q.quantity),
                quantity_text(q.reserved_quantity) if q.reserved_quantity else "",
            )
        )
    return table


def product_table(rows: Iterable[Product]) -> Table:
    table = Table(title="Products")
    for column in ("Code", "Name", "Unit", "Tracking", "GTIN"):
        table.add_column(column)
    for p in rows:
        table.add_row(*cells(p.code, p.name, p.unit, p.tracking, p.gtin or ""))
    return table
