"""The Update Quantity page of a product: its quants, edited in place, and their History."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import Form, Response

from lotline.errors import LotlineError
from lotline.models import Product, Quant
from lotline.web.pages import go, page, refusal, render, url
from lotline.web.routes import router
from lotline.web.sessions import Manager, Viewer, Web, flash

routes = router()
FIELDS = ("location", "lot", "quantity")


def _row(web: Web, template: str, status: int = 200, **context: object) -> Response:
    return render(web.request, template, context, user=web.user, status=status)


@routes.get("/quantity")
def update_quantity_page(web: Viewer, product: str) -> Response:
    found = web.app.products.get(product)
    return page(
        web, "quantities.html", product=found, quants=web.app.stock.quants(product=found.code)
    )


@routes.get("/quantity/edit")
def edit_row(web: Manager, product: str, location: str, lot: str = "") -> Response:
    """The pencil: the row's On Hand Quantity becomes a field, with Apply and History."""
    found = web.app.products.get(product)
    quantity = web.app.stock.on_hand(found, location, lot or None)
    quant = Quant(found.code, location, lot or None, quantity)
    return _row(web, "_quant_edit.html", product=found, quant=quant, index=_index(location, lot))


@routes.get("/quantity/view")
def view_row(web: Viewer, product: str, location: str, lot: str = "") -> Response:
    """Discard: the row as it is."""
    found = web.app.products.get(product)
    quantity = web.app.stock.on_hand(found, location, lot or None)
    quant = Quant(found.code, location, lot or None, quantity)
    return _row(web, "_quant_row.html", product=found, quant=quant)


@routes.get("/quantity/new")
def new_row(web: Manager, product: str) -> Response:
    """New: a line with a location, a Lot/Serial Number and an On Hand Quantity."""
    found = web.app.products.get(product)
    places = web.app.locations.list(usage="internal")
    return _row(web, "_quant_new.html", product=found, places=places, form={})


@routes.post("/quantity")
def set_quantity(
    web: Manager,
    product: Annotated[str, Form()],
    location: Annotated[str, Form()] = "",
    lot: Annotated[str, Form()] = "",
    quantity: Annotated[str, Form()] = "",
    new: Annotated[bool, Form()] = False,
) -> Response:
    """Apply an On Hand Quantity: one inventory adjustment, or a refusal on the row."""
    found = web.app.products.get(product)
    try:
        done = web.app.adjustments.set_quantity(found, location, quantity, lot or None)
    except LotlineError as exc:
        return _refused_row(web, found, exc, new=new, location=location, lot=lot, quantity=quantity)
    where = f"{location}" + (f", {lot}" if lot else "")
    if done is None:
        flash(web.request, f"{found.code} at {where} already had {quantity} on hand.")
    else:
        flash(web.request, f"On hand of {found.code} at {where} set to {quantity} ({done.name}).")
    return go(web.request, url("/quantity", product=found.code))


def _refused_row(
    web: Web, product: Product, exc: LotlineError, *, new: bool, **form: str
) -> Response:
    placed = refusal(exc, FIELDS)
    if new:
        places = web.app.locations.list(usage="internal")
        return _row(
            web, "_quant_new.html", 422, product=product, places=places, form=form, refusal=placed
        )
    quant = Quant(product.code, form["location"], form["lot"] or None, Decimal(0))
    index = _index(form["location"], form["lot"])
    return _row(
        web,
        "_quant_edit.html",
        422,
        product=product,
        quant=quant,
        typed=form["quantity"],
        index=index,
        refusal=placed,
    )


def _index(location: str, lot: str) -> str:
    """An id for a row's form, from its location and lot."""
    return format(abs(hash((location, lot))), "x")


@routes.get("/quantity/history")
def history_page(web: Viewer, product: str, location: str, lot: str = "") -> Response:
    """History: every move of the product at the location, the newest first."""
    found = web.app.products.get(product)
    lines = web.app.adjustments.history(found, location=location)
    return page(web, "history.html", product=found, location=location, lot=lot, lines=lines)
