"""Products: the list, a new product, and the product form with its Tracking setting."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Response

from lotline.errors import LotlineError
from lotline.web.pages import go, page, refusal, refused, url
from lotline.web.routes import router
from lotline.web.sessions import Manager, Viewer, flash

routes = router()
NEW_FIELDS = ("code", "name", "unit", "tracking", "gtin")


@routes.get("/products")
def products_page(web: Viewer) -> Response:
    return page(web, "products.html", products=web.app.products.list(), form={})


@routes.post("/products")
def create_product(
    web: Manager,
    code: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    unit: Annotated[str, Form()] = "Units",
    tracking: Annotated[str, Form()] = "none",
    gtin: Annotated[str, Form()] = "",
) -> Response:
    form = {"code": code, "name": name, "unit": unit, "tracking": tracking, "gtin": gtin}
    try:
        made = web.app.products.create(code, name, tracking, unit=unit, gtin=gtin or None)
    except LotlineError as exc:
        return refused(web, "products.html", "new", refusal(exc, NEW_FIELDS), form=form)
    flash(web.request, f"Product {made.code} created.")
    return go(web.request, url("/product", code=made.code))


def _product_page(web: Viewer, code: str, status: int = 200, **context: object) -> Response:
    product = web.app.products.get(code)
    return page(
        web,
        "product.html",
        status,
        product=product,
        on_hand=web.app.stock.on_hand(product),
        settings=web.app.settings.get(),
        **context,
    )


@routes.get("/product")
def product_page(web: Viewer, code: str) -> Response:
    return _product_page(web, code)


@routes.post("/product/tracking")
def set_tracking(web: Manager, code: str, tracking: Annotated[str, Form()] = "") -> Response:
    """Change the Tracking; with stock on hand, the warning says where stock has no lot."""
    try:
        warnings = web.app.products.set_tracking(code, tracking)
    except LotlineError as exc:
        return _product_page(web, code, status=422, refusal=refusal(exc, ("tracking",)))
    if not warnings:
        flash(web.request, "Tracking saved.")
        return go(web.request, url("/product", code=code))
    return _product_page(web, code, warnings=warnings)
