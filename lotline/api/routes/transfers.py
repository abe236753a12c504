"""Receipts, deliveries and internal transfers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request

from lotline.api.auth import Operator, Viewer
from lotline.api.inputs import LineIn, ReturnIn, TransferNew, ValidateIn
from lotline.api.jobs import ASYNC_RESPONSES, answer
from lotline.api.paging import Page, Pages, page
from lotline.api.routes import Id, keys, router
from lotline.api.types import Text
from lotline.api.views import DocumentView
from lotline.app import Lotline
from lotline.errors import InvalidInput
from lotline.models import Operation

routes = router("transfers")
TRANSFER_KINDS = frozenset({"receipt", "delivery", "internal"})


def _name(app: Lotline, transfer_id: Id) -> str:
    return keys(app).document_name(transfer_id, TRANSFER_KINDS)


def _lines(lines: list[LineIn]) -> list[dict[str, Any]]:
    return [line.given() for line in lines]


@routes.get("/transfers", response_model=Page[DocumentView])
def list_transfers(
    app: Viewer,
    paging: Pages,
    kind: Annotated[Text | None, Query()] = None,
    state: Annotated[Text | None, Query()] = None,
    partner: Annotated[Text | None, Query()] = None,
) -> dict[str, Any]:
    """Transfers in order of creation (without their lines)."""
    found = app.transfers.list(kind, state)
    if partner is not None:
        found = [t for t in found if t.partner == partner]
    return page(found, paging)


def _create(app: Lotline, body: TransferNew) -> Operation:
    lines = _lines(body.lines)
    if body.kind == "internal":
        if body.source is None or body.destination is None:
            raise InvalidInput("An internal transfer needs a source and a destination.")
        return app.transfers.internal(lines, body.source, body.destination, body.origin)
    unused = "source" if body.kind == "receipt" else "destination"
    if getattr(body, unused) is not None:
        raise InvalidInput(
            f"A {body.kind} takes no {unused}: it is the partners' location.",
            details={"kind": body.kind},
        )
    if body.kind == "receipt":
        return app.transfers.receipt(
            lines, body.partner, body.destination or "WH/Stock", body.origin
        )
    return app.transfers.delivery(lines, body.partner, body.source or "WH/Stock", body.origin)


@routes.post("/transfers", response_model=DocumentView, status_code=201, responses=ASYNC_RESPONSES)
def create_transfer(body: TransferNew, app: Operator, request: Request) -> Any:
    """A receipt (ready), delivery or internal transfer (draft); a long serial list may
    be imported in the background (Prefer: respond-async)."""
    return answer(request, app.user, "transfer", lambda: _create(app, body), DocumentView, 201)


@routes.get("/transfers/{transfer_id}", response_model=DocumentView)
def get_transfer(transfer_id: Id, app: Viewer) -> Operation:
    return app.transfers.get(_name(app, transfer_id))


@routes.post("/transfers/{transfer_id}/reserve", response_model=DocumentView)
def reserve(transfer_id: Id, app: Operator) -> Operation:
    return app.transfers.reserve(_name(app, transfer_id))


@routes.post(
    "/transfers/{transfer_id}/validate", response_model=DocumentView, responses=ASYNC_RESPONSES
)
def validate(
    transfer_id: Id, app: Operator, request: Request, body: ValidateIn | None = None
) -> Any:
    """Post the detailed quantities; the rest goes to a backorder unless ``backorder`` is false."""
    name = _name(app, transfer_id)
    backorder = body.backorder if body else True
    return answer(
        request, app.user, "validate", lambda: app.transfers.validate(name, backorder), DocumentView
    )


@routes.post("/transfers/{transfer_id}/cancel", response_model=DocumentView)
def cancel(transfer_id: Id, app: Operator) -> Operation:
    return app.transfers.cancel(_name(app, transfer_id))


@routes.post("/transfers/{transfer_id}/return", response_model=DocumentView, status_code=201)
def return_of(transfer_id: Id, app: Operator, body: ReturnIn | None = None) -> Operation:
    lines = _lines(body.lines) if body and body.lines is not None else None
    return app.transfers.return_of(_name(app, transfer_id), lines)


@routes.get("/transfers/{transfer_id}/backorders", response_model=Page[DocumentView])
def backorders(transfer_id: Id, app: Viewer, paging: Pages) -> dict[str, Any]:
    return page(app.transfers.backorders(_name(app, transfer_id)), paging)
