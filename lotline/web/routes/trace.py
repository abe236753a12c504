"""The Traceability report (upstream and downstream, one level loaded at a time) and Recall
(every customer and document, as a table, CSV or XLSX)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from fastapi import Response

from lotline.errors import InvalidInput
from lotline.models import TraceNode
from lotline.web.pages import page, render
from lotline.web.routes import router
from lotline.web.sessions import Viewer, Web

routes = router()
LEVEL_PAGE = 50  # lots of one level shown at once ("Show more" loads the next ones)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _tree(web: Web, product: str, lot: str, direction: str) -> TraceNode:
    if direction == "up":
        return web.app.trace.upstream(product, lot)
    if direction == "down":
        return web.app.trace.downstream(product, lot)
    raise InvalidInput(f"Trace up or down, not {direction!r}.", details={"direction": direction})


@routes.get("/trace")
def trace_page(web: Viewer, product: str, lot: str, direction: str = "down") -> Response:
    """The report: the lot itself and the level just below it; deeper levels load when
    their lot is opened."""
    node = _tree(web, product, lot, direction)
    return page(web, "trace.html", direction=direction, **_level(node, 0))


def _level(node: TraceNode, offset: int) -> dict[str, Any]:
    end = offset + LEVEL_PAGE
    return {
        "parent": node,
        "nodes": node.children[offset:end],
        "next_offset": end if end < len(node.children) else None,
        "total": len(node.children),
    }


@routes.get("/trace/level")
def trace_level(
    web: Viewer, product: str, lot: str, direction: str = "down", offset: int = 0, depth: int = 1
) -> Response:
    """One level of the tree: the lots just below ``lot`` (a page of them), each with a
    toggle when it has lots below it."""
    node = _tree(web, product, lot, direction)
    context = {"direction": direction, "depth": depth, **_level(node, offset)}
    return render(web.request, "_trace_level.html", context, user=web.user)


@routes.get("/recall")
def recall_page(web: Viewer, product: str, lot: str) -> Response:
    """Recall: where the lot and everything made from it is now."""
    rows = web.app.trace.recall(product, lot)
    return page(web, "recall.html", product=product, lot=lot, rows=rows)


@routes.get("/recall/download")
def recall_download(web: Viewer, product: str, lot: str, format: str = "csv") -> Response:
    """The recall list as a CSV or XLSX file."""
    rows = web.app.trace.recall(product, lot)
    filename = f"recall-{product}-{lot}.{format}".replace("/", "-").replace('"', "")
    disposition = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if format == "csv":
        return Response(web.app.trace.to_csv(rows), media_type="text/csv", headers=disposition)
    if format != "xlsx":
        raise InvalidInput(f"Download as csv or xlsx, not {format!r}.", details={"format": format})
    with tempfile.TemporaryDirectory() as folder:
        path = web.app.trace.to_xlsx(rows, Path(folder) / "recall.xlsx")
        return Response(path.read_bytes(), media_type=XLSX, headers=disposition)
