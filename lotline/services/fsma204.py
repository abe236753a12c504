"""FSMA 204 (21 CFR 1.1340, 1.1345, 1.1350): the FDA's electronic sortable spreadsheet.

One row per traceability lot per critical tracking event: receiving, shipping,
and transformation (one row per input lot used). Each row carries the key data
elements the rule asks for; a required element that is unknown is named in the
row's "Missing KDEs" column rather than left blank without a word. Also one
step back and one step forward (EU 178/2002) of a lot.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Connection, RowMapping, func, select
from sqlalchemy.orm import aliased

from lotline.models import Address, Lot, OneStep, Product, StepRow
from lotline.rules.inputs import name_list
from lotline.services.ledger_events import DocumentMoves, Line, Place, read_slice
from lotline.services.partners import address_from_row, nearest_site, site_map
from lotline.store.bulk import chunked
from lotline.store.schema import locations, move_lines, operations, partners

STOCK_KEEPING = ("internal", "transit")
DOCUMENT_TYPES = {
    "receipt": "Receipt",
    "delivery": "Delivery (shipping document)",
    "manufacturing": "Manufacturing order",
    "adjustment": "Inventory adjustment",
}


@dataclass(frozen=True, slots=True)
class Fsma204Row:
    """One row of the sortable spreadsheet (the columns, in order)."""

    event: str
    traceability_lot_code: str
    product: str
    product_description: str
    quantity: Decimal
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
    input_quantity: Decimal | None
    input_unit: str
    reference_document_type: str
    reference_document_number: str
    order_reference: str
    missing_kdes: str


COLUMNS = tuple(f.name for f in fields(Fsma204Row))
HEADERS = (
    "Critical Tracking Event",
    "Traceability Lot Code (TLC)",
    "Product",
    "Product Description",
    "Quantity",
    "Unit of Measure",
    "Event Date",
    "Location Description (this location)",
    "Immediate Previous Source",
    "Immediate Subsequent Recipient",
    "TLC Source Location",
    "TLC Source Reference",
    "Input TLC",
    "Input Product",
    "Input Product Description",
    "Input Quantity",
    "Input Unit of Measure",
    "Reference Document Type",
    "Reference Document Number",
    "Order Reference",
    "Missing KDEs",
)


def describe(name: str, place: Address) -> str:
    """A location description: business name, address, phone and GLN, as one text."""
    city = " ".join(p for p in (place.state, place.postal_code) if p)
    parts = [name, place.address, place.city, city, place.country]
    text = ", ".join(p for p in parts if p)
    if place.phone:
        text += f"; phone {place.phone}"
    if place.gln:
        text += f"; GLN {place.gln}"
    return text


def gaps(place: Address) -> list[str]:
    """What a location description lacks of the address, city and phone the rule asks for."""
    return [key for key in ("address", "city", "phone") if not getattr(place, key)]


def _lacking(what: str, place: Address, known: bool = True) -> list[str]:
    if not known:
        return [what]
    missing = gaps(place)
    return [f"{what} ({', '.join(missing)})"] if missing else []


def place_text(place: Place) -> str:
    return describe(place.full_name.split("/")[0], place.site)


@dataclass(frozen=True, slots=True)
class TlcSource:
    """Where a lot's code was assigned: the supplier of its first receipt, or our site."""

    description: str
    complete: bool


def tlc_sources(conn: Connection, lot_ids: Iterable[int]) -> dict[int, TlcSource]:
    """The TLC source of each lot, from the document of its first move line."""
    found: dict[int, TlcSource] = {}
    sites = site_map(conn)
    source, destination = aliased(locations), aliased(locations)
    for chunk in chunked(sorted(set(lot_ids))):
        first = (
            select(move_lines.c.lot_id, func.min(move_lines.c.id).label("line_id"))
            .where(move_lines.c.lot_id.in_(chunk))
            .group_by(move_lines.c.lot_id)
            .subquery()
        )
        query = (
            select(
                first.c.lot_id,
                operations.c.partner,
                source.c.usage,
                destination.c.full_name,
                destination.c.parent_path,
                destination.c.id.label("location_id"),
                *(partners.c[key] for key in ("gln", "address", "city", "state")),
                *(partners.c[key] for key in ("postal_code", "country", "phone")),
            )
            .join(move_lines, move_lines.c.id == first.c.line_id)
            .join(operations, operations.c.id == move_lines.c.operation_id)
            .join(source, source.c.id == move_lines.c.source_id)
            .join(destination, destination.c.id == move_lines.c.destination_id)
            .outerjoin(partners, partners.c.id == operations.c.partner_id)
        )
        for row in conn.execute(query).mappings():
            found[row["lot_id"]] = _source(row, sites)
    return found


def _source(row: RowMapping, sites: dict[int, Address]) -> TlcSource:
    if row["usage"] == "supplier":
        if not row["partner"]:
            return TlcSource("", False)
        place = address_from_row(row)
        return TlcSource(describe(row["partner"], place), not gaps(place))
    # produced or counted here: our site assigned the code
    site = nearest_site(sites, row["parent_path"], row["location_id"])
    return TlcSource(describe(row["full_name"].split("/")[0], site), not gaps(site))


