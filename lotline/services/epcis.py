"""EPCIS 2.0 export: the ledger's receipts, deliveries, production and adjustments as events.

- a receipt: ObjectEvent OBSERVE ``receiving`` with the supplier in sourceList;
- a delivery: ObjectEvent OBSERVE ``shipping`` with the customer in destinationList;
- a manufacturing order: TransformationEvent ``commissioning``, the quantity taken
  from each input lot, the outputs, and ILMD with the output lots' dates;
- lots an inventory adjustment brought into existence: ObjectEvent ADD ``commissioning``;
- a reverted adjustment: the same event again with an ``errorDeclaration`` (an
  event is never rewritten).

Serials go in epcList, lots and untracked products in quantityList with their
UN/ECE unit. Items with a GTIN are named by GS1 Digital Link (or EPC URIs given
the company prefix length); places and partners by their GLN when they have
one. What has no GS1 key gets a private ``urn:lotline:`` URI. Event IDs are
UUIDs derived from the database's identity and the document, so the same
ledger always gives byte-identical events.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import Connection, select

from lotline.errors import InvalidInput
from lotline.models import Address, Lot, Product
from lotline.rules import gs1
from lotline.rules.text import as_text, described
from lotline.services.identifiers import company_prefix_length
from lotline.services.ledger_events import DocumentMoves, Line, Place, read_slice
from lotline.store.schema import settings

CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
Scheme = Literal["digital_link", "epc"]
Event = dict[str, Any]
STOCK_KEEPING = ("internal", "transit")


def private_uri(kind: str, *parts: str) -> str:
    """A URI for what has no GS1 key: ``urn:lotline:<kind>:<part>:...`` percent-encoded."""
    return ":".join(["urn:lotline", kind, *(gs1.percent_encode(part) for part in parts)])


@dataclass(frozen=True, slots=True)
class Naming:
    """How the export names items, places, partners and documents."""

    scheme: Scheme = "digital_link"
    prefix_length: int | None = None

    def _epc(self, product: Product) -> bool:
        return self.scheme == "epc" and self.prefix_length is not None and bool(product.gtin)

    def instance(self, product: Product, lot: Lot) -> str:
        """A serial number as one object."""
        if self._epc(product):
            return gs1.sgtin_uri(product.gtin or "", lot.name, self.prefix_length or 0)
        if product.gtin:
            return gs1.digital_link(product.gtin, serial=lot.name)
        return private_uri("serial", product.code, lot.name)

    def klass(self, product: Product, lot: Lot | None) -> str:
        """A lot, or an untracked product, as a class of objects."""
        length = self.prefix_length or 0
        if self._epc(product):
            if lot is None:
                return gs1.gtin_class_uri(product.gtin or "", length)
            return gs1.lgtin_uri(product.gtin or "", lot.name, length)
        if product.gtin:
            return gs1.digital_link(product.gtin, lot.name if lot else None)
        if lot is None:
            return private_uri("product", product.code)
        return private_uri("lot", product.code, lot.name)

    def place(self, place: Place) -> str:
        gln = place.site.gln
        if gln and self.scheme == "epc" and self.prefix_length:
            return gs1.sgln_uri(gln, self.prefix_length)
        if gln:
            return gs1.location_link(gln)
        return private_uri("location", place.full_name)

    def party(self, name: str, address: Address) -> list[dict[str, str]]:
        """The owning party (and its location when it has a GLN) for a source/destination list."""
        if not address.gln:
            return [{"type": "owning_party", "value": private_uri("partner", name)}]
        if self.scheme == "epc" and self.prefix_length:
            party = gs1.pgln_uri(address.gln, self.prefix_length)
            where = gs1.sgln_uri(address.gln, self.prefix_length)
        else:
            party = gs1.location_link(address.gln, party=True)
            where = gs1.location_link(address.gln)
        return [{"type": "owning_party", "value": party}, {"type": "location", "value": where}]


def event_time(at: datetime) -> str:
    """A stored UTC time as EPCIS writes it."""
    return at.isoformat(timespec="milliseconds") + "Z"


def _quantity(product: Product, lot: Lot | None, quantity: Decimal, naming: Naming) -> Event:
    element: Event = {"epcClass": naming.klass(product, lot), "quantity": quantity}
    unit = gs1.unece_unit(product.unit)
    if unit is not None:
        element["uom"] = unit
    return element


def what(lines: list[Line], naming: Naming) -> tuple[list[str], list[Event]]:
    """(epcList of the serials, quantityList of lots and untracked products) of lines."""
    serials: dict[str, None] = {}
    amounts: dict[tuple[int, int | None], list[Any]] = {}
    for line in lines:
        if line.lot is not None and line.product.tracking == "serial":
            serials[naming.instance(line.product, line.lot)] = None
            continue
        key = (line.product.id, line.lot.id if line.lot else None)
        entry = amounts.setdefault(key, [line.product, line.lot, Decimal(0)])
        entry[2] += line.quantity
    quantities = [_quantity(p, lot, total, naming) for p, lot, total in amounts.values()]
    return list(serials), quantities


def _transactions(document: DocumentMoves, kind: str, naming: Naming) -> list[Event]:
    found = [{"type": kind, "bizTransaction": private_uri("document", document.name)}]
    origin = document.origin
    if origin and not origin.startswith("Return of ") and document.kind != "adjustment":
        found.append({"type": "po", "bizTransaction": private_uri("order", origin)})
    return found


def _base(document: DocumentMoves, kind: str, namespace: uuid.UUID, role: str) -> Event:
    return {
        "type": kind,
        "eventTime": event_time(document.done_at),
        "eventTimeZoneOffset": "+00:00",
        "eventID": f"urn:uuid:{uuid.uuid5(namespace, f'{document.name}/{role}')}",
    }


def _where(event: Event, place: Place, naming: Naming) -> None:
    uri = naming.place(place)
    event["readPoint"] = {"id": uri}
    event["bizLocation"] = {"id": uri}


def _listed(entries: list[dict[str, str]], key: str) -> list[dict[str, str]]:
    return [{"type": entry["type"], key: entry["value"]} for entry in entries]


def transfer_event(document: DocumentMoves, namespace: uuid.UUID, naming: Naming) -> Event:
    """A receipt (receiving) or a delivery (shipping), returns included."""
    first = document.lines[0]
    incoming = first.destination.usage in STOCK_KEEPING
    event = _base(document, "ObjectEvent", namespace, "event")
    epcs, quantities = what(document.lines, naming)
    event["epcList"] = epcs
    if quantities:
        event["quantityList"] = quantities
    event["action"] = "OBSERVE"
    event["bizStep"] = "receiving" if incoming else "shipping"
    returned = (first.source if incoming else first.destination).usage in ("customer", "supplier")
    returned = returned and bool(document.origin and document.origin.startswith("Return of "))
    event["disposition"] = "returned" if returned else ("in_progress" if incoming else "in_transit")
    _where(event, first.destination if incoming else first.source, naming)
    event["bizTransactionList"] = _transactions(
        document, "recadv" if incoming else "desadv", naming
    )
    if document.partner:
        party = naming.party(document.partner, document.partner_place)
        if incoming:
            event["sourceList"] = _listed(party, "source")
        else:
            event["destinationList"] = _listed(party, "destination")
    return event


def _ilmd(lots: list[Lot]) -> Event:
    """The dates shared by every output lot (EPCIS has one ILMD per event)."""
    ilmd: Event = {}
    for key, attribute in (
        ("expiration_date", "cbvmda:itemExpirationDate"),
        ("use_date", "cbvmda:bestBeforeDate"),
    ):
        values = {getattr(lot, key) for lot in lots}
        if len(values) == 1 and (value := values.pop()) is not None:
            ilmd[attribute] = value.date().isoformat()
    return ilmd


def transformation_event(document: DocumentMoves, namespace: uuid.UUID, naming: Naming) -> Event:
    """A manufacturing order: what each input lot gave, and what came out."""
    inputs = [line for line in document.lines if line.destination.usage == "production"]
    outputs = [line for line in document.lines if line.source.usage == "production"]
    event = _base(document, "TransformationEvent", namespace, "event")
    for side, lines in (("input", inputs), ("output", outputs)):
        epcs, quantities = what(lines, naming)
        if epcs:
            event[f"{side}EPCList"] = epcs
        if quantities:
            event[f"{side}QuantityList"] = quantities
    event["bizStep"] = "commissioning"
    event["disposition"] = "active"
    if outputs:
        _where(event, outputs[0].destination, naming)
    event["bizTransactionList"] = _transactions(document, "prodorder", naming)
    ilmd = _ilmd([line.lot for line in outputs if line.lot is not None])
    if ilmd:
        event["ilmd"] = ilmd
    return event


def commissioning_event(
    document: DocumentMoves, created: list[Line], namespace: uuid.UUID, naming: Naming
) -> Event:
    """Lots an inventory adjustment brought into existence: ADD commissioning."""
    event = _base(document, "ObjectEvent", namespace, "event")
    epcs, quantities = what(created, naming)
    event["epcList"] = epcs
    if quantities:
        event["quantityList"] = quantities
    event["action"] = "ADD"
    event["bizStep"] = "commissioning"
    event["disposition"] = "active"
    _where(event, created[0].destination, naming)
    ilmd = _ilmd([line.lot for line in created if line.lot is not None])
    if ilmd:
        event["ilmd"] = ilmd
    return event


def declaration(event: Event, revert: DocumentMoves) -> Event:
    """The erroneous event again, declared in error when its adjustment was reverted."""
    return {
        **event,
        "errorDeclaration": {
            "declarationTime": event_time(revert.done_at),
            "reason": "incorrect_data",
        },
    }


class _Events:
    """Builds the events of a ledger slice in the order the documents were done."""

    def __init__(self, first: dict[int, int], namespace: uuid.UUID, naming: Naming) -> None:
        self.first = first
        self.namespace = namespace
        self.naming = naming
        self.events: list[Event] = []
        self.own: dict[int, Event] = {}

    def add(self, document: DocumentMoves) -> None:
        if not document.lines:
            return
        event = self._event(document)
        if event is not None:
            self.own[document.id] = event

    def _event(self, document: DocumentMoves) -> Event | None:
        if document.kind in ("receipt", "delivery"):
            return transfer_event(document, self.namespace, self.naming)
        if document.kind == "manufacturing":
            return transformation_event(document, self.namespace, self.naming)
        if document.is_revert:
            return None
        created = [
            line
            for line in document.lines
            if line.lot is not None
            and line.destination.usage in STOCK_KEEPING
            and self.first.get(line.lot.id) == document.id
        ]
        if not created:
            return None
        return commissioning_event(document, created, self.namespace, self.naming)

    def declare(self, documents: list[DocumentMoves]) -> None:
        """Each revert of the period declares its original's event in error, in time order."""
        by_revert = {
            d.reverted_by.id: self.own[d.id]
            for d in documents
            if d.reverted_by is not None and d.id in self.own
        }
        timeline: list[tuple[datetime, int, Event]] = [
            (d.done_at, i, self.own[d.id])
            for i, d in enumerate(documents)
            if d.in_period and d.id in self.own
        ]
        for i, d in enumerate(documents):
            if d.id in by_revert and d.in_period:
                timeline.append((d.done_at, i, declaration(by_revert[d.id], d)))
        timeline.sort(key=lambda item: (item[0], item[1]))
        self.events = [event for _, _, event in timeline]


