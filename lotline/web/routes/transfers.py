"""Receipts, deliveries and internal transfers: list, new (lines with lots by scan, by
First SN + Number of SN, or pasted), the form with Validate and its backorder question,
Check Availability, the lots of a line, Cancel and Return."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Annotated, Any

from fastapi import Form, Response

from lotline.errors import InvalidInput, LotlineError
from lotline.models import Operation, Product
from lotline.web.jobs import LONG_LIST, start_job
from lotline.web.pages import Refusal, go, page, refusal, render, url
from lotline.web.routes import router
from lotline.web.sessions import Operator, Viewer, Web, flash

routes = router()
KINDS = {"receipt": "Receipts", "delivery": "Deliveries", "internal": "Internal Transfers"}
HEAD_FIELDS = ("partner", "source", "destination", "location", "origin")
LINE_FIELDS = ("product", "quantity", "lots")
Texts = Annotated[list[str], Form()]


def transfer_url(name: str) -> str:
    return url("/transfer", name=name)


@routes.get("/transfers")
def transfers_page(web: Viewer, kind: str = "receipt", state: str = "") -> Response:
    found = web.app.transfers.list(kind, state or None)
    title = KINDS.get(kind, kind)
    return page(web, "transfers.html", transfers=list(reversed(found)), kind=kind, title=title)


def _new_page(web: Web, kind: str, status: int = 200, **context: Any) -> Response:
    return page(
        web,
        "transfer_new.html",
        status,
        kind=kind,
        title=KINDS.get(kind, kind),
        products=web.app.products.list(),
        places=web.app.locations.list(usage="internal"),
        **{"form": {}, "lines": [{}], **context},
    )


@routes.get("/transfers/new")
def new_transfer_page(web: Operator, kind: str = "receipt") -> Response:
    return _new_page(web, kind)


@routes.get("/transfers/line")
def new_line(web: Operator, index: int = 0) -> Response:
    """Add a line: one more product with its lots."""
    context = {"products": web.app.products.list(), "line": {}, "index": index}
    return render(web.request, "_transfer_line.html", context, user=web.user)


def _line(raw: dict[str, str], product: Product | None, web: Web) -> dict[str, Any]:
    """One line as the facade reads it: the pasted list (serials, or "LOT; quantity" per
    line), else the series First SN + Number of SN, else only a quantity."""
    line: dict[str, Any] = {"product": raw["product"], "quantity": raw["quantity"] or None}
    lots = raw["lots"]
    serial = product is not None and product.tracking == "serial"
    if lots.strip():
        entries = web.app.lots.parse_list(lots, serial=serial)
        line["lots"] = [name for name, _ in entries] if serial else dict(entries)
    elif raw["first"].strip():
        count = raw["count"].strip()
        line["first"], line["count"] = raw["first"].strip(), int(count) if count.isdigit() else -1
    return line


def _rows(*columns: list[str]) -> list[dict[str, str]]:
    """The form's lines: the i-th product, quantity, lots, first and count together."""
    keys = ("product", "quantity", "lots", "first", "count")
    return [dict(zip(keys, values, strict=True)) for values in zip(*columns, strict=True)]


def _placed(exc: LotlineError, rows: list[dict[str, str]], index: int | None = None) -> Refusal:
    """The refusal at its field; a line's field carries the line's number (lots-0, ...)."""
    placed = refusal(exc, HEAD_FIELDS + LINE_FIELDS)
    if placed.field not in LINE_FIELDS:
        return placed
    if index is None:
        named = exc.details.get("product")
        index = next((i for i, r in enumerate(rows) if r["product"] == named), None)
    field = f"{placed.field}-{index}" if index is not None else None
    return replace(placed, field=field)


def _create(web: Web, kind: str, lines: list[dict[str, Any]], head: dict[str, str]) -> Operation:
    transfers, origin = web.app.transfers, head["origin"] or None
    if kind == "receipt":
        return transfers.receipt(lines, head["partner"] or None, head["destination"], origin)
    if kind == "delivery":
        return transfers.delivery(lines, head["partner"] or None, head["source"], origin)
    return transfers.internal(lines, head["source"], head["destination"], origin)


