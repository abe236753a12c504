"""The Lots/Serial Numbers dashboard (filters, Group By product, lot or location) and the
lot form with its Location smart button."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import Response

from lotline.models import LotRow, Quant
from lotline.web.pages import page, render
from lotline.web.routes import router
from lotline.web.sessions import Viewer

routes = router()
SHOWN = 1000  # rows of the dashboard shown at once; filters narrow the rest
SOON = timedelta(days=30)  # "Expiring soon": the expiration date within this time
GROUPS = ("product", "lot", "location")


def _expiring_soon(rows: list[LotRow]) -> list[LotRow]:
    now = datetime.now(UTC).replace(tzinfo=None)
    return [r for r in rows if r.expiration_date and now <= r.expiration_date <= now + SOON]


@routes.get("/lots")
def dashboard(
    web: Viewer,
    product: str = "",
    location: str = "",
    in_stock: bool = False,
    expired: bool = False,
    soon: bool = False,
    group: str = "product",
) -> Response:
    """Lots grouped by product (each expandable), by lot, or by location."""
    rows = web.app.lots.list(product or None, location or None, in_stock or None, expired or None)
    if soon:
        rows = _expiring_soon(rows)
    filters = {
        "product": product,
        "location": location,
        "in_stock": in_stock,
        "expired": expired,
        "soon": soon,
        "group": group if group in GROUPS else "product",
    }
    context: dict[str, Any] = {"filters": filters, "total": len(rows), "rows": rows[:SHOWN]}
    if filters["group"] == "location":
        context["by_location"] = _by_location(
            web.app.stock.quants(product or None, location or None)
        )
    return page(
        web,
        "lots.html",
        products=[p for p in web.app.products.list() if p.tracking != "none"],
        places=web.app.locations.list(usage="internal"),
        **context,
    )


def _by_location(quants: list[Quant]) -> dict[str, list[Quant]]:
    grouped: dict[str, list[Quant]] = defaultdict(list)
    for quant in quants:
        if quant.lot is not None and len(grouped[quant.location]) < SHOWN:
            grouped[quant.location].append(quant)
    return dict(sorted(grouped.items()))


@routes.get("/lot/places")
def lot_places(web: Viewer, product: str, name: str) -> Response:
    """One lot expanded: its quantity in each location."""
    quants = web.app.trace.locations(product, name)
    return render(web.request, "_lot_places.html", {"quants": quants}, user=web.user)


@routes.get("/lot")
def lot_page(web: Viewer, product: str, name: str) -> Response:
    """The Lot/Serial Number form with its Location and Traceability smart buttons."""
    lot = web.app.lots.get(product, name)
    tracked = web.app.products.get(product)
    on_hand = web.app.stock.on_hand(tracked, lot=lot.name)
    return page(web, "lot.html", lot=lot, product=tracked, on_hand=on_hand)


@routes.get("/lot/locations")
def lot_locations(web: Viewer, product: str, name: str) -> Response:
    """Location: where the lot is on hand."""
    quants = web.app.trace.locations(product, name)
    return page(web, "lot_locations.html", product=product, name=name, quants=quants)
