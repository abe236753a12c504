"""Settings, products, locations, numbering and scanning."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from lotline.api.auth import Admin, Manager, Operator, Viewer
from lotline.api.inputs import (
    BarcodeIn,
    LocationNew,
    ProductNew,
    ProductOptions,
    SeriesNew,
    SettingsPatch,
    TrackingPut,
)
from lotline.api.paging import Page, Pages, page
from lotline.api.routes import Id, keys, router
from lotline.api.types import Text
from lotline.api.views import (
    LocationView,
    NamesView,
    NameView,
    ProductView,
    ScanView,
    SettingsView,
    TrackingChange,
)
from lotline.errors import NotFound
from lotline.models import Location, Product, Settings

routes = router("catalog")


@routes.get("/settings", response_model=SettingsView)
def get_settings(app: Viewer) -> Settings:
    return app.settings.get()


@routes.patch("/settings", response_model=SettingsView)
def patch_settings(body: SettingsPatch, app: Admin) -> Settings:
    return app.settings.update(**body.given())


@routes.get("/products", response_model=Page[ProductView])
def list_products(
    app: Viewer,
    paging: Pages,
    code: Annotated[Text | None, Query()] = None,
    tracking: Annotated[Text | None, Query()] = None,
) -> dict[str, object]:
    found = [
        p
        for p in app.products.list()
        if (code is None or p.code == code) and (tracking is None or p.tracking == tracking)
    ]
    return page(found, paging)


@routes.post("/products", response_model=ProductView, status_code=201)
def create_product(body: ProductNew, app: Manager) -> Product:
    values = body.given()
    return app.products.create(values.pop("code"), values.pop("name"), **values)


@routes.get("/products/{product_id}", response_model=ProductView)
def get_product(product_id: Id, app: Viewer) -> Product:
    return app.products.get(keys(app).product_code(product_id))


@routes.patch("/products/{product_id}", response_model=ProductView)
def patch_product(product_id: Id, body: ProductOptions, app: Manager) -> Product:
    return app.products.update(keys(app).product_code(product_id), **body.given())


@routes.put("/products/{product_id}/tracking", response_model=TrackingChange)
def put_tracking(product_id: Id, body: TrackingPut, app: Manager) -> dict[str, object]:
    code = keys(app).product_code(product_id)
    warnings = app.products.set_tracking(code, body.tracking)
    return {"product": app.products.get(code), "warnings": warnings}


@routes.get("/products/{product_id}/next-serial", response_model=NameView)
def next_serial(product_id: Id, app: Viewer) -> dict[str, str]:
    return {"name": app.lots.next_serial(keys(app).product_code(product_id))}


@routes.get("/locations", response_model=Page[LocationView])
def list_locations(
    app: Viewer, paging: Pages, usage: Annotated[Text | None, Query()] = None
) -> dict[str, object]:
    return page(app.locations.list(usage), paging)


@routes.post("/locations", response_model=LocationView, status_code=201)
def create_location(body: LocationNew, app: Manager) -> Location:
    return app.locations.create(body.full_name, body.usage)


@routes.post("/numbering/series", response_model=NamesView)
def number_series(body: SeriesNew, app: Operator) -> dict[str, list[str]]:
    return {"names": app.lots.generate_names(body.first, body.count)}


@routes.post("/barcodes/parse", response_model=ScanView)
def parse_barcode(body: BarcodeIn, app: Viewer) -> dict[str, object]:
    """What a scan means; ``product`` is the product whose GTIN it carries, if any."""
    scan = app.lots.parse_barcode(body.data)
    product = None
    if scan.gtin:
        try:
            product = app.products.get_by_gtin(scan.gtin).code
        except NotFound:
            product = None
    return {**ScanView.model_validate(scan).model_dump(), "product": product}