@routes.post("/transfers")
def create_transfer(
    web: Operator,
    kind: str = "receipt",
    partner: Annotated[str, Form()] = "",
    origin: Annotated[str, Form()] = "",
    source: Annotated[str, Form()] = "WH/Stock",
    destination: Annotated[str, Form()] = "WH/Stock",
    product: Texts = [],  # noqa: B006 (FastAPI copies defaults)
    quantity: Texts = [],  # noqa: B006
    lots: Texts = [],  # noqa: B006
    first: Texts = [],  # noqa: B006
    count: Texts = [],  # noqa: B006
) -> Response:
    """Create the document from its lines; a refusal shows at its line, nothing is saved."""
    head = {"partner": partner, "origin": origin, "source": source, "destination": destination}
    rows = [r for r in _rows(product, quantity, lots, first, count) if any(r.values())]
    known = {p.code: p for p in web.app.products.list()}
    lines = []
    for index, row in enumerate(rows):
        try:
            lines.append(_line(row, known.get(row["product"]), web))
        except LotlineError as exc:
            return _new_page(
                web, kind, 422, form=head, lines=rows, refusal=_placed(exc, rows, index)
            )

    def work() -> str:
        return transfer_url(_create(web, kind, lines, head).name)

    if sum(r["lots"].count("\n") + _whole(r["count"]) for r in rows) >= LONG_LIST:
        return start_job(web, f"{kind}", work)
    try:
        url = work()
    except LotlineError as exc:
        return _new_page(web, kind, 422, form=head, lines=rows or [{}], refusal=_placed(exc, rows))
    return go(web.request, url)


def _whole(text: str) -> int:
    return int(text) if text.strip().isdigit() else 0


@routes.post("/transfers/scan")
def scan(
    web: Operator,
    index: Annotated[int, Form()] = 0,
    scan: Annotated[str, Form()] = "",
    product: Annotated[str, Form()] = "",
    quantity: Annotated[str, Form()] = "",
    lots: Annotated[str, Form()] = "",
    first: Annotated[str, Form()] = "",
    count: Annotated[str, Form()] = "",
) -> Response:
    """A scanned (or typed) barcode: its lot or serial is added to the line's list; a GS1
    label names the product by its GTIN."""
    line = {"product": product, "quantity": quantity, "lots": lots, "first": first, "count": count}
    context: dict[str, Any] = {"products": web.app.products.list(), "index": index}
    try:
        read = web.app.lots.parse_barcode(scan)
        if read.gtin:
            line["product"] = _scanned_product(web, read.gtin, product)
    except LotlineError as exc:
        placed = replace(refusal(exc), field=f"scan-{index}")
        return render(
            web.request,
            "_transfer_line.html",
            {**context, "line": line, "refusal": placed, "scan": scan},
            user=web.user,
            status=422,
        )
    name = read.serial or read.lot or read.raw
    entry = f"{name}; {read.quantity}" if read.quantity is not None else name
    line["lots"] = "\n".join([*lots.splitlines(), entry]).strip("\n")
    return _line_fragment(web, {**context, "line": line})


@routes.post("/transfers/generate")
def generate(
    web: Operator,
    index: Annotated[int, Form()] = 0,
    product: Annotated[str, Form()] = "",
    quantity: Annotated[str, Form()] = "",
    lots: Annotated[str, Form()] = "",
    first: Annotated[str, Form()] = "",
    count: Annotated[str, Form()] = "",
) -> Response:
    """Generate: Number of SN serial numbers from First SN, into the line's list (a long
    series is made on Save instead, from First SN and Number of SN)."""
    line = {"product": product, "quantity": quantity, "lots": lots, "first": first, "count": count}
    context: dict[str, Any] = {"products": web.app.products.list(), "index": index, "line": line}
    if not count.strip().isdigit():
        wrong = Refusal(f"The Number of SN must be a whole number, not {count!r}.", f"lots-{index}")
        return _line_fragment(web, {**context, "refusal": wrong}, 422)
    if int(count) >= LONG_LIST:
        return _line_fragment(web, {**context, "series": int(count)})
    try:
        names = web.app.lots.generate_names(first, int(count))
    except LotlineError as exc:
        return _line_fragment(web, {**context, "refusal": _placed(exc, [line], index)}, 422)
    line["lots"] = "\n".join([*lots.splitlines(), *names]).strip("\n")
    line["first"] = line["count"] = ""
    return _line_fragment(web, context)


