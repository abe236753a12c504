"""EPCIS capture: a supplier's shipping events (an advance ship notice) become a draft receipt.

Every event must be an ObjectEvent OBSERVE ``shipping``; every item a GTIN one
of our products has, with a lot (lot-tracked product) or a serial
(serial-tracked), and quantities in the product's unit. The supplier is found
by the GLN of the events' source (or its private lotline URI). ILMD dates
(itemExpirationDate, bestBeforeDate) of the document's commissioning events (or of
the shipping events themselves) become the lots' dates. Anything that
cannot be mapped is reported at once, and nothing is created.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import unquote

from sqlalchemy import Connection, select

from lotline.errors import InvalidEpcis, InvalidIdentifier
from lotline.models import Operation, Product
from lotline.rules import gs1
from lotline.services.catalog import product_from_row
from lotline.services.locations import STOCK, LocationRef
from lotline.services.lots import ensure_lots
from lotline.services.transfers.create import create_receipt
from lotline.store.bulk import chunked
from lotline.store.schema import partners, products

SHIPPING = (
    "shipping",
    "urn:epcglobal:cbv:bizstep:shipping",
    "https://ref.gs1.org/cbv/BizStep-shipping",
)
COMMISSIONING = (
    "commissioning",
    "urn:epcglobal:cbv:bizstep:commissioning",
    "https://ref.gs1.org/cbv/BizStep-commissioning",
)
ILMD_DATES = {
    "cbvmda:itemExpirationDate": "expiration_date",
    "itemExpirationDate": "expiration_date",
    "cbvmda:bestBeforeDate": "use_date",
    "bestBeforeDate": "use_date",
}


@dataclass(slots=True)
class _Item:
    event: int
    item: gs1.ItemId
    quantity: Decimal
    uom: str | None
    dates: dict[str, datetime]


@dataclass(slots=True)
class _Notice:
    """What the document says, read before anything is looked up."""

    items: list[_Item] = field(default_factory=list)
    parties: set[str] = field(default_factory=set)
    orders: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    dates: dict[gs1.ItemId, dict[str, datetime]] = field(default_factory=dict)


def _document(document: Any, notice: _Notice) -> list[Any]:
    if isinstance(document, bytes | str):
        try:
            document = json.loads(document)
        except ValueError as exc:
            raise InvalidEpcis([f"The file is not JSON: {exc}"]) from None
    if not isinstance(document, dict) or document.get("type") != "EPCISDocument":
        raise InvalidEpcis(["The file is not an EPCISDocument."])
    events = (document.get("epcisBody") or {}).get("eventList")
    if not isinstance(events, list) or not events:
        raise InvalidEpcis(["The document carries no events."])
    return events


def _dates(event: dict[str, Any], where: str, notice: _Notice) -> dict[str, datetime]:
    found: dict[str, datetime] = {}
    for key, value in (event.get("ilmd") or {}).items():
        if key in ILMD_DATES:
            try:
                found[ILMD_DATES[key]] = datetime.combine(
                    date.fromisoformat(str(value)[:10]), datetime.min.time()
                )
            except ValueError:
                notice.problems.append(f"{where}: {key} {value!r} is not a date.")
    return found


def _read_event(number: int, event: Any, notice: _Notice) -> None:
    where = f"event {number}"
    if not isinstance(event, dict):
        notice.problems.append(f"{where} is not an object.")
        return
    kind = (event.get("type"), event.get("action"), event.get("bizStep"))
    if kind[0] == "ObjectEvent" and kind[1] == "OBSERVE" and kind[2] in SHIPPING:
        _read_shipping(number, event, notice)
    elif event.get("ilmd") or kind[2] in COMMISSIONING:
        _read_commissioning(number, event, notice)
    else:
        described = " ".join(str(part) for part in kind if part)
        notice.problems.append(
            f"{where} ({described}) is not a shipping ObjectEvent OBSERVE, nor the "
            "commissioning of what is shipped."
        )


def _read_commissioning(number: int, event: dict[str, Any], notice: _Notice) -> None:
    """An event with ILMD: the dates of the items it made, for the items shipped."""
    dates = _dates(event, f"event {number}", notice)
    uris = [*(event.get("epcList") or []), *(event.get("outputEPCList") or [])]
    elements = [*(event.get("quantityList") or []), *(event.get("outputQuantityList") or [])]
    uris += [e.get("epcClass") for e in elements if isinstance(e, dict)]
    for uri in uris:
        try:
            notice.dates[gs1.read_item(uri)] = dates
        except InvalidIdentifier:
            continue


def _read_shipping(number: int, event: dict[str, Any], notice: _Notice) -> None:
    where = f"event {number}"
    dates = _dates(event, where, notice)
    for uri in event.get("epcList") or []:
        _add(notice, number, uri, Decimal(1), None, dates)
    for element in event.get("quantityList") or []:
        element = element if isinstance(element, dict) else {}
        try:
            amount = Decimal(str(element.get("quantity")))
        except InvalidOperation:
            notice.problems.append(f"{where}: {element.get('epcClass')} has no quantity.")
            continue
        _add(notice, number, element.get("epcClass"), amount, element.get("uom"), dates)
    for entry in event.get("sourceList") or []:
        if isinstance(entry, dict) and entry.get("type") in ("owning_party", "possessing_party"):
            notice.parties.add(str(entry.get("source")))
    for entry in event.get("bizTransactionList") or []:
        if isinstance(entry, dict) and entry.get("bizTransaction"):
            order = str(entry["bizTransaction"])
            if entry.get("type") == "po":
                notice.orders.insert(0, order)
            else:
                notice.orders.append(order)


def _add(
    notice: _Notice, number: int, uri: Any, amount: Decimal, uom: Any, dates: dict[str, datetime]
) -> None:
    try:
        item = gs1.read_item(uri)
    except InvalidIdentifier as exc:
        notice.problems.append(f"event {number}: {exc}")
        return
    if amount <= 0:
        notice.problems.append(f"event {number}: {uri} has a quantity of {amount}.")
        return
    notice.items.append(_Item(number, item, amount, uom, dates))


def _products(conn: Connection, gtins: set[str]) -> dict[str, Product]:
    found: dict[str, Product] = {}
    for chunk in chunked(sorted(gtins)):
        rows = conn.execute(select(products).where(products.c.gtin.in_(chunk))).mappings()
        found.update((row["gtin"], product_from_row(row)) for row in rows)
    return found


def _problem(item: _Item, product: Product | None) -> str | None:
    where = f"event {item.event}: GTIN {item.item.gtin}"
    if product is None:
        return f"{where} is not the GTIN of any of our products."
    if product.tracking == "serial" and item.item.serial is None:
        return f"{where} ({product.code}) is tracked by serial number, but no serial is given."
    if product.tracking == "lot" and item.item.lot is None:
        return f"{where} ({product.code}) is tracked by lot, but no lot is given."
    if product.tracking == "none" and (item.item.lot or item.item.serial):
        return f"{where} ({product.code}) is not tracked, but a lot or serial is given."
    expected = gs1.unece_unit(product.unit)
    if item.item.serial is None and (item.uom or None) != expected:
        return (
            f"{where} ({product.code}) is counted in {item.uom or 'units'}, but we keep it "
            f"in {product.unit}."
        )
    return None


def _partner(conn: Connection, parties: set[str], problems: list[str]) -> str | None:
    names: set[str] = set()
    for uri in sorted(parties):
        gln = gs1.read_party(uri)
        if gln is not None:
            name = conn.execute(select(partners.c.name).where(partners.c.gln == gln)).scalar()
            if name is None:
                problems.append(f"No partner has the GLN {gln} of the shipper; add it first.")
            else:
                names.add(name)
        elif uri.startswith("urn:lotline:partner:"):
            names.add(unquote(uri.rsplit(":", 1)[1]))
    if len(names) > 1:
        problems.append(f"The events come from several shippers: {', '.join(sorted(names))}.")
    return next(iter(names)) if len(names) == 1 else None


def _lines(items: list[_Item], found: dict[str, Product]) -> list[dict[str, Any]]:
    per_product: dict[str, dict[str, Any]] = {}
    for entry in items:
        product = found[entry.item.gtin]
        line = per_product.setdefault(
            product.code,
            {
                "product": product.code,
                "quantity": Decimal(0),
                "lots": [] if product.tracking == "serial" else {},
            },
        )
        line["quantity"] += entry.quantity
        if product.tracking == "serial":
            line["lots"].append(entry.item.serial)
        elif product.tracking == "lot":
            line["lots"][entry.item.lot] = (
                line["lots"].get(entry.item.lot, Decimal(0)) + entry.quantity
            )
        else:
            line.pop("lots", None)
    return list(per_product.values())


def capture(
    conn: Connection, user: str, document: Any, destination: LocationRef = STOCK
) -> Operation:
    """The draft receipt of a supplier's EPCIS shipping events (ready to validate)."""
    notice = _Notice()
    for number, event in enumerate(_document(document, notice), start=1):
        _read_event(number, event, notice)
    found = _products(conn, {entry.item.gtin for entry in notice.items})
    notice.problems.extend(
        problem
        for entry in notice.items
        if (problem := _problem(entry, found.get(entry.item.gtin)))
    )
    partner = _partner(conn, notice.parties, notice.problems)
    if not notice.items and not notice.problems:
        notice.problems.append("The events name no item to receive.")
    if notice.problems:
        raise InvalidEpcis(list(dict.fromkeys(notice.problems)))
    _create_dated_lots(conn, notice.items, found, notice.dates)
    origin = unquote(notice.orders[0].rsplit(":", 1)[-1])[:256] if notice.orders else None
    return create_receipt(conn, user, _lines(notice.items, found), partner, destination, origin)


def _create_dated_lots(
    conn: Connection,
    items: list[_Item],
    found: dict[str, Product],
    dates: dict[gs1.ItemId, dict[str, datetime]],
) -> None:
    """The lots the notice dates, created now with those dates (others at validation)."""
    dated: dict[str, dict[str, dict[str, datetime | None]]] = defaultdict(dict)
    for entry in items:
        name = entry.item.serial or entry.item.lot
        given = entry.dates or dates.get(entry.item, {})
        if given and name is not None:
            dated[entry.item.gtin][name] = dict(given)
    for gtin, by_name in dated.items():
        ensure_lots(conn, found[gtin], list(by_name), dates=by_name)
