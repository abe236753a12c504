"""Receipts, deliveries and internal transfers with lots and serial numbers.

A document has demanded lines (``moves``) and detailed lines (``move_details``:
the lot or serial and the quantity). Outgoing documents reserve their details
on the quants; only ``validate`` posts to the ledger. Every step works in bulk:
the number of statements depends on the number of distinct products, never on
the number of lots or serials.
"""

from __future__ import annotations

import builtins
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, RowMapping, delete, insert, null, select, update
from sqlalchemy.orm import aliased

from lotline.errors import (
    InsufficientStock,
    InvalidInput,
    InvalidQuantity,
    InvalidState,
    MissingLot,
    UnknownOperation,
    UnknownProduct,
    describe_quantity,
)
from lotline.models import Location, Operation, Product
from lotline.rules.allocation import Candidate, Pick, allocate, removal_order
from lotline.rules.barcodes import parse_barcode
from lotline.rules.lists import parse_list
from lotline.rules.lots_input import LotsOrQuantity, parse_lots
from lotline.rules.naming import generate_names
from lotline.rules.quantities import positive_quantity, require_whole
from lotline.rules.text import clean_text
from lotline.services import ledger
from lotline.services.base import Service, utcnow
from lotline.services.catalog import ProductRef, get_product, product_from_row, products_by_id
from lotline.services.documents import (
    DOCUMENT_PREFIXES,
    OperationRef,
    create_operation,
    load_document,
    operation_row,
)
from lotline.services.locations import (
    CUSTOMERS,
    STOCK,
    STOCK_KEEPING,
    VENDORS,
    LocationRef,
    get_location,
    locations_by_id,
)
from lotline.services.lots import ensure_lots, next_names
from lotline.services.reservations import candidates, hold, release
from lotline.services.sequences import next_document_name
from lotline.store.bulk import insert_dicts
from lotline.store.schema import locations as locations_table
from lotline.store.schema import lots, move_details, move_lines, moves, operations, products

KINDS = ("receipt", "delivery", "internal")
OPEN_STATES = ("draft", "confirmed", "ready")
LINE_KEYS = frozenset(
    {"product", "quantity", "lots", "first", "count", "serials_text", "assign_serials", "scans"}
)
RETURN_KINDS = {"receipt": "delivery", "delivery": "receipt", "internal": "internal"}
ZERO = Decimal(0)
ONE = Decimal(1)

LineInput = Mapping[str, Any]
LotsInput = LotsOrQuantity