def _line_fragment(web: Web, context: dict[str, Any], status: int = 200) -> Response:
    return render(web.request, "_transfer_line.html", context, user=web.user, status=status)


def _scanned_product(web: Web, gtin: str, chosen: str) -> str:
    """The product of a scanned GTIN; refused when another product was chosen."""
    found = web.app.products.get_by_gtin(gtin)
    if chosen and chosen != found.code:
        raise InvalidInput(
            f"This label is for {found.code} (GTIN {gtin}), not {chosen}; scan the label of "
            f"{chosen}, or add a line for {found.code}.",
            details={"product": chosen, "gtin": gtin},
        )
    return found.code


def _transfer_page(web: Web, name: str, status: int = 200, **context: Any) -> Response:
    found = web.app.transfers.get(name)
    backorders = web.app.transfers.backorders(name) if found.state == "done" else []
    return page(web, "transfer.html", status, op=found, backorders=backorders, **context)


@routes.get("/transfer")
def transfer_page(web: Viewer, name: str) -> Response:
    return _transfer_page(web, name)


def _partial(found: Operation) -> bool:
    """Less is detailed than demanded on a line that has some: ask about a backorder."""
    return any(0 < line.done_quantity < line.quantity for line in found.lines)


@routes.post("/transfer/validate")
def validate(web: Operator, name: str, backorder: Annotated[str, Form()] = "") -> Response:
    """Validate; with less done than demanded, first the question: Create Backorder?"""
    found = web.app.transfers.get(name)
    if not backorder and _partial(found):
        response = render(web.request, "_backorder.html", {"op": found}, user=web.user)
        response.headers.update({"HX-Retarget": "body", "HX-Reswap": "beforeend"})
        response.headers["HX-Reselect"] = "#backorder-question"
        return response
    try:
        done = web.app.transfers.validate(name, backorder=backorder != "no")
    except LotlineError as exc:
        return _transfer_page(web, name, 422, refusal=refusal(exc))
    rest = web.app.transfers.backorders(done.name)
    more = f"; the rest is on backorder {rest[0].name}" if rest else ""
    flash(web.request, f"{done.name} is done{more}.")
    return go(web.request, transfer_url(done.name))


@routes.post("/transfer/reserve")
def reserve(web: Operator, name: str) -> Response:
    """Check Availability: reserve the lots to take."""
    return _act(web, name, web.app.transfers.reserve)


@routes.post("/transfer/cancel")
def cancel(web: Operator, name: str) -> Response:
    """Cancel: the document's reservations are given back."""
    return _act(web, name, web.app.transfers.cancel)


def _act(web: Operator, name: str, action: Callable[[str], object]) -> Response:
    """Run one action on the document, then show it (or the refusal on its page)."""
    try:
        action(name)
    except LotlineError as exc:
        return _transfer_page(web, name, 422, refusal=refusal(exc))
    return go(web.request, transfer_url(name))


@routes.post("/transfer/return")
def make_return(web: Operator, name: str) -> Response:
    """Return: the reverse document with the same lots, ready to validate."""
    try:
        made = web.app.transfers.return_of(name)
    except LotlineError as exc:
        return _transfer_page(web, name, 422, refusal=refusal(exc))
    flash(web.request, f"{made.name} returns {name}; check it, then Validate.")
    return go(web.request, transfer_url(made.name))


@routes.post("/transfer/lots")
def set_lots(
    web: Operator,
    name: str,
    product: Annotated[str, Form()],
    lots: Annotated[str, Form()] = "",
) -> Response:
    """The lots/serials a line will move: one per line, "LOT; quantity" for lots."""
    try:
        tracked = web.app.products.get(product)
        entries = web.app.lots.parse_list(lots, serial=tracked.tracking == "serial")
        given: Any = [n for n, _ in entries] if tracked.tracking == "serial" else dict(entries)
        web.app.transfers.set_lots(name, product, given)
    except LotlineError as exc:
        placed = refusal(exc, ("lots",))
        return _transfer_page(web, name, 422, refusal=placed, line_product=product, typed=lots)
    return go(web.request, transfer_url(name))
