"""Lots and serial numbers: the dashboard, one lot, where it is, its genealogy and recall."""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Query
from fastapi.responses import Response

from lotline.api.auth import Operator, Viewer
from lotline.api.inputs import LotNew
from lotline.api.paging import Page, Pages, page
from lotline.api.routes import Id, keys, router
from lotline.api.types import Text
from lotline.api.views import LotRowView, LotView, MoveLineView, QuantView, RecallRowView, TracePage
from lotline.app import Lotline
from lotline.models import Lot, LotRow, MoveLine, Quant, TraceNode

routes = router("lots")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Depth = Annotated[int | None, Query(ge=1, le=1000, description="Levels below the lot.")]


@routes.get("/lots", response_model=Page[LotRowView])
def list_lots(
    app: Viewer,
    paging: Pages,
    product: Annotated[Text | None, Query()] = None,
    location: Annotated[Text | None, Query()] = None,
    in_stock: Annotated[bool | None, Query()] = None,
    expired: Annotated[bool | None, Query()] = None,
    name: Annotated[Text | None, Query()] = None,
) -> dict[str, Any]:
    rows = app.lots.list(product, location, in_stock, expired)
    if name is not None:
        rows = [r for r in rows if r.lot == name]
    return page(rows, paging, lambda chosen: _with_ids(app, chosen))


def _with_ids(app: Lotline, rows: Sequence[LotRow]) -> list[dict[str, Any]]:
    ids = keys(app).lot_ids((r.product, r.lot) for r in rows)
    return [{**dataclasses.asdict(r), "id": ids[(r.product, r.lot)]} for r in rows]


@routes.post("/lots", response_model=LotView, status_code=201)
def create_lot(body: LotNew, app: Operator) -> Lot:
    values = body.given()
    return app.lots.create(values.pop("product"), values.pop("name"), **values)


@routes.get("/lots/{lot_id}", response_model=LotView)
def get_lot(lot_id: Id, app: Viewer) -> Lot:
    return app.lots.get(*keys(app).lot(lot_id))


@routes.get("/lots/{lot_id}/locations", response_model=Page[QuantView])
def lot_locations(lot_id: Id, app: Viewer, paging: Pages) -> dict[str, Any]:
    found: list[Quant] = app.trace.locations(*keys(app).lot(lot_id))
    return page(found, paging)


@routes.get("/lots/{lot_id}/history", response_model=Page[MoveLineView])
def lot_history(lot_id: Id, app: Viewer, paging: Pages) -> dict[str, Any]:
    found: list[MoveLine] = app.trace.history(*keys(app).lot(lot_id))
    return page(found, paging)


def _cut(node: TraceNode, depth: int | None) -> TraceNode:
    """The tree below ``node`` down to ``depth`` levels (None: all)."""
    if depth == 0:
        return dataclasses.replace(node, children=())
    below = None if depth is None else depth - 1
    return dataclasses.replace(node, children=tuple(_cut(c, below) for c in node.children))


def _trace_page(root: TraceNode, depth: int | None, paging: Any) -> dict[str, Any]:
    below = None if depth is None else depth - 1
    links = page(root.children, paging)
    return {
        "lot": dataclasses.replace(root, children=()),
        "items": [_cut(child, below) for child in links["items"]],
        "next_cursor": links["next_cursor"],
    }


@routes.get("/lots/{lot_id}/upstream", response_model=TracePage)
def upstream(lot_id: Id, app: Viewer, paging: Pages, depth: Depth = None) -> dict[str, Any]:
    """What went into the lot: one page of its components, each with its own tree."""
    return _trace_page(app.trace.upstream(*keys(app).lot(lot_id)), depth, paging)


@routes.get("/lots/{lot_id}/downstream", response_model=TracePage)
def downstream(lot_id: Id, app: Viewer, paging: Pages, depth: Depth = None) -> dict[str, Any]:
    """What was made from the lot: one page of those lots, each with its own tree."""
    return _trace_page(app.trace.downstream(*keys(app).lot(lot_id)), depth, paging)


@routes.get(
    "/lots/{lot_id}/recall",
    response_model=Page[RecallRowView],
    responses={200: {"content": {"text/csv": {}, XLSX: {}}}},
)
def recall(
    lot_id: Id,
    app: Viewer,
    paging: Pages,
    format: Annotated[Literal["json", "csv", "xlsx"], Query()] = "json",
) -> Any:
    """Where the lot and everything made from it is now; also as CSV or XLSX."""
    product, lot = keys(app).lot(lot_id)
    rows = app.trace.recall(product, lot)
    if format == "json":
        return page(rows, paging)
    filename = f"recall-{lot_id}.{format}"
    disposition = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if format == "csv":
        return Response(app.trace.to_csv(rows), media_type="text/csv", headers=disposition)
    with tempfile.TemporaryDirectory() as folder:
        path = app.trace.to_xlsx(rows, Path(folder) / filename)
        return Response(path.read_bytes(), media_type=XLSX, headers=disposition)