class _Rows:
    """The rows of a ledger slice, built document by document."""

    def __init__(self, sources: dict[int, TlcSource]) -> None:
        self.sources = sources
        self.rows: list[Fsma204Row] = []

    def add(self, document: DocumentMoves) -> None:
        if document.kind == "manufacturing":
            self._transformation(document)
        elif document.kind in ("receipt", "delivery"):
            self._transfer(document)

    def _row(
        self,
        event: str,
        document: DocumentMoves,
        product: Product,
        lot: Lot,
        quantity: Decimal,
        here: Place,
        missing: list[str],
        **values: object,
    ) -> Fsma204Row:
        source = self.sources.get(lot.id, TlcSource("", False))
        if not (source.complete or lot.tlc_source_reference):
            missing.append("TLC source location description or TLC source reference")
        missing.extend(_lacking("location description", here.site))
        given: dict[str, object] = {
            "previous_source": "",
            "next_recipient": "",
            "input_lot_code": "",
            "input_product": "",
            "input_product_description": "",
            "input_quantity": None,
            "input_unit": "",
            **values,
        }
        return Fsma204Row(
            event=event,
            traceability_lot_code=lot.name,
            product=product.code,
            product_description=product.name,
            quantity=quantity,
            unit=product.unit,
            event_date=document.done_at.date().isoformat(),
            location_description=place_text(here),
            tlc_source=source.description,
            tlc_source_reference=lot.tlc_source_reference or "",
            reference_document_type=DOCUMENT_TYPES[document.kind],
            reference_document_number=document.name,
            order_reference=document.origin or "",
            missing_kdes="; ".join(missing),
            **given,  # type: ignore[arg-type]
        )

    def _transfer(self, document: DocumentMoves) -> None:
        incoming = document.lines[0].destination.usage in STOCK_KEEPING
        partner = describe(document.partner, document.partner_place) if document.partner else ""
        role = "immediate previous source" if incoming else "immediate subsequent recipient"
        for (product, lot, here), quantity in _per_lot(document.lines, incoming).items():
            missing = _lacking(role, document.partner_place, known=bool(partner))
            key = "previous_source" if incoming else "next_recipient"
            self.rows.append(
                self._row(
                    "Receiving" if incoming else "Shipping",
                    document,
                    product,
                    lot,
                    quantity,
                    here,
                    missing,
                    **{key: partner},
                )
            )

    def _transformation(self, document: DocumentMoves) -> None:
        outputs = _per_lot([ln for ln in document.lines if ln.source.usage == "production"], True)
        inputs = _per_lot(
            [ln for ln in document.lines if ln.destination.usage == "production"], False
        )
        for (product, lot, here), quantity in outputs.items():
            for (used, used_lot, _), amount in inputs.items() or [((None, None, None), None)]:
                self.rows.append(
                    self._row(
                        "Transformation",
                        document,
                        product,
                        lot,
                        quantity,
                        here,
                        [] if used_lot is not None else ["input traceability lot code"],
                        input_lot_code=used_lot.name if used_lot else "",
                        input_product=used.code if used else "",
                        input_product_description=used.name if used else "",
                        input_quantity=amount,
                        input_unit=used.unit if used else "",
                    )
                )


def _per_lot(lines: Sequence[Line], incoming: bool) -> dict[tuple[Product, Lot, Place], Decimal]:
    """Quantities per (product, lot, our place) of the tracked lines."""
    totals: dict[tuple[Product, Lot, Place], Decimal] = {}
    for line in lines:
        if line.lot is None:
            continue
        key = (line.product, line.lot, line.destination if incoming else line.source)
        totals[key] = totals.get(key, Decimal(0)) + line.quantity
    return totals


def fsma204_rows(
    conn: Connection,
    start: datetime | None,
    end: datetime | None,
    products: Sequence[str] | None = None,
    lots: Sequence[str] | None = None,
) -> list[Fsma204Row]:
    """The sortable spreadsheet's rows of [start, end), for some products or lots when given."""
    products = None if products is None else name_list(products, "products")
    lots = None if lots is None else name_list(lots, "lots")
    ledger = read_slice(conn, start, end, first_documents_of="")
    lot_ids = {ln.lot.id for d in ledger.documents for ln in d.lines if ln.lot is not None}
    builder = _Rows(tlc_sources(conn, lot_ids))
    for document in ledger.documents:
        if document.in_period and document.lines:
            builder.add(document)
    return [row for row in builder.rows if _wanted(row, products, lots)]


def _wanted(row: Fsma204Row, products: Sequence[str] | None, lots: Sequence[str] | None) -> bool:
    if products is not None and row.product not in products and row.input_product not in products:
        return False
    return lots is None or row.traceability_lot_code in lots or row.input_lot_code in lots


def _step(document: DocumentMoves, lines: list[Line]) -> StepRow:
    if document.kind == "manufacturing":
        kind = "manufacturing"
    elif document.origin and document.origin.startswith("Return of "):
        kind = "return"
    else:
        kind = document.kind
    partner = None if document.kind == "manufacturing" else document.partner
    total = sum((line.quantity for line in lines), Decimal(0))
    return StepRow(kind, partner, document.name, document.done_at, total)


def one_step(conn: Connection, product: str, lot: str) -> OneStep:
    """The immediate suppliers and customers of a lot (or our production), one call."""
    ledger = read_slice(conn, product=product, lot=lot, first_documents_of="")
    back: list[StepRow] = []
    forward: list[StepRow] = []
    code, name = "", ""
    for document in ledger.documents:
        mine = [ln for ln in document.lines if ln.lot is not None and ln.lot.name == lot]
        mine = [ln for ln in mine if ln.product.code == product.strip()] or mine
        if not mine or not document.in_period:
            continue
        code, name = mine[0].product.code, mine[0].lot.name if mine[0].lot else lot
        incoming = [ln for ln in mine if ln.destination.usage in STOCK_KEEPING]
        outgoing = [ln for ln in mine if ln.source.usage in STOCK_KEEPING]
        if incoming and document.kind != "adjustment":
            back.append(_step(document, incoming))
        if outgoing and document.kind != "adjustment":
            forward.append(_step(document, outgoing))
    return OneStep(code or product, name or lot, tuple(back), tuple(forward))
