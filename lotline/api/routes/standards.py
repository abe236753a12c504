"""The standards: EPCIS 2.0 export and capture, the FSMA 204 spreadsheet, GS1 labels,
partners, and a lot's GS1 identifiers and one step back / forward."""

from __future__ import annotations

import tempfile
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Body, Query
from fastapi.responses import Response

from lotline.api.auth import Manager, Operator, Viewer
from lotline.api.inputs import Body as Input
from lotline.api.routes import Id, keys, router
from lotline.api.types import QuantityOut, Text, Timestamp
from lotline.api.views import DocumentView, View
from lotline.errors import InvalidInput
from lotline.models import Operation, Partner

routes = router("standards")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON_LD = "application/ld+json"
DAY = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
From = Annotated[
    str | None, Query(alias="from", pattern=DAY, description="First day (UTC), YYYY-MM-DD.")
]
To = Annotated[str | None, Query(alias="to", pattern=DAY, description="Last day (UTC), included.")]


def _day(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"{text!r} is not a day (YYYY-MM-DD).", details={"field": field, "value": text}
        ) from None


def _start(day: str | None) -> datetime | None:
    return datetime.combine(_day(day, "from"), time.min) if day else None


def _end(day: str | None) -> datetime | None:
    return datetime.combine(_day(day, "to") + timedelta(days=1), time.min) if day else None


@routes.get(
    "/exports/epcis",
    response_class=Response,
    responses={200: {"content": {JSON_LD: {"schema": {"type": "object"}}}}},
)
def export_epcis(
    app: Viewer,
    start: From = None,
    end: To = None,
    product: Annotated[Text | None, Query()] = None,
    lot: Annotated[Text | None, Query()] = None,
    identifiers: Annotated[Literal["digital_link", "epc"], Query()] = "digital_link",
    company_prefix_length: Annotated[int | None, Query(ge=6, le=12)] = None,
) -> Response:
    """An EPCIS 2.0 document (JSON-LD) of the receipts, deliveries, production and
    adjustments done in the period."""
    document = app.exports.epcis(
        _start(start),
        _end(end),
        product,
        lot,
        identifiers=identifiers,
        company_prefix_length=company_prefix_length,
    )
    return Response(app.exports.epcis_json(document), media_type=JSON_LD)


class Fsma204RowView(View):
    event: str
    traceability_lot_code: str
    product: str
    product_description: str
    quantity: QuantityOut
    unit: str
    event_date: str
    location_description: str
    previous_source: str
    next_recipient: str
    tlc_source: str
    tlc_source_reference: str
    input_lot_code: str
    input_product: str
    input_product_description: str
    input_quantity: QuantityOut | None
    input_unit: str
    reference_document_type: str
    reference_document_number: str
    order_reference: str
    missing_kdes: str


@routes.get(
    "/exports/fsma204",
    response_model=list[Fsma204RowView],
    responses={200: {"content": {"text/csv": {}, XLSX: {}}}},
)
def export_fsma204(
    app: Viewer,
    start: From = None,
    end: To = None,
    product: Annotated[Text | None, Query()] = None,
    lot: Annotated[Text | None, Query()] = None,
    format: Annotated[Literal["json", "csv", "xlsx"], Query()] = "json",
) -> Any:
    """The FSMA 204 sortable spreadsheet: JSON rows, CSV, or XLSX with its explanations."""
    rows = app.exports.fsma204(
        _start(start), _end(end), [product] if product else None, [lot] if lot else None
    )
    if format == "json":
        return rows
    disposition = {"Content-Disposition": f'attachment; filename="fsma204.{format}"'}
    if format == "csv":
        return Response(app.exports.fsma204_csv(rows), media_type="text/csv", headers=disposition)
    with tempfile.TemporaryDirectory() as folder:
        path = app.exports.fsma204_xlsx(rows, Path(folder) / "fsma204.xlsx")
        return Response(path.read_bytes(), media_type=XLSX, headers=disposition)


@routes.post("/imports/epcis", response_model=DocumentView, status_code=201)
def import_epcis(
    app: Operator,
    document: Annotated[dict[str, Any], Body(description="An EPCISDocument (JSON-LD).")],
) -> Operation:
    """A supplier's EPCIS shipping events as a draft receipt, ready to validate on arrival."""
    return app.imports.epcis(document)


@routes.get(
    "/labels",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}, "text/plain": {}}}},
)
def labels(
    app: Viewer,
    product: Annotated[Text, Query()],
    lot: Annotated[list[Text] | None, Query(max_length=10000)] = None,
    mo: Annotated[Text | None, Query(description="Every lot/serial this order made.")] = None,
    format: Annotated[Literal["pdf", "zpl"], Query()] = "pdf",
) -> Response:
    """GS1 DataMatrix labels, one per lot or serial number: one PDF, or ZPL."""
    data = app.labels.render(product, lot or [], format, mo=mo)
    media = "application/pdf" if format == "pdf" else "text/plain"
    disposition = {"Content-Disposition": f'attachment; filename="labels.{format}"'}
    return Response(data, media_type=media, headers=disposition)


class IdentifiersView(View):
    digital_link: str
    epc: str | None


@routes.get("/lots/{lot_id}/identifiers", response_model=IdentifiersView)
def lot_identifiers(
    lot_id: Id,
    app: Viewer,
    company_prefix_length: Annotated[int | None, Query(ge=6, le=12)] = None,
) -> dict[str, Any]:
    """The lot's GS1 Digital Link, and its EPC URI when the company prefix length is known."""
    product, lot = keys(app).lot(lot_id)
    link = app.lots.digital_link(product, lot)
    try:
        epc = app.lots.epc(product, lot, company_prefix_length)
    except ValueError:
        epc = None
    return {"digital_link": link, "epc": epc}


class StepView(View):
    kind: str
    partner: str | None
    document: str
    date: Timestamp
    quantity: QuantityOut


class OneStepView(View):
    product: str
    lot: str
    back: list[StepView]
    forward: list[StepView]


@routes.get("/lots/{lot_id}/one-step", response_model=OneStepView)
def lot_one_step(lot_id: Id, app: Viewer) -> Any:
    """One step back and one step forward: the lot's immediate suppliers and customers."""
    return app.exports.one_step(*keys(app).lot(lot_id))


class AddressView(View):
    gln: str | None
    address: str | None
    city: str | None
    state: str | None
    postal_code: str | None
    country: str | None
    phone: str | None


class PartnerView(View):
    id: int
    name: str
    place: AddressView


class PartnerNew(Input):
    name: Text
    gln: Text | None = None
    address: Text | None = None
    city: Text | None = None
    state: Text | None = None
    postal_code: Text | None = None
    country: Text | None = None
    phone: Text | None = None


@routes.get("/partners", response_model=list[PartnerView])
def list_partners(app: Viewer) -> list[Partner]:
    """Suppliers and customers with their GLN and address."""
    return app.partners.list()


@routes.post("/partners", response_model=PartnerView, status_code=201)
def create_partner(body: PartnerNew, app: Manager) -> Partner:
    """A new partner; its GLN's check digit is verified."""
    values = body.given()
    return app.partners.create(values.pop("name"), **values)
