"""Commands for lots and traceability: the dashboard, one lot's story, trace and recall.

``lots_app`` is the ``lotline lots`` group; other modules may add commands to it.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from lotline.cli.catalog import QUANT_COLUMNS
from lotline.cli.common import DbOption, app, console, fail, progress, run, say
from lotline.cli.output import (
    Column,
    ExcelOption,
    Format,
    FormatOption,
    LimitOption,
    Listing,
    date_text,
    listing,
    plain,
    quantity_text,
    write,
)

if TYPE_CHECKING:
    from rich.tree import Tree

    from lotline.app import Lotline
    from lotline.models import LotRow, MoveLine, Quant, RecallRow, TraceNode

lots_app = typer.Typer(help="Lots and serial numbers.", no_args_is_help=True)
app.add_typer(lots_app, name="lots")

ProductArg = Annotated[str, typer.Argument(help="Product code")]
LotArg = Annotated[str, typer.Argument(help="Lot or serial number")]
BIG_EXPORT = 10_000
UNCUT = 1_000_000
"""The width a tree is drawn at when not on a terminal: no label is ever cut."""

LOT_COLUMNS: tuple[Column[LotRow], ...] = (
    Column("Product", "product", lambda r: r.product),
    Column("Lot/Serial Number", "lot", lambda r: r.lot),
    Column("On Hand", "on_hand", lambda r: r.on_hand, right=True),
    Column("Locations", "locations", lambda r: r.locations),
    Column("Expiration", "expiration_date", lambda r: r.expiration_date),
    Column("Created", "created_at", lambda r: r.created_at),
)

MOVE_COLUMNS: tuple[Column[MoveLine], ...] = (
    Column("Date", "date", lambda m: m.date),
    Column("Reference", "reference", lambda m: m.reference),
    Column("From", "source", lambda m: m.source),
    Column("To", "destination", lambda m: m.destination),
    Column("Quantity", "quantity", lambda m: m.quantity, right=True),
    Column("Partner", "partner", lambda m: m.partner),
)

RECALL_COLUMNS: tuple[Column[RecallRow], ...] = (
    Column("Product", "product", lambda r: r.product),
    Column("Lot/Serial Number", "lot", lambda r: r.lot),
    Column("Location", "location", lambda r: r.location),
    Column("Partner", "partner", lambda r: r.partner),
    Column("Document", "document", lambda r: r.document),
    Column("Date", "date", lambda r: r.date),
    Column("Qty", "quantity", lambda r: r.quantity, right=True),
)


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
    format: FormatOption = Format.table,
    limit: LimitOption = None,
    excel: ExcelOption = False,
    db: DbOption = None,
) -> None:
    """The Lots/Serial Numbers dashboard: each lot with its on-hand quantity and places."""
    rows = run(
        lambda a: a.lots.list(
            product=product, location=location, in_stock=in_stock, expired=expired
        ),
        db,
    )
    write(rows, LOT_COLUMNS, listing(format, limit, excel), title="Lots/Serial Numbers")


@lots_app.command("show")
def lots_show(product: ProductArg, lot: LotArg, db: DbOption = None) -> None:
    """Where a lot is (Location) and every operation that moved it (Traceability)."""

    def action(a: Lotline) -> tuple[list[Quant], list[MoveLine]]:
        return a.trace.locations(product, lot), a.trace.history(product, lot)

    quants, moves = run(action, db)
    write(quants, QUANT_COLUMNS, Listing(), title=f"{product} {lot}: on hand")
    write(moves, MOVE_COLUMNS, Listing(), title=f"{product} {lot}: traceability")


def _label(node: TraceNode, with_place: bool) -> str:
    from rich.markup import escape

    parts = [f"[bold]{escape(node.product)}[/] {escape(node.lot)}", quantity_text(node.quantity)]
    if node.operation:
        parts.append(escape(node.operation))
    if node.partner:
        parts.append(escape(node.partner))
    if node.date:
        parts.append(date_text(node.date))
    text = " · ".join(parts)
    if with_place and node.current:
        places = "; ".join(
            f"{quantity_text(r.quantity)} delivered to {r.partner or r.location} "
            f"({r.document}, {date_text(r.date)})"
            if r.document
            else f"{quantity_text(r.quantity)} at {r.location}"
            for r in node.current
        )
        text += f"  [green]→ {escape(places)}[/]"
    return text


def trace_tree(root: TraceNode, title: str, with_place: bool) -> Tree:
    from rich.tree import Tree

    tree = Tree(f"{title}: {_label(root, with_place)}")
    pending: list[tuple[Tree, TraceNode]] = [(tree, child) for child in root.children]
    while pending:
        parent, node = pending.pop(0)
        branch = parent.add(_label(node, with_place))
        pending.extend((branch, child) for child in node.children)
    return tree


def _node(node: TraceNode) -> dict[str, Any]:
    """A trace node and its children, as JSON carries them."""
    return {
        "product": node.product,
        "lot": node.lot,
        "quantity": quantity_text(node.quantity),
        "operation": node.operation,
        "partner": node.partner,
        "date": node.date.isoformat() if node.date else None,
        "current": [{c.key: plain(c.value(r)) for c in RECALL_COLUMNS} for r in node.current],
        "children": [_node(child) for child in node.children],
    }


def _places(node: TraceNode) -> list[str]:
    return [f"{quantity_text(r.quantity)} {r.partner or r.location}" for r in node.current]


TRACE_COLUMNS: tuple[Column[tuple[int, TraceNode]], ...] = (
    Column("Level", "level", lambda item: item[0], right=True),
    Column("Product", "product", lambda item: item[1].product),
    Column("Lot/Serial Number", "lot", lambda item: item[1].lot),
    Column("Quantity", "quantity", lambda item: item[1].quantity, right=True),
    Column("Document", "operation", lambda item: item[1].operation),
    Column("Partner", "partner", lambda item: item[1].partner),
    Column("Date", "date", lambda item: item[1].date),
    Column(
        "Now",
        "current",
        lambda item: [
            f"{quantity_text(r.quantity)} {r.partner or r.location}" for r in item[1].current
        ],
    ),
)


@app.command("trace")
def trace(
    product: ProductArg,
    lot: LotArg,
    up: Annotated[bool, typer.Option("--up", help="What went into the lot")] = False,
    down: Annotated[bool, typer.Option("--down", help="Everything made from the lot")] = False,
    format: FormatOption = Format.table,
    excel: ExcelOption = False,
    db: DbOption = None,
) -> None:
    """The genealogy of a lot as a tree: --up to its components' receipts, --down to customers.

    CSV has one row per lot with its level in the tree; JSON is the tree itself.
    """
    if up == down:
        fail("choose one direction: --up or --down.")
    if up:
        root = run(lambda a: a.trace.upstream(product, lot), db)
    else:
        root = run(lambda a: a.trace.downstream(product, lot), db)
    how = listing(format, None, excel)
    if how.format is Format.json:
        sys.stdout.write(json.dumps(_node(root), ensure_ascii=False, indent=2) + "\n")
    elif how.format is Format.csv:
        write(root.walk(), TRACE_COLUMNS, how)
    else:
        tree = trace_tree(root, "Upstream" if up else "Downstream", with_place=down)
        wide = None if sys.stdout.isatty() else UNCUT
        console().print(tree, width=wide, crop=wide is None)


def _writable(path: Path | None, what: str) -> None:
    """Refuse, before any work, a file that cannot be written."""
    if path is None:
        return
    if path.is_dir():
        fail(f"Cannot write the {what} to {path}: it is a folder; give a file name.")
    folder = path.absolute().parent
    if not folder.is_dir():
        fail(f"Cannot write the {what} to {path}: the folder {folder} does not exist.")


def _export(rows: Sequence[RecallRow], path: Path, what: str, excel: bool) -> None:
    from lotline.services.exports import to_csv, to_xlsx

    big = f"Writing {len(rows)} rows to {path}" if len(rows) >= BIG_EXPORT else ""
    try:
        with progress(big):
            if excel:
                to_xlsx(rows, path)
            else:
                path.write_text("\ufeff" + to_csv(rows), encoding="utf-8")
    except OSError as exc:
        fail(f"Cannot write the {what} to {path}: {exc.strerror or exc}.")


@app.command("recall")
def recall(
    product: ProductArg,
    lot: LotArg,
    csv_path: Annotated[
        Path | None, typer.Option("--csv", help="Also write a CSV file (for Excel: with a BOM)")
    ] = None,
    xlsx_path: Annotated[
        Path | None, typer.Option("--xlsx", help="Also write an Excel file")
    ] = None,
    format: FormatOption = Format.table,
    limit: LimitOption = None,
    excel: ExcelOption = False,
    db: DbOption = None,
) -> None:
    """Every lot/serial made from a lot, and where each is now: in stock or at which customer."""
    _writable(csv_path, "CSV file")
    _writable(xlsx_path, "Excel workbook")
    rows = run(lambda a: a.trace.recall(product, lot), db)
    how = listing(format, limit, excel)
    write(rows, RECALL_COLUMNS, how, title=f"Recall of {product} {lot}")
    customers = sorted({r.partner for r in rows if r.partner})
    notes = not how.for_people
    say(f"{len(rows)} row(s); customers: {', '.join(customers) or 'none'}", to_stderr=notes)
    if csv_path is not None:
        _export(rows, csv_path, "CSV file", excel=False)
        say(f"CSV written to {csv_path}", to_stderr=notes)
    if xlsx_path is not None:
        _export(rows, xlsx_path, "Excel workbook", excel=True)
        say(f"Excel workbook written to {xlsx_path}", to_stderr=notes)
