"""Commands for lots and traceability: the dashboard, one lot's story, trace and recall.

``lots_app`` is the ``lotline lots`` group; other modules may add commands to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

import lotline
from lotline.cli.common import DbOption, app, console, err_console, quant_table, quantity_text, run
from lotline.models import LotRow, MoveLine, Quant, RecallRow, TraceNode
from lotline.services.exports import RECALL_COLUMNS, to_csv, to_xlsx

lots_app = typer.Typer(help="Lots and serial numbers.", no_args_is_help=True)
app.add_typer(lots_app, name="lots")

ProductArg = Annotated[str, typer.Argument(help="Product code")]
LotArg = Annotated[str, typer.Argument(help="Lot or serial number")]


def _date(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def lot_table(rows: Sequence[LotRow]) -> Table:
    table = Table(title="Lots/Serial Numbers")
    for column in ("Product", "Lot/Serial Number", "On Hand", "Locations", "Expiration", "Created"):
        table.add_column(column, justify="right" if column == "On Hand" else "left")
    for r in rows:
        table.add_row(
            r.product,
            r.lot,
            quantity_text(r.on_hand),
            ", ".join(r.locations),
            _date(r.expiration_date),
            _date(r.created_at),
        )
    return table


def history_table(rows: Sequence[MoveLine], title: str = "Traceability") -> Table:
    table = Table(title=title)
    for column in ("Date", "Reference", "From", "To", "Quantity", "Partner"):
        table.add_column(column, justify="right" if column == "Quantity" else "left")
    for m in rows:
        table.add_row(
            _date(m.date),
            m.reference,
            m.source,
            m.destination,
            quantity_text(m.quantity),
            m.partner or "",
        )
    return table


def recall_table(rows: Sequence[RecallRow], title: str) -> Table:
    table = Table(title=title)
    for column in RECALL_COLUMNS:
        table.add_column(column, justify="right" if column == "Qty" else "left")
    for r in rows:
        table.add_row(
            r.product,
            r.lot,
            r.location or "(nowhere: scrapped or consumed)",
            r.partner or "",
            r.document or "",
            _date(r.date),
            quantity_text(r.quantity),
        )
    return table


def _label(node: TraceNode, with_place: bool) -> str:
    parts = [f"[bold]{escape(node.product)}[/] {escape(node.lot)}", quantity_text(node.quantity)]
    if node.operation:
        parts.append(escape(node.operation))
    if node.partner:
        parts.append(escape(node.partner))
    if node.date:
        parts.append(_date(node.date))
    text = " · ".join(parts)
    if with_place and node.current:
        places = "; ".join(
            f"{quantity_text(r.quantity)} delivered to {r.partner or r.location} "
            f"({r.document}, {_date(r.date)})"
            if r.document
            else f"{quantity_text(r.quantity)} at {r.location}"
            for r in node.current
        )
        text += f"  [green]→ {escape(places)}[/]"
    return text


def trace_tree(root: TraceNode, title: str, with_place: bool) -> Tree:
    tree = Tree(f"{title}: {_label(root, with_place)}")
    pending: list[tuple[Tree, TraceNode]] = [(tree, child) for child in root.children]
    while pending:
        parent, node = pending.pop(0)
        branch = parent.add(_label(node, with_place))
        pending.extend((branch, child) for child in node.children)
    return tree


@lots_app.command("list")
def lots_list(
    product: Annotated[str | None, typer.Option(help="Product code")] = None,
    location: Annotated[str | None, typer.Option(help="Location (children included)")] = None,
    in_stock: Annotated[
        bool | None, typer.Option("--in-stock/--not-in-stock", help="Only lots with/without stock")
    ] = None,
    expired: Annotated[
        bool | None, typer.Option("--expired/--not-expired", help="Only expired/unexpired lots")
    ] = None,
    db: DbOption = None,
) -> None:
    """The Lots/Serial Numbers dashboard: each lot with its on-hand quantity and places."""
    rows = run(
        lambda a: a.lots.list(
            product=product, location=location, in_stock=in_stock, expired=expired
        ),
        db,
    )
    console.print(lot_table(rows))


@lots_app.command("show")
def lots_show(product: ProductArg, lot: LotArg, db: DbOption = None) -> None:
    """Where a lot is (Location) and every operation that moved it (Traceability)."""

    def action(a: lotline.Lotline) -> tuple[list[Quant], list[MoveLine]]:
        return a.trace.locations(product, lot), a.trace.history(product, lot)

    quants, moves = run(action, db)
    console.print(quant_table(quants, title=f"{product} {lot}: on hand"))
    console.print(history_table(moves, title=f"{product} {lot}: traceability"))


@app.command("trace")
def trace(
    product: ProductArg,
    lot: LotArg,
    up: Annotated[bool, typer.Option("--up", help="What went into the lot")] = False,
    down: Annotated[bool, typer.Option("--down", help="Everything made from the lot")] = False,
    db: DbOption = None,
) -> None:
    """The genealogy of a lot as a tree: --up to its components' receipts, --down to customers."""
    if up == down:
        err_console.print("[bold red]Error:[/] choose one direction: --up or --down.")
        raise typer.Exit(2)
    if up:
        root = run(lambda a: a.trace.upstream(product, lot), db)
        console.print(trace_tree(root, "Upstream", with_place=False))
    else:
        root = run(lambda a: a.trace.downstream(product, lot), db)
        console.print(trace_tree(root, "Downstream", with_place=True))


@app.command("recall")
def recall(
    product: ProductArg,
    lot: LotArg,
    csv_path: Annotated[Path | None, typer.Option("--csv", help="Also write a CSV file")] = None,
    xlsx_path: Annotated[
        Path | None, typer.Option("--xlsx", help="Also write an Excel file")
    ] = None,
    db: DbOption = None,
) -> None:
    """Every lot/serial made from a lot, and where each is now: in stock or at which customer."""
    rows = run(lambda a: a.trace.recall(product, lot), db)
    console.print(recall_table(rows, title=f"Recall of {product} {lot}"))
    customers = sorted({r.partner for r in rows if r.partner})
    console.print(f"{len(rows)} row(s); customers: {', '.join(customers) or 'none'}")
    if csv_path is not None:
        csv_path.write_text(to_csv(rows), encoding="utf-8")
        console.print(f"CSV written to {csv_path}")
    if xlsx_path is not None:
        to_xlsx(rows, xlsx_path)
        console.print(f"Excel workbook written to {xlsx_path}")
