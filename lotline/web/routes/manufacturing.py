"""Manufacturing orders: list, new, the order form with its Lot/Serial Number field and
plus icon, Produce All, the Batch Production pop-up (Prepare MO, Produce) and Backorders."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Response

from lotline.errors import LotlineError, SerialsRequired
from lotline.models import ManufacturingOrder
from lotline.web.jobs import LONG_LIST, start_job
from lotline.web.pages import Refusal, go, page, refusal, refused, render, url
from lotline.web.routes import router
from lotline.web.sessions import Operator, Viewer, Web, flash

routes = router()
NEW_FIELDS = ("product", "quantity")
LOT_FIELDS = ("lot",)
BATCH_FIELDS = ("first", "count", "lots")


def order_url(name: str) -> str:
    return url("/mo", name=name)


@routes.get("/manufacturing")
def orders_page(web: Viewer, state: str = "") -> Response:
    orders = web.app.manufacturing.list(state or None)
    return page(web, "mos.html", orders=list(reversed(orders)), state=state)


@routes.get("/manufacturing/new")
def new_order_page(web: Operator) -> Response:
    return page(web, "mo_new.html", products=web.app.products.list(), form={})


@routes.post("/manufacturing")
def create_order(
    web: Operator,
    product: Annotated[str, Form()] = "",
    quantity: Annotated[str, Form()] = "",
    action: Annotated[str, Form()] = "save",
) -> Response:
    """Save a draft order, or Confirm it at once (its components are then reserved)."""
    try:
        made = web.app.manufacturing.order(product, quantity)
    except LotlineError as exc:
        form = {"product": product, "quantity": quantity}
        context = {"products": web.app.products.list(), "form": form}
        return refused(web, "mo_new.html", "form", refusal(exc, NEW_FIELDS), **context)
    if action == "confirm":
        return confirm(web, made.name)
    return go(web.request, order_url(made.name))


def _order_page(
    web: Web, order: ManufacturingOrder, status: int = 200, **context: object
) -> Response:
    family = web.app.manufacturing.backorders(order.name) if order.split_root else []
    lots = web.app.lots.find(order.product) if order.state not in ("draft", "done") else []
    return page(
        web,
        "mo.html",
        status,
        mo=order,
        product=web.app.products.get(order.product),
        family=family,
        lots=lots[-200:],
        **context,
    )


@routes.get("/mo")
def order_page(web: Viewer, name: str) -> Response:
    return _order_page(web, web.app.manufacturing.get(name))


@routes.post("/mo/confirm")
def confirm(web: Operator, name: str) -> Response:
    try:
        web.app.manufacturing.confirm(name)
    except LotlineError as exc:
        order = web.app.manufacturing.get(name)
        return _order_page(web, order, 422, refusal=refusal(exc))
    return go(web.request, order_url(name))


@routes.post("/mo/cancel")
def cancel(web: Operator, name: str) -> Response:
    try:
        web.app.manufacturing.cancel(name)
    except LotlineError as exc:
        return _order_page(web, web.app.manufacturing.get(name), 422, refusal=refusal(exc))
    flash(web.request, f"{name} is cancelled.")
    return go(web.request, order_url(name))


@routes.post("/mo/lot")
def set_lot(
    web: Operator,
    name: str,
    lot: Annotated[str, Form()] = "",
    generate: Annotated[bool, Form()] = False,
) -> Response:
    """The plus icon (the next available number) or a typed lot/serial (existing or new)."""
    try:
        if generate:
            web.app.manufacturing.generate_lot(name)
        else:
            web.app.manufacturing.set_lot(name, lot)
    except SerialsRequired as exc:
        return _batch_dialog(web, name, {"first": exc.first, "count": str(exc.count)}, opening=True)
    except LotlineError as exc:
        order = web.app.manufacturing.get(name)
        return _order_page(web, order, 422, refusal=refusal(exc, LOT_FIELDS), typed=lot)
    return go(web.request, order_url(name))


@routes.post("/mo/components")
def set_component_lots(
    web: Operator,
    name: str,
    component: Annotated[str, Form()],
    lots: Annotated[str, Form()] = "",
) -> Response:
    """The lots a component line consumes, one per line ("OAK-1; 3", or a serial)."""
    try:
        given = dict(web.app.lots.parse_list(lots))
        web.app.manufacturing.set_component_lots(name, component, given)
    except LotlineError as exc:
        order = web.app.manufacturing.get(name)
        placed = refusal(exc, ("lots",))
        return _order_page(web, order, 422, refusal=placed, component=component, typed=lots)
    return go(web.request, order_url(name))


@routes.post("/mo/produce-all")
def produce_all(web: Operator, name: str) -> Response:
    """Produce All; an order of several serial units opens Batch Production instead."""
    try:
        done = web.app.manufacturing.produce_all(name)
    except SerialsRequired as exc:
        return _batch_dialog(web, name, {"first": exc.first, "count": str(exc.count)}, opening=True)
    except LotlineError as exc:
        return _order_page(web, web.app.manufacturing.get(name), 422, refusal=refusal(exc))
    flash(web.request, f"{done.name} is done: {done.quantity} {done.product} in {done.lot}.")
    return go(web.request, order_url(done.name))


def _batch_dialog(
    web: Web,
    name: str,
    form: dict[str, str],
    status: int = 200,
    placed: Refusal | None = None,
    *,
    opening: bool = False,
) -> Response:
    """The Batch Production pop-up: added to the page when ``opening``, else in place."""
    context = {"mo": web.app.manufacturing.get(name), "form": form, "refusal": placed}
    response = render(web.request, "_batch.html", context, user=web.user, status=status)
    if opening:
        response.headers["HX-Retarget"] = "body"
        response.headers["HX-Reswap"] = "beforeend"
        response.headers["HX-Reselect"] = "#batch-production"
    return response


@routes.post("/mo/batch/generate")
def generate(
    web: Operator,
    name: str,
    first: Annotated[str, Form()] = "",
    count: Annotated[str, Form()] = "",
) -> Response:
    """Generate: Number of SN serial numbers from First Lot/SN, in the text box."""
    form = {"first": first, "count": count}
    if not count.strip().isdigit():
        wrong = Refusal(f"The Number of SN must be a whole number, not {count!r}.", "count")
        return _batch_dialog(web, name, form, 422, wrong)
    try:
        names = web.app.lots.generate_names(first, int(count))
    except LotlineError as exc:
        return _batch_dialog(web, name, form, 422, refusal(exc, BATCH_FIELDS))
    return _batch_dialog(web, name, {**form, "lots": "\n".join(names)})


@routes.post("/mo/batch")
def batch_produce(
    web: Operator,
    name: str,
    first: Annotated[str, Form()] = "",
    count: Annotated[str, Form()] = "",
    lots: Annotated[str, Form()] = "",
    action: Annotated[str, Form()] = "produce",
) -> Response:
    """Prepare MO (split, left open) or Produce (split and done); shows the first split order."""
    complete = action == "produce"

    def work() -> str:
        made = web.app.manufacturing.batch_produce(name, text=lots, complete=complete)
        return order_url(made[0].name)

    if len(lots.splitlines()) >= LONG_LIST:
        return start_job(web, "batch-production", work)
    try:
        url = work()
    except LotlineError as exc:
        form = {"first": first, "count": count, "lots": lots}
        return _batch_dialog(web, name, form, 422, refusal(exc, BATCH_FIELDS))
    return go(web.request, url)


@routes.get("/mo/backorders")
def backorders_page(web: Viewer, name: str) -> Response:
    """The Backorders smart button: every order of the split family."""
    family = web.app.manufacturing.backorders(name)
    return page(web, "mos.html", orders=family, state="", family_of=name)
