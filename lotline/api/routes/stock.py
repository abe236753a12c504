"""Stock on hand, the ledger's history, inventory counts and adjustments."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query

from lotline.api.auth import Manager, Operator, Viewer
from lotline.api.inputs import ApplyCounts, AssignLots, CountNew, QuantityAdjustment
from lotline.api.paging import Page, Pages, page
from lotline.api.routes import Id, keys, router
from lotline.api.types import Text
from lotline.api.views import (
    AdjustmentResult,
    ClearedView,
    CountView,
    DocumentView,
    MoveLineView,
    OnHandView,
    QuantView,
)
from lotline.models import Count, Operation

routes = router("stock")
Filter = Annotated[Text | None, Query()]


@routes.get("/stock", response_model=Page[QuantView])
def stock(
    app: Viewer, paging: Pages, product: Filter = None, location: Filter = None, lot: Filter = None
) -> dict[str, Any]:
    """Every non-zero quant, in internal locations unless ``location`` is given."""
    return page(app.stock.quants(product, location, lot), paging)


@routes.get("/stock/on-hand", response_model=OnHandView)
def on_hand(
    app: Viewer,
    product: Annotated[Text, Query()],
    location: Filter = None,
    lot: Filter = None,
) -> dict[str, Any]:
    quantity = app.stock.on_hand(product, location, lot)
    return {"product": product, "location": location, "lot": lot, "quantity": quantity}


@routes.get("/stock/untracked", response_model=Page[QuantView])
def untracked(app: Viewer, paging: Pages, product: Filter = None) -> dict[str, Any]:
    """Stock of tracked products without a lot/serial number (to repair)."""
    return page(app.stock.untracked(product), paging)


@routes.get("/history", response_model=Page[MoveLineView])
def history(
    app: Viewer,
    paging: Pages,
    product: Annotated[Text, Query()],
    lot: Filter = None,
    location: Filter = None,
) -> dict[str, Any]:
    """The done moves of a product, newest first."""
    return page(app.adjustments.history(product, lot, location), paging)


@routes.post("/adjustments/quantity", response_model=AdjustmentResult)
def set_quantity(body: QuantityAdjustment, app: Manager) -> dict[str, Any]:
    """Update Quantity: set what is on hand; ``document`` is null when nothing changed."""
    made = app.adjustments.set_quantity(
        body.product, body.location, body.quantity, body.lot, reason=body.reason
    )
    return {"document": made}


@routes.post("/adjustments/assign-lots", response_model=DocumentView)
def assign_lots(body: AssignLots, app: Manager) -> Operation:
    """Give lots to stock that has none (the repair after switching a product to tracking)."""
    return app.adjustments.assign_lots(
        body.product,
        body.location,
        body.lots,
        first=body.first,
        count=body.count,
        reason=body.reason,
    )


@routes.post("/adjustments/{adjustment_id}/revert", response_model=DocumentView)
def revert(adjustment_id: Id, app: Manager) -> Operation:
    return app.adjustments.revert(keys(app).document_name(adjustment_id, {"adjustment"}))


@routes.get("/counts", response_model=Page[CountView])
def pending_counts(app: Viewer, paging: Pages) -> dict[str, Any]:
    return page(app.adjustments.pending(), paging)


@routes.post("/counts", response_model=CountView, status_code=201)
def record_count(body: CountNew, app: Operator) -> Count:
    return app.adjustments.count(body.product, body.location, body.quantity, body.lot)


@routes.delete("/counts", response_model=ClearedView)
def clear_counts(app: Operator, product: Filter = None, location: Filter = None) -> dict[str, int]:
    return {"cleared": app.adjustments.clear(product, location)}


@routes.post("/counts/apply", response_model=AdjustmentResult)
def apply_counts(app: Operator, body: ApplyCounts | None = None) -> dict[str, Any]:
    chosen = body or ApplyCounts()
    return {"document": app.adjustments.apply(reason=chosen.reason, force=chosen.force)}
