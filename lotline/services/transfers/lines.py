"""Reading the caller's lines of a transfer: the product, the demand and the lots.

A line gives its lots one way: ``lots`` (``{lot: qty} | [serial, ...] | qty``, read
by ``rules.lots_input``), ``first`` + ``count`` (a numbered series of serials),
``serials_text`` (a pasted list), ``assign_serials`` (the next free serials,
receipts only) or ``scans`` (barcodes). Every line is checked before anything is
written, and a serial appears once per document.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, select

from lotline.errors import (
    InvalidInput,
    InvalidQuantity,
    MissingLot,
    UnknownProduct,
    describe_quantity,
)
from lotline.models import Product
from lotline.rules.barcodes import parse_barcode
from lotline.rules.inputs import items_of
from lotline.rules.lists import parse_list
from lotline.rules.lots_input import LotsOrQuantity, kind_word, parse_lots
from lotline.rules.naming import generate_names, validate_lot_name
from lotline.rules.quantities import ONE, ZERO, positive_quantity, require_whole
from lotline.rules.text import as_text, described
from lotline.services.catalog import product_code, product_from_row
from lotline.services.lots import ensure_lots, next_names
from lotline.store.schema import products

LOT_SOURCES = ("lots", "first", "serials_text", "assign_serials", "scans")
SERIALS_ONLY = ("first", "serials_text", "assign_serials")
LINE_KEYS = frozenset({"product", "quantity", "count", *LOT_SOURCES})

LineInput = Mapping[str, Any]
LotsInput = LotsOrQuantity
Details = list[tuple[str | None, Decimal]]


@dataclass(slots=True)
class Line:
    """A demanded line as read from the caller: its product, quantity and (lot, quantity)s."""

    product: Product
    quantity: Decimal
    details: Details = field(default_factory=list)


def parse_details(product: Product, lots_input: LotsInput) -> Details:
    """Detailed (lot, quantity) pairs of a line's ``lots`` (see ``rules.lots_input``)."""
    return parse_lots(product, lots_input, allow_quantity=True)


def scanned(product: Product, scans: str | Sequence[str]) -> list[tuple[str, Decimal]]:
    """(lot, quantity) pairs from scanned barcodes: GS1 labels or typed names.

    A serial-tracked product takes one unit per scan; scans of the same lot add up.
    """
    given = [scans] if isinstance(scans, str) else items_of(scans, "scans")
    serials: list[tuple[str, Decimal]] = []
    lot_totals: dict[str, Decimal] = defaultdict(Decimal)
    for data in given:
        name, quantity = _scanned_lot(product, data)
        if product.tracking == "serial":
            serials.append((name, ONE))
        else:
            lot_totals[name] += quantity
    return serials + list(lot_totals.items())


def _scanned_lot(product: Product, data: object) -> tuple[str, Decimal]:
    scan = parse_barcode(data)
    if scan.gtin and product.gtin and scan.gtin.lstrip("0") != product.gtin.lstrip("0"):
        raise InvalidInput(
            f"The barcode {data!r} is for GTIN {scan.gtin}, not {product.code} "
            f"(GTIN {product.gtin}); scan the label of {product.code}.",
            details={"product": product.code, "barcode": data, "gtin": scan.gtin},
        )
    name = scan.serial if product.tracking == "serial" else scan.lot
    if name is None:
        kind = kind_word(product)
        raise MissingLot(
            f"The barcode {data!r} carries no {kind} for {product.code}; scan the label "
            f"with the {kind}, or type it.",
            details={"product": product.code, "barcode": data},
        )
    return name, scan.quantity or ONE


def parse_lines(conn: Connection, raw_lines: Any, *, incoming: bool) -> list[Line]:
    """The caller's lines, checked: known products, lots given one way, no serial twice."""
    if isinstance(raw_lines, Mapping) or not isinstance(raw_lines, Sequence) or not raw_lines:
        raise InvalidInput(
            'Give the lines as a non-empty list such as [{"product": "CHAIR", "quantity": 2}].'
        )
    product_map = products_by_ref(
        conn, [r["product"] for r in raw_lines if isinstance(r, Mapping) and "product" in r]
    )
    parsed = [parse_line(conn, raw, product_map, incoming=incoming) for raw in raw_lines]
    refuse_repeated_serials(
        [(line.product, name) for line in parsed for name, _ in line.details if name]
    )
    return parsed


def parse_line(
    conn: Connection, raw: Any, product_map: Mapping[str, Product], *, incoming: bool
) -> Line:
    """One line: its product, its demand (or the sum of its lots) and its lots."""
    _check_keys(raw)
    product = product_map[code_of(raw["product"])]
    quantity = (
        positive_quantity(raw["quantity"], what=f"quantity of {product.code}")
        if raw.get("quantity") is not None
        else None
    )
    source = _lots_source(product, raw)
    if source == "assign_serials":
        details: Details = _assigned_serials(conn, product, quantity, incoming=incoming)
    else:
        details = parse_details(product, _lots_given(product, raw, source, quantity))
    return _line(product, quantity, details)


