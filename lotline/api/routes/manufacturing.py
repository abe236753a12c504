"""Bills of materials and manufacturing orders, with batch production."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request

from lotline.api.auth import Manager, Operator, Viewer
from lotline.api.inputs import BatchProduce, BomNew, ComponentLots, OrderLot, OrderNew, ProduceIn
from lotline.api.jobs import ASYNC_RESPONSES, answer
from lotline.api.paging import Page, Pages, page
from lotline.api.routes import Id, keys, router
from lotline.api.types import Text
from lotline.api.views import BomView, LotView, OrderView
from lotline.app import Lotline
from lotline.errors import InvalidInput
from lotline.models import Bom, Lot, ManufacturingOrder

routes = router("manufacturing")
ORDERS = "/manufacturing-orders"


def _name(app: Lotline, order_id: Id) -> str:
    return keys(app).document_name(order_id, {"manufacturing"})


@routes.get("/boms", response_model=Page[BomView])
def list_boms(
    app: Viewer, paging: Pages, product: Annotated[Text | None, Query()] = None
) -> dict[str, Any]:
    """Bills of materials by product, the default one of each first."""
    codes = [product] if product is not None else keys(app).products_with_boms()
    found: list[Bom] = [bom for code in codes for bom in app.manufacturing.boms(code)]
    return page(found, paging)


@routes.post("/boms", response_model=BomView, status_code=201)
def create_bom(body: BomNew, app: Manager) -> Bom:
    return app.manufacturing.bom(body.product, body.components, body.quantity)


@routes.get(ORDERS, response_model=Page[OrderView])
def list_orders(
    app: Viewer, paging: Pages, state: Annotated[Text | None, Query()] = None
) -> dict[str, Any]:
    return page(app.manufacturing.list(state), paging)


@routes.post(ORDERS, response_model=OrderView, status_code=201)
def create_order(body: OrderNew, app: Operator) -> ManufacturingOrder:
    return app.manufacturing.order(body.product, body.quantity, body.bom)


@routes.get(ORDERS + "/{order_id}", response_model=OrderView)
def get_order(order_id: Id, app: Viewer) -> ManufacturingOrder:
    return app.manufacturing.get(_name(app, order_id))


@routes.post(ORDERS + "/{order_id}/confirm", response_model=OrderView)
def confirm(order_id: Id, app: Operator) -> ManufacturingOrder:
    return app.manufacturing.confirm(_name(app, order_id))


@routes.post(ORDERS + "/{order_id}/cancel", response_model=OrderView)
def cancel(order_id: Id, app: Operator) -> ManufacturingOrder:
    return app.manufacturing.cancel(_name(app, order_id))


@routes.post(ORDERS + "/{order_id}/produce-all", response_model=OrderView)
def produce_all(order_id: Id, app: Operator) -> ManufacturingOrder:
    """Produce the whole order; several serial units answer 409 serials_required with the
    Batch Production proposal (first, count) in details."""
    return app.manufacturing.produce_all(_name(app, order_id))


@routes.post(ORDERS + "/{order_id}/produce", response_model=OrderView)
def produce(order_id: Id, body: ProduceIn, app: Operator) -> ManufacturingOrder:
    return app.manufacturing.produce(_name(app, order_id), body.quantity)


@routes.post(
    ORDERS + "/{order_id}/batch-produce", response_model=Page[OrderView], responses=ASYNC_RESPONSES
)
def batch_produce(order_id: Id, body: BatchProduce, app: Operator, request: Request) -> Any:
    """One order per serial; ``complete`` false prepares them (Prepare MO)."""
    name = _name(app, order_id)

    def work() -> dict[str, Any]:
        made = app.manufacturing.batch_produce(name, **body.given())
        return {"items": made, "next_cursor": None}

    return answer(request, app.user, "batch-produce", work, Page[OrderView])


@routes.put(ORDERS + "/{order_id}/component-lots", response_model=OrderView)
def component_lots(order_id: Id, body: ComponentLots, app: Operator) -> ManufacturingOrder:
    return app.manufacturing.set_component_lots(_name(app, order_id), body.component, body.lots)


@routes.post(ORDERS + "/{order_id}/lot", response_model=LotView)
def order_lot(order_id: Id, body: OrderLot, app: Operator) -> Lot:
    """The plus icon ({"generate": true}) or a named lot ({"name": ...}) for the order."""
    name = _name(app, order_id)
    if body.generate and body.name is None:
        return app.manufacturing.generate_lot(name)
    if body.name is not None and not body.generate:
        return app.manufacturing.set_lot(name, body.name)
    raise InvalidInput('Give either {"generate": true} or {"name": "..."}.')


@routes.get(ORDERS + "/{order_id}/backorders", response_model=Page[OrderView])
def backorders(order_id: Id, app: Viewer, paging: Pages) -> dict[str, Any]:
    return page(app.manufacturing.backorders(_name(app, order_id)), paging)