def namespace_of(conn: Connection) -> uuid.UUID:
    """The UUID of this database, from which event IDs are derived."""
    value = conn.execute(select(settings.c.instance_id)).scalar()
    return uuid.UUID(value) if value else uuid.UUID(int=0)


def export_epcis(
    conn: Connection,
    start: datetime | None = None,
    end: datetime | None = None,
    product: str | None = None,
    lot: str | None = None,
    *,
    identifiers: Scheme = "digital_link",
    prefix_length: int | None = None,
) -> dict[str, Any]:
    """The EPCISDocument of what the ledger did in [start, end) (for a product or lot)."""
    if identifiers not in ("digital_link", "epc"):
        raise InvalidInput(
            f"Items are named by Digital Link or by EPC URI; {described(identifiers)} is neither.",
            details={"field": "identifiers", "value": as_text(identifiers)},
        )
    length = company_prefix_length(conn, prefix_length)
    if identifiers == "epc" and length is None:
        raise InvalidInput(
            "EPC URIs need the length of the GS1 company prefix (6 to 12 digits); give it.",
            details={"field": "company_prefix_length"},
        )
    ledger = read_slice(conn, start, end, product, lot)
    events = _Events(ledger.first_document_of_lot, namespace_of(conn), Naming(identifiers, length))
    for document in ledger.documents:
        events.add(document)
    events.declare(ledger.documents)
    return document_of(events.events)


def document_of(events: list[Event]) -> dict[str, Any]:
    """An EPCISDocument carrying ``events``."""
    return {
        "@context": [CONTEXT],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": event_time(datetime.now(UTC).replace(tzinfo=None)),
        "epcisBody": {"eventList": events},
    }


def _number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def to_json(document: dict[str, Any], *, indent: int | None = 2) -> str:
    """The document as JSON-LD text; quantities (at most 6 decimals) written exactly."""
    return json.dumps(document, default=_number, ensure_ascii=False, indent=indent)


def counts(document: dict[str, Any]) -> dict[str, int]:
    """How many events of each type (and declarations) a document carries."""
    found: dict[str, int] = defaultdict(int)
    for event in document["epcisBody"]["eventList"]:
        found["errorDeclaration" if "errorDeclaration" in event else event["type"]] += 1
    return dict(found)