@dataclass(slots=True)
class _Line:
    """A demanded line as parsed from the caller's input."""

    product: Product
    quantity: Decimal
    details: list[tuple[str | None, Decimal]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Detail:
    id: int
    move_id: int
    product_id: int
    lot_id: int | None
    lot_name: str | None
    quantity: Decimal
    source_id: int
    destination_id: int
    reserved: bool


@dataclass(frozen=True, slots=True)
class _Move:
    id: int
    product_id: int
    quantity: Decimal
    sequence: int


# --- reading input -----------------------------------------------------------------


def _products_by_ref(conn: Connection, refs: Sequence[Any]) -> dict[str, Product]:
    """Products of the given refs (objects or codes) by code, in one query."""
    codes: set[str] = set()
    for ref in refs:
        code = ref.code if isinstance(ref, Product) else ref
        if not isinstance(code, str):
            raise UnknownProduct(f"A product is given by its code, not {code!r}.")
        codes.add(code.strip())
    rows = conn.execute(select(products).where(products.c.code.in_(codes))).mappings()
    found = {r["code"]: product_from_row(r) for r in rows}
    missing = sorted(codes - set(found))
    if missing:
        raise UnknownProduct(
            f"There is no product with code {missing[0]!r}. Check the code, or create it with "
            "`lotline products add`."
        )
    return found


def _code(ref: Any) -> str:
    return (ref.code if isinstance(ref, Product) else str(ref)).strip()


def _kind_word(product: Product) -> str:
    return "serial number" if product.tracking == "serial" else "lot"


def parse_details(product: Product, lots_input: LotsInput) -> list[tuple[str | None, Decimal]]:
    """Detailed (lot, quantity) pairs of a line's ``lots`` (see ``rules.lots_input``)."""
    return parse_lots(product, lots_input, allow_quantity=True)


def scanned(product: Product, scans: str | Sequence[str]) -> list[tuple[str, Decimal]]:
    """(lot, quantity) pairs from scanned barcodes: GS1 labels or typed names.

    A serial-tracked product takes one unit per scan; scans of the same lot add up.
    """
    if isinstance(scans, str):
        scans = [scans]
    kind = _kind_word(product)
    pairs: list[tuple[str, Decimal]] = []
    lot_totals: dict[str, Decimal] = defaultdict(Decimal)
    for data in scans:
        scan = parse_barcode(data)
        if scan.gtin and product.gtin and scan.gtin.lstrip("0") != product.gtin.lstrip("0"):
            raise InvalidInput(
                f"The barcode {data!r} is for GTIN {scan.gtin}, not {product.code} "
                f"(GTIN {product.gtin}); scan the label of {product.code}."
            )
        name = scan.serial if product.tracking == "serial" else scan.lot
        if name is None:
            raise MissingLot(
                f"The barcode {data!r} carries no {kind} for {product.code}; scan the label "
                f"with the {kind}, or type it."
            )
        if product.tracking == "serial":
            pairs.append((name, ONE))
        else:
            lot_totals[name] += scan.quantity or ONE
    return pairs + list(lot_totals.items())


def _parse_line(
    conn: Connection, raw: Any, product_map: dict[str, Product], *, incoming: bool
) -> _Line:
    if not isinstance(raw, Mapping):
        raise InvalidInput(
            f'A line is a dict such as {{"product": "CHAIR", "quantity": 2}}, not {raw!r}.'
        )
    unknown = set(raw) - LINE_KEYS
    if unknown:
        raise InvalidInput(
            f"Unknown key(s) {', '.join(sorted(map(str, unknown)))} in a line; "
            f"use {', '.join(sorted(LINE_KEYS))}."
        )
    if "product" not in raw:
        raise InvalidInput('Every line needs a "product" (its code).')
    product = product_map[_code(raw["product"])]
    quantity = (
        positive_quantity(raw["quantity"], what=f"quantity of {product.code}")
        if raw.get("quantity") is not None
        else None
    )
    sources = [
        k for k in ("lots", "first", "serials_text", "assign_serials", "scans") if raw.get(k)
    ]
    if len(sources) > 1:
        raise InvalidInput(
            f"The line of {product.code} gives its lots in {len(sources)} ways "
            f"({', '.join(sources)}); use one."
        )
    if sources and sources[0] not in ("lots", "scans") and product.tracking != "serial":
        raise InvalidInput(
            f'"{sources[0]}" gives serial numbers, but {product.code} is tracked by '
            f'{product.tracking}; use "lots": {{name: quantity}} instead.'
        )
    details: list[tuple[str | None, Decimal]]
    if raw.get("first"):
        count = raw.get("count")
        if count is None and quantity is not None:
            count = int(require_whole(quantity, what=f"number of serials of {product.code}"))
        if not isinstance(count, int) or isinstance(count, bool) or count <= 0:
            raise InvalidQuantity(
                f'"first" needs a "count" of serial numbers of {product.code} greater than 0.'
            )
        details = parse_details(product, generate_names(str(raw["first"]), count))
    elif raw.get("scans"):
        details = parse_details(product, scanned(product, raw["scans"]))
    elif raw.get("serials_text"):
        details = parse_details(product, parse_list(str(raw["serials_text"]), serial=True))
    elif raw.get("assign_serials"):
        if not incoming:
            raise InvalidInput(
                "Assign Serial Numbers creates new serials: it is for receipts only."
            )
        if quantity is None:
            raise InvalidQuantity(f"Give the quantity of {product.code} to assign serials to.")
        count = int(require_whole(quantity, what=f"number of serials of {product.code}"))
        names = next_names(conn, product, count)
        ensure_lots(conn, product, names)
        details = [(name, ONE) for name in names]
    else:
        details = parse_details(product, raw.get("lots"))
    detailed = sum((q for _, q in details), ZERO)
    if quantity is None:
        if not details:
            raise InvalidQuantity(f'The line of {product.code} needs a "quantity".')
        quantity = detailed
    if detailed > quantity:
        raise InvalidQuantity(
            f"The lots of {product.code} add up to {describe_quantity(detailed)}, more than "
            f"the {describe_quantity(quantity)} demanded; fix the lot quantities or the demand."
        )
    if product.tracking == "serial":
        require_whole(quantity, what=f"quantity of serial-tracked {product.code}")
    return _Line(product, quantity, details)


def _parse_lines(conn: Connection, raw_lines: Any, *, incoming: bool) -> list[_Line]:
    if isinstance(raw_lines, Mapping) or not isinstance(raw_lines, Sequence) or not raw_lines:
        raise InvalidInput(
            'Give the lines as a non-empty list such as [{"product": "CHAIR", "quantity": 2}].'
        )
    product_map = _products_by_ref(
        conn, [r["product"] for r in raw_lines if isinstance(r, Mapping) and "product" in r]
    )
    parsed = [_parse_line(conn, raw, product_map, incoming=incoming) for raw in raw_lines]
    _refuse_repeated_serials(
        [(line.product, name) for line in parsed for name, _ in line.details if name]
    )
    return parsed


def _refuse_repeated_serials(named: Sequence[tuple[Product, str]], document: str = "") -> None:
    seen: set[tuple[int, str]] = set()
    for product, name in named:
        if product.tracking != "serial":
            continue
        if (product.id, name) in seen:
            where = f" in {document}" if document else " in the document"
            raise InvalidInput(
                f"The serial number {name} of {product.code} appears twice{where}; "
                "a serial number is one unit. Remove the repeated one."
            )
        seen.add((product.id, name))


# --- creating documents ------------------------------------------------------------


def _check_text(value: str | None, what: str) -> str | None:
    return clean_text(value, what, limit=256, required=False)


def _create(
    conn: Connection,
    user: str,
    kind: str,
    source: Location,
    destination: Location,
    lines: Sequence[_Line],
    *,
    partner: str | None = None,
    origin: str | None = None,
    **values: Any,
) -> Operation:
    now = utcnow()
    incoming = source.usage not in STOCK_KEEPING
    operation_id = create_operation(
        conn,
        name=next_document_name(conn, DOCUMENT_PREFIXES[kind]),
        kind=kind,
        state="ready" if incoming else "draft",
        source_id=source.id,
        destination_id=destination.id,
        user=user,
        at=now,
        partner=_check_text(partner, "partner"),
        origin=_check_text(origin, "origin"),
        **values,
    )
    move_ids = _insert_moves(
        conn, operation_id, source, destination, [(ln.product.id, ln.quantity) for ln in lines]
    )
    rows = [
        {
            "operation_id": operation_id,
            "move_id": move_id,
            "product_id": line.product.id,
            "lot_id": None,
            "lot_name": name,
            "quantity": quantity,
            "source_id": source.id,
            "destination_id": destination.id,
            "reserved": False,
        }
        for move_id, line in zip(move_ids, lines, strict=True)
        for name, quantity in line.details
    ]
    if rows:
        insert_dicts(conn, move_details, rows)
    return load_document(conn, operation_id)


def _insert_moves(
    conn: Connection,
    operation_id: int,
    source: Location,
    destination: Location,
    demands: Sequence[tuple[int, Decimal]],
) -> list[int]:
    result = conn.execute(
        insert(moves).returning(moves.c.id, sort_by_parameter_order=True),
        [
            {
                "operation_id": operation_id,
                "product_id": product_id,
                "quantity": quantity,
                "source_id": source.id,
                "destination_id": destination.id,
                "sequence": index,
            }
            for index, (product_id, quantity) in enumerate(demands, start=1)
        ],
    )
    return [row.id for row in result]


def _require_usage(location: Location, internal: bool, role: str, hint: str) -> None:
    if (location.usage in STOCK_KEEPING) != internal or location.usage == "view":
        raise InvalidInput(f"{location.full_name} cannot be the {role}: {hint}")


def create_receipt(
    conn: Connection,
    user: str,
    lines: Any,
    partner: str | None,
    destination: LocationRef,
    origin: str | None,
) -> Operation:
    to = get_location(conn, destination)
    _require_usage(to, True, "destination of a receipt", "receive into WH/Stock or a child.")
    parsed = _parse_lines(conn, lines, incoming=True)
    vendors = get_location(conn, VENDORS)
    return _create(conn, user, "receipt", vendors, to, parsed, partner=partner, origin=origin)


def create_delivery(
    conn: Connection,
    user: str,
    lines: Any,
    partner: str | None,
    source: LocationRef,
    origin: str | None,
) -> Operation:
    frm = get_location(conn, source)
    _require_usage(frm, True, "source of a delivery", "deliver from WH/Stock or a child.")
    parsed = _parse_lines(conn, lines, incoming=False)
    customers = get_location(conn, CUSTOMERS)
    return _create(conn, user, "delivery", frm, customers, parsed, partner=partner, origin=origin)


def create_internal(
    conn: Connection,
    user: str,
    lines: Any,
    source: LocationRef,
    destination: LocationRef,
    origin: str | None,
) -> Operation:
    frm, to = get_location(conn, source), get_location(conn, destination)
    hint = "an internal transfer moves stock between internal locations such as WH/Stock."
    _require_usage(frm, True, "source of an internal transfer", hint)
    _require_usage(to, True, "destination of an internal transfer", hint)
    if frm.id == to.id:
        raise InvalidInput(
            f"An internal transfer from {frm.full_name} to itself moves nothing; "
            "choose another destination."
        )
    parsed = _parse_lines(conn, lines, incoming=False)
    return _create(conn, user, "internal", frm, to, parsed, origin=origin)


# --- loading -----------------------------------------------------------------------


def _transfer_row(conn: Connection, ref: OperationRef, action: str | None = None) -> RowMapping:
    """The document's row; with an ``action``, locked until the transaction ends and open.

    The lock makes a second validate (or cancel) of the same document wait and then
    see it done, so a document is never posted twice.
    """
    row = operation_row(conn, ref)
    if action is not None:
        row = (
            conn.execute(select(operations).where(operations.c.id == row["id"]).with_for_update())
            .mappings()
            .one()
        )
    if row["kind"] not in KINDS:
        raise UnknownOperation(
            f"{row['name']} is a {row['kind']} document, not a receipt, delivery or "
            "internal transfer."
        )
    if action is not None and row["state"] not in OPEN_STATES:
        raise InvalidState(
            f"Cannot {action} {row['name']}: it is {row['state']}. "
            + (
                "A done document is never changed; make a return instead."
                if row["state"] == "done"
                else "A cancelled document stays cancelled; create a new one."
            )
        )
    return row


def _moves(conn: Connection, operation_id: int) -> list[_Move]:
    return [
        _Move(r.id, r.product_id, r.quantity, r.sequence)
        for r in conn.execute(
            select(moves.c.id, moves.c.product_id, moves.c.quantity, moves.c.sequence)
            .where(moves.c.operation_id == operation_id)
            .order_by(moves.c.sequence, moves.c.id)
        )
    ]


def _details(conn: Connection, operation_id: int) -> list[_Detail]:
    query = (
        select(
            move_details.c.id,
            move_details.c.move_id,
            move_details.c.product_id,
            move_details.c.lot_id,
            move_details.c.lot_name,
            move_details.c.quantity,
            move_details.c.source_id,
            move_details.c.destination_id,
            move_details.c.reserved,
        )
        .where(move_details.c.operation_id == operation_id)
        .order_by(move_details.c.id)
    )
    return [_Detail(*r) for r in conn.execute(query)]


@dataclass(frozen=True, slots=True)
class _Document:
    """A document's row with its places, demanded lines, detailed lines and products."""

    row: RowMapping
    source: Location
    destination: Location
    moves: list[_Move]
    details: list[_Detail]
    products: dict[int, Product]

    @property
    def outgoing(self) -> bool:
        return self.source.usage in STOCK_KEEPING


def _load(conn: Connection, row: RowMapping) -> _Document:
    place = locations_by_id(conn, {row["source_id"], row["destination_id"]})
    move_list = _moves(conn, row["id"])
    return _Document(
        row,
        place[row["source_id"]],
        place[row["destination_id"]],
        move_list,
        _details(conn, row["id"]),
        products_by_id(conn, {m.product_id for m in move_list}),
    )


# --- reserving ---------------------------------------------------------------------


def _picks_of(details: Sequence[_Detail]) -> list[Pick]:
    return [Pick(d.source_id, d.lot_id, d.lot_name, d.quantity) for d in details if d.reserved]


def _reserve(
    conn: Connection,
    doc: _Document,
    *,
    fill: str,
    only_product: int | None = None,
) -> tuple[bool, bool]:
    """Hold the named details and fill moves by removal strategy.

    fill="all" tops every move up to its demand, "empty" only moves without any
    detail (validating an untouched document), "none" reserves only what is named.
    Returns (everything is reserved, the detailed lines changed).
    """
    row, source, destination = doc.row, doc.source, doc.destination
    move_list, details, product_map = doc.moves, doc.details, doc.products
    by_move: dict[int, list[_Detail]] = defaultdict(list)
    for d in details:
        by_move[d.move_id].append(d)
    new_rows: list[dict[str, Any]] = []
    replaced: list[int] = []
    fully = True
    for product_id in sorted({m.product_id for m in move_list}):
        product = product_map[product_id]
        product_moves = [m for m in move_list if m.product_id == product_id]
        named = [d for m in product_moves for d in by_move[m.id] if not d.reserved]
        needs: list[tuple[_Move, Decimal]] = []
        for m in product_moves:
            detailed = sum((d.quantity for d in by_move[m.id]), ZERO)
            missing = m.quantity - detailed
            if fill == "all" or (fill == "empty" and not by_move[m.id]):
                if missing > 0:
                    needs.append((m, missing))
            elif missing > 0:
                fully = False
        if only_product is not None and product_id != only_product:
            continue
        if not named and not needs:
            continue
        found = [
            c
            for c in candidates(conn, product, source)
            if c.location_id != destination.id and (c.lot_id is not None or not product.is_tracked)
        ]
        available = {(c.location_id, c.lot_id): c.available for c in found}
        by_name: dict[str | None, list[Candidate]] = defaultdict(list)
        for c in removal_order(found, product.removal_strategy) if named else ():
            by_name[c.lot_name].append(c)
        picks: list[tuple[int, Pick]] = []
        for detail in named:
            taken = _take_named(product, source, by_name, available, detail)
            picks.extend((detail.move_id, p) for p in taken)
            replaced.append(detail.id)
        remaining = [replace(c, available=available[(c.location_id, c.lot_id)]) for c in found]
        wanted = sum((q for _, q in needs), ZERO)
        if wanted:
            filled, shortfall = allocate(remaining, wanted, product.removal_strategy)
            picks.extend(_spread(filled, needs))
            fully = fully and shortfall == 0
        hold(conn, product, [p for _, p in picks])
        new_rows.extend(
            {
                "operation_id": row["id"],
                "move_id": move_id,
                "product_id": product_id,
                "lot_id": p.lot_id,
                "lot_name": p.lot_name,
                "quantity": p.quantity,
                "source_id": p.location_id,
                "destination_id": destination.id,
                "reserved": True,
            }
            for move_id, p in picks
        )
    if replaced:
        conn.execute(
            delete(move_details).where(
                move_details.c.operation_id == row["id"], move_details.c.reserved.is_(False)
            )
            if only_product is None
            else delete(move_details).where(
                move_details.c.operation_id == row["id"],
                move_details.c.reserved.is_(False),
                move_details.c.product_id == only_product,
            )
        )
    if new_rows:
        insert_dicts(conn, move_details, new_rows)
    return fully, bool(replaced or new_rows)


def _take_named(
    product: Product,
    source: Location,
    by_name: Mapping[str | None, Sequence[Candidate]],
    available: dict[tuple[int, int | None], Decimal],
    detail: _Detail,
) -> list[Pick]:
    """Picks of one named lot/serial (or untracked quantity) from wherever it is in source."""
    picks: list[Pick] = []
    remaining = detail.quantity
    for c in by_name.get(detail.lot_name, ()):
        free = available[(c.location_id, c.lot_id)]
        if remaining <= 0 or free <= 0:
            continue
        taken = min(free, remaining)
        available[(c.location_id, c.lot_id)] = free - taken
        picks.append(Pick(c.location_id, c.lot_id, c.lot_name, taken))
        remaining -= taken
    if remaining > 0:
        have = detail.quantity - remaining
        what = f"{_kind_word(product)} {detail.lot_name} of " if detail.lot_name else ""
        raise InsufficientStock(
            f"Not enough {what}{product.code} free in {source.full_name}: "
            f"{describe_quantity(have)} available, {describe_quantity(detail.quantity)} "
            "needed. It is not there, or another document has reserved it; choose another "
            f"{_kind_word(product) if product.is_tracked else 'quantity'} or receive it first."
        )
    return picks


def _spread(
    picks: Sequence[Pick], needs: Sequence[tuple[_Move, Decimal]]
) -> list[tuple[int, Pick]]:
    """Share picks among the moves that need them, in line order."""
    out: list[tuple[int, Pick]] = []
    move_ids = [m.id for m, _ in needs]
    left_to_fill = [q for _, q in needs]
    index = 0
    for pick in picks:
        left = pick.quantity
        while left > 0 and index < len(move_ids):
            taken = min(left, left_to_fill[index])
            out.append((move_ids[index], replace(pick, quantity=taken)))
            left -= taken
            left_to_fill[index] -= taken
            if left_to_fill[index] <= 0:
                index += 1
    return out


def reserve(conn: Connection, ref: OperationRef) -> Operation:
    row = _transfer_row(conn, ref, "reserve")
    doc = _load(conn, row)
    if doc.outgoing:
        fully, _ = _reserve(conn, doc, fill="all")
        conn.execute(
            update(operations)
            .where(operations.c.id == row["id"])
            .values(state="ready" if fully else "confirmed")
        )
    return load_document(conn, row["id"])


# --- changing lots -----------------------------------------------------------------


def set_lots(
    conn: Connection, ref: OperationRef, product_ref: ProductRef, lots_input: Any
) -> Operation:
    row = _transfer_row(conn, ref, "change the lots of")
    product = get_product(conn, product_ref)
    product_moves = [m for m in _moves(conn, row["id"]) if m.product_id == product.id]
    if not product_moves:
        raise InvalidInput(
            f"{row['name']} has no line of {product.code}; lots are set on a product "
            "the document moves."
        )
    given = parse_details(product, lots_input)
    demand = sum((m.quantity for m in product_moves), ZERO)
    total = sum((q for _, q in given), ZERO)
    if total > demand:
        raise InvalidQuantity(
            f"The lots of {product.code} add up to {describe_quantity(total)}, more than "
            f"the {describe_quantity(demand)} demanded in {row['name']}; give at most "
            f"{describe_quantity(demand)}."
        )
    old = [d for d in _details(conn, row["id"]) if d.product_id == product.id]
    release(conn, product, _picks_of(old))
    conn.execute(
        delete(move_details).where(
            move_details.c.operation_id == row["id"], move_details.c.product_id == product.id
        )
    )
    shared = _spread(
        [Pick(0, None, name, quantity) for name, quantity in given],
        [(m, m.quantity) for m in product_moves],
    )
    if shared:
        conn.execute(
            insert(move_details),
            [
                {
                    "operation_id": row["id"],
                    "move_id": move_id,
                    "product_id": product.id,
                    "lot_id": None,
                    "lot_name": p.lot_name,
                    "quantity": p.quantity,
                    "source_id": row["source_id"],
                    "destination_id": row["destination_id"],
                    "reserved": False,
                }
                for move_id, p in shared
            ],
        )
    doc = _load(conn, row)
    if doc.outgoing:
        _reserve(conn, doc, fill="none", only_product=product.id)
    return load_document(conn, row["id"])


# --- validating --------------------------------------------------------------------


def validate(conn: Connection, user: str, ref: OperationRef, backorder: bool) -> Operation:
    row = _transfer_row(conn, ref, "validate")
    doc = _load(conn, row)
    source, outgoing = doc.source, doc.outgoing
    if outgoing and _reserve(conn, doc, fill="empty")[1]:
        doc = replace(doc, details=_details(conn, row["id"]))
    move_list, details, product_map = doc.moves, doc.details, doc.products
    by_move: dict[int, list[_Detail]] = defaultdict(list)
    for d in details:
        by_move[d.move_id].append(d)
    implied: list[_Detail] = []
    if not outgoing:
        for m in move_list:
            product = product_map[m.product_id]
            if by_move[m.id]:
                continue
            if product.is_tracked:
                raise MissingLot(
                    f"Product {product.code} is tracked by {product.tracking}: give the "
                    f"{_kind_word(product)}s of the {describe_quantity(m.quantity)} received "
                    f'in {row["name"]} ("lots" in the line, or set_lots) before validating.'
                )
            implied.append(
                _Detail(
                    0,
                    m.id,
                    m.product_id,
                    None,
                    None,
                    m.quantity,
                    row["source_id"],
                    row["destination_id"],
                    False,
                )
            )
            by_move[m.id].append(implied[-1])
    done_by_move = {m.id: sum((d.quantity for d in by_move[m.id]), ZERO) for m in move_list}
    for m in move_list:
        if done_by_move[m.id] > m.quantity:
            raise InvalidQuantity(
                f"The detailed quantities of {product_map[m.product_id].code} in {row['name']} "
                f"add up to {describe_quantity(done_by_move[m.id])}, more than the "
                f"{describe_quantity(m.quantity)} demanded; fix the lots with set_lots."
            )
    every = details + implied
    _refuse_repeated_serials(
        [(product_map[d.product_id], d.lot_name) for d in every if d.lot_name], row["name"]
    )
    if not every:
        raise InsufficientStock(
            f"Nothing of {row['name']} is available in {source.full_name}, so nothing can be "
            "validated; receive the stock first, or cancel the document."
        )
    lot_ids: dict[tuple[int, str], int] = {}
    if not outgoing:
        names: dict[int, list[str]] = defaultdict(list)
        for d in every:
            if d.lot_name is not None:
                names[d.product_id].append(d.lot_name)
        for product_id, product_names in names.items():
            ids = ensure_lots(conn, product_map[product_id], product_names)
            lot_ids.update(((product_id, n), i) for n, i in ids.items())
    now = utcnow()
    ledger.post(
        conn,
        row["id"],
        [
            ledger.Posting(
                product_id=d.product_id,
                lot_id=d.lot_id
                if d.lot_id is not None or d.lot_name is None
                else lot_ids[(d.product_id, d.lot_name)],
                quantity=d.quantity,
                source_id=d.source_id,
                destination_id=d.destination_id,
                move_id=d.move_id,
                unreserve=d.quantity if d.reserved else ZERO,
            )
            for d in every
        ],
        user=user,
        at=now,
    )
    if implied:
        conn.execute(
            insert(move_details),
            [
                {
                    "operation_id": row["id"],
                    "move_id": d.move_id,
                    "product_id": d.product_id,
                    "lot_id": None,
                    "lot_name": None,
                    "quantity": d.quantity,
                    "source_id": d.source_id,
                    "destination_id": d.destination_id,
                    "reserved": False,
                }
                for d in implied
            ],
        )
    conn.execute(
        update(operations).where(operations.c.id == row["id"]).values(state="done", done_at=now)
    )
    rest = [(m.product_id, m.quantity - done_by_move[m.id]) for m in move_list]
    rest = [(product_id, quantity) for product_id, quantity in rest if quantity > 0]
    if rest and backorder:
        new_id = create_operation(
            conn,
            name=next_document_name(conn, DOCUMENT_PREFIXES[row["kind"]]),
            kind=row["kind"],
            state="draft" if outgoing else "ready",
            source_id=row["source_id"],
            destination_id=row["destination_id"],
            user=user,
            at=now,
            partner=row["partner"],
            origin=row["origin"],
            backorder_of_id=row["id"],
            return_of_id=row["return_of_id"],
        )
        _insert_moves(conn, new_id, source, doc.destination, rest)
    return load_document(conn, row["id"])


def cancel(conn: Connection, ref: OperationRef) -> Operation:
    row = _transfer_row(conn, ref, "cancel")
    reserved = [d for d in _details(conn, row["id"]) if d.reserved]
    product_map = products_by_id(conn, {d.product_id for d in reserved})
    for product_id, product in sorted(product_map.items()):
        release(conn, product, _picks_of([d for d in reserved if d.product_id == product_id]))
    conn.execute(
        update(move_details).where(move_details.c.operation_id == row["id"]).values(reserved=False)
    )
    conn.execute(update(operations).where(operations.c.id == row["id"]).values(state="cancelled"))
    return load_document(conn, row["id"])


# --- returns -----------------------------------------------------------------------


def _returnable(conn: Connection, row: RowMapping) -> dict[tuple[int, str | None], Decimal]:
    """What a done document moved, per (product id, lot name), less what was returned."""
    left: dict[tuple[int, str | None], Decimal] = defaultdict(Decimal)
    moved = conn.execute(
        select(move_lines.c.product_id, lots.c.name, move_lines.c.quantity)
        .select_from(move_lines.outerjoin(lots, lots.c.id == move_lines.c.lot_id))
        .where(move_lines.c.operation_id == row["id"])
    ).all()
    for product_id, name, quantity in moved:
        left[(product_id, name)] += quantity
    returns = operations.c.return_of_id == row["id"]
    done_returns = select(operations.c.id).where(returns, operations.c.state == "done")
    open_returns = select(operations.c.id).where(returns, operations.c.state.in_(OPEN_STATES))
    queries = [
        select(move_lines.c.product_id, lots.c.name, move_lines.c.quantity)
        .select_from(move_lines.outerjoin(lots, lots.c.id == move_lines.c.lot_id))
        .where(move_lines.c.operation_id.in_(done_returns)),
        select(move_details.c.product_id, move_details.c.lot_name, move_details.c.quantity).where(
            move_details.c.operation_id.in_(open_returns), move_details.c.lot_name.is_not(None)
        ),
        select(moves.c.product_id, null(), moves.c.quantity)
        .join(products, products.c.id == moves.c.product_id)
        .where(moves.c.operation_id.in_(open_returns), products.c.tracking == "none"),
    ]
    for query in queries:
        for product_id, name, quantity in conn.execute(query):
            left[(product_id, name)] -= quantity
    return {key: quantity for key, quantity in left.items() if quantity > 0}


def return_of(conn: Connection, user: str, ref: OperationRef, lines: Any) -> Operation:
    row = _transfer_row(conn, ref)
    if row["state"] != "done":
        raise InvalidState(
            f"Only a done document can be returned; {row['name']} is {row['state']}. "
            "Cancel it instead."
        )
    conn.execute(select(operations.c.id).where(operations.c.id == row["id"]).with_for_update())
    left = _returnable(conn, row)
    kind = RETURN_KINDS[row["kind"]]
    place = locations_by_id(conn, {row["source_id"], row["destination_id"]})
    source, destination = place[row["destination_id"]], place[row["source_id"]]
    incoming = source.usage not in STOCK_KEEPING
    if lines is None:
        product_map = products_by_id(conn, {pid for pid, _ in left})
        parsed = []
        for product_id in sorted({pid for pid, _ in left}):
            product = product_map[product_id]
            mine = sorted((n or "", q) for (pid, n), q in left.items() if pid == product_id)
            total = sum((q for _, q in mine), ZERO)
            details: list[tuple[str | None, Decimal]] = (
                [(n, q) for n, q in mine] if product.is_tracked else []
            )
            parsed.append(_Line(product, total, details))
    else:
        parsed = _parse_lines(conn, lines, incoming=incoming)
        for line in parsed:
            _fit_return(line, left, row["name"])
    if not parsed:
        raise InvalidInput(
            f"Everything {row['name']} moved has already been returned; nothing is left to return."
        )
    return _create(
        conn,
        user,
        kind,
        source,
        destination,
        parsed,
        partner=row["partner"],
        origin=f"Return of {row['name']}",
        return_of_id=row["id"],
    )


def _fit_return(line: _Line, left: dict[tuple[int, str | None], Decimal], document: str) -> None:
    """Check a returned line against what the document moved; name the lots when not given."""
    product = line.product
    if product.is_tracked and not line.details:
        wanted = line.quantity
        for (product_id, name), quantity in sorted(left.items(), key=lambda item: item[0][1] or ""):
            if product_id == product.id and wanted > 0 and name is not None:
                taken = min(quantity, wanted)
                line.details.append((name, taken))
                wanted -= taken
    checks = line.details if product.is_tracked else [(None, line.quantity)]
    for name, quantity in checks:
        have = left.get((product.id, name), ZERO)
        if quantity > have:
            what = f" {_kind_word(product)} {name}" if name else ""
            raise InvalidQuantity(
                f"Cannot return {describe_quantity(quantity)} of {product.code}{what}: "
                f"{document} moved {describe_quantity(have)} that is not returned yet."
            )
        if name is not None:
            left[(product.id, name)] = have - quantity
    if product.is_tracked and sum((q for _, q in line.details), ZERO) < line.quantity:
        raise InvalidQuantity(
            f"Cannot return {describe_quantity(line.quantity)} of {product.code}: {document} "
            "did not move that much of it."
        )


# --- listing -----------------------------------------------------------------------


def _listing(conn: Connection, *conditions: Any) -> list[Operation]:
    src, dst = aliased(locations_table), aliased(locations_table)
    backorder, returned = aliased(operations), aliased(operations)
    rows = conn.execute(
        select(
            operations,
            src.c.full_name.label("source_name"),
            dst.c.full_name.label("destination_name"),
            backorder.c.name.label("backorder_name"),
            returned.c.name.label("return_name"),
        )
        .select_from(operations)
        .join(src, src.c.id == operations.c.source_id)
        .join(dst, dst.c.id == operations.c.destination_id)
        .outerjoin(backorder, backorder.c.id == operations.c.backorder_of_id)
        .outerjoin(returned, returned.c.id == operations.c.return_of_id)
        .where(operations.c.kind.in_(KINDS), *conditions)
        .order_by(operations.c.id)
    ).mappings()
    return [
        Operation(
            id=r["id"],
            name=r["name"],
            kind=r["kind"],
            state=r["state"],
            source=r["source_name"],
            destination=r["destination_name"],
            partner=r["partner"],
            origin=r["origin"],
            reference=r["reference"],
            created_at=r["created_at"],
            done_at=r["done_at"],
            backorder_of=r["backorder_name"],
            return_of=r["return_name"],
        )
        for r in rows
    ]


STATES = ("draft", "confirmed", "ready", "done", "cancelled")


def list_transfers(conn: Connection, kind: str | None, state: str | None) -> list[Operation]:
    conditions = []
    if kind is not None:
        if kind not in KINDS:
            raise InvalidInput(f"Unknown kind {kind!r}; use {', '.join(KINDS)}.")
        conditions.append(operations.c.kind == kind)
    if state is not None:
        if state not in STATES:
            raise InvalidInput(f"Unknown state {state!r}; use {', '.join(STATES)}.")
        conditions.append(operations.c.state == state)
    return _listing(conn, *conditions)


# --- the facade --------------------------------------------------------------------


class Transfers(Service):
    """app.transfers: receipts, deliveries, internal transfers, backorders and returns.

    lines: [{"product": p, "quantity": q, "lots": {name: qty} | [serial, ...] | None}];
    a line may instead give "scans" (scanned barcodes), and a serial receipt "first"
    + "count", "serials_text" (a pasted list) or "assign_serials": True (the next
    available serials).
    """

    def receipt(
        self,
        lines: Sequence[LineInput],
        partner: str | None = None,
        destination: LocationRef = STOCK,
        origin: str | None = None,
    ) -> Operation:
        """A receipt from Partners/Vendors, ready to validate."""
        return self._run(
            lambda conn: create_receipt(conn, self.user, lines, partner, destination, origin)
        )

    def delivery(
        self,
        lines: Sequence[LineInput],
        partner: str | None = None,
        source: LocationRef = STOCK,
        origin: str | None = None,
    ) -> Operation:
        """A draft delivery to Partners/Customers; named lots are taken as given."""
        return self._run(
            lambda conn: create_delivery(conn, self.user, lines, partner, source, origin)
        )

    def internal(
        self,
        lines: Sequence[LineInput],
        source: LocationRef,
        destination: LocationRef,
        origin: str | None = None,
    ) -> Operation:
        """A draft transfer between two internal locations."""
        return self._run(
            lambda conn: create_internal(conn, self.user, lines, source, destination, origin)
        )

    def reserve(self, operation: OperationRef) -> Operation:
        """Reserve named lots, then the rest by removal strategy: ready, or confirmed if short."""
        return self._run(lambda conn: reserve(conn, operation))

    def set_lots(self, operation: OperationRef, product: ProductRef, lots: LotsInput) -> Operation:
        """Replace the detailed lots/serials of a product (what will be done on validation)."""
        return self._run(lambda conn: set_lots(conn, operation, product, lots))

    def validate(self, operation: OperationRef, backorder: bool = True) -> Operation:
        """Post the detailed quantities; the rest goes to a backorder, or is dropped."""
        return self._run(lambda conn: validate(conn, self.user, operation, backorder))

    def cancel(self, operation: OperationRef) -> Operation:
        """Cancel a document that is not done, releasing its reservations."""
        return self._run(lambda conn: cancel(conn, operation))

    def get(self, name: OperationRef) -> Operation:
        """A transfer with its lines."""
        return self._run(lambda conn: load_document(conn, _transfer_row(conn, name)["id"]))

    def list(self, kind: str | None = None, state: str | None = None) -> builtins.list[Operation]:
        """Transfers in order of creation (without their lines)."""
        return self._run(lambda conn: list_transfers(conn, kind, state))

    def backorders(self, operation: OperationRef) -> builtins.list[Operation]:
        """The backorders created when ``operation`` was validated in part."""
        return self._run(
            lambda conn: _listing(
                conn, operations.c.backorder_of_id == _transfer_row(conn, operation)["id"]
            )
        )

    def return_of(
        self, operation: OperationRef, lines: Sequence[LineInput] | None = None
    ) -> Operation:
        """The reverse document of a done transfer, with the same lots/serials."""
        return self._run(lambda conn: return_of(conn, self.user, operation, lines))