def _check_keys(raw: Any) -> None:
    if not isinstance(raw, Mapping):
        raise InvalidInput(
            f'A line is a dict such as {{"product": "CHAIR", "quantity": 2}}, not {described(raw)}.'
        )
    unknown = set(raw) - LINE_KEYS
    if unknown:
        raise InvalidInput(
            f"Unknown key(s) {', '.join(sorted(map(as_text, unknown)))} in a line; "
            f"use {', '.join(sorted(LINE_KEYS))}.",
            details={"keys": sorted(map(as_text, unknown))},
        )
    if "product" not in raw:
        raise InvalidInput('Every line needs a "product" (its code).')


def _lots_source(product: Product, raw: Mapping[str, Any]) -> str | None:
    """Which one key of the line gives its lots, if any."""
    sources = [key for key in LOT_SOURCES if raw.get(key)]
    if len(sources) > 1:
        raise InvalidInput(
            f"The line of {product.code} gives its lots in {len(sources)} ways "
            f"({', '.join(sources)}); use one.",
            details={"product": product.code, "ways": sources},
        )
    source = sources[0] if sources else None
    if source in SERIALS_ONLY and product.tracking != "serial":
        raise InvalidInput(
            f'"{source}" gives serial numbers, but {product.code} is tracked by '
            f'{product.tracking}; use "lots": {{name: quantity}} instead.',
            details={"product": product.code, "tracking": product.tracking},
        )
    return source


def _lots_given(
    product: Product, raw: Mapping[str, Any], source: str | None, quantity: Decimal | None
) -> LotsInput:
    """The line's lots as ``rules.lots_input`` reads them, whichever way they were given."""
    if source == "first":
        first = validate_lot_name(raw["first"])
        return generate_names(first, _serial_count(product, raw.get("count"), quantity))
    if source == "scans":
        return scanned(product, raw["scans"])
    if source == "serials_text":
        return parse_list(raw["serials_text"], serial=True)
    lots_given: LotsInput = raw.get("lots")
    return lots_given


def _serial_count(product: Product, count: Any, quantity: Decimal | None) -> int:
    if count is None and quantity is not None:
        count = int(require_whole(quantity, what=f"number of serials of {product.code}"))
    if not isinstance(count, int) or isinstance(count, bool) or count <= 0:
        raise InvalidQuantity(
            f'"first" needs a "count" of serial numbers of {product.code} greater than 0.',
            details={"product": product.code},
        )
    return count


def _assigned_serials(
    conn: Connection, product: Product, quantity: Decimal | None, *, incoming: bool
) -> Details:
    """The next free serial numbers of the product, created now (Assign Serial Numbers)."""
    if not incoming:
        raise InvalidInput(
            "Assign Serial Numbers creates new serials: it is for receipts only.",
            details={"product": product.code},
        )
    if quantity is None:
        raise InvalidQuantity(
            f"Give the quantity of {product.code} to assign serials to.",
            details={"product": product.code},
        )
    count = int(require_whole(quantity, what=f"number of serials of {product.code}"))
    names = next_names(conn, product, count)
    ensure_lots(conn, product, names)
    return [(name, ONE) for name in names]


def _line(product: Product, quantity: Decimal | None, details: Details) -> Line:
    """The line with its demand: as given, or the sum of its lots; never less than the lots."""
    detailed = sum((q for _, q in details), ZERO)
    if quantity is None:
        if not details:
            raise InvalidQuantity(
                f'The line of {product.code} needs a "quantity".', details={"product": product.code}
            )
        quantity = detailed
    if detailed > quantity:
        raise InvalidQuantity(
            f"The lots of {product.code} add up to {describe_quantity(detailed)}, more than "
            f"the {describe_quantity(quantity)} demanded; fix the lot quantities or the demand.",
            details={"product": product.code, "detailed": detailed, "demanded": quantity},
        )
    if product.tracking == "serial":
        require_whole(quantity, what=f"quantity of serial-tracked {product.code}")
    return Line(product, quantity, details)


def products_by_ref(conn: Connection, refs: Sequence[Any]) -> dict[str, Product]:
    """Products of the given refs (objects or codes) by code, in one query."""
    codes = {code_of(ref) for ref in refs}
    rows = conn.execute(select(products).where(products.c.code.in_(codes))).mappings()
    found = {r["code"]: product_from_row(r) for r in rows}
    missing = sorted(codes - set(found))
    if missing:
        raise UnknownProduct(
            f"There is no product with code {missing[0]!r}; check the code, or create the "
            "product first.",
            details={"product": missing[0]},
        )
    return found


def code_of(ref: Any) -> str:
    """The code of a product given as a Product or its code."""
    return product_code(ref.code if isinstance(ref, Product) else ref)


def refuse_repeated_serials(named: Sequence[tuple[Product, str]], document: str = "") -> None:
    """Refuse a serial number that appears twice in one document."""
    seen: set[tuple[int, str]] = set()
    for product, name in named:
        if product.tracking != "serial":
            continue
        if (product.id, name) in seen:
            where = f" in {document}" if document else " in the document"
            raise InvalidInput(
                f"The serial number {name} of {product.code} appears twice{where}; "
                "a serial number is one unit. Remove the repeated one.",
                details={"product": product.code, "lot": name, "document": document or None},
            )
        seen.add((product.id, name))
