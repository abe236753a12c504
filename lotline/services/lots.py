"""Lots and serial numbers: creating, finding and listing them."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, RowMapping, func, insert, select, update

from lotline.errors import DuplicateLot, InvalidInput, InvalidQuantity, UnknownLot
from lotline.models import Lot, LotRow, Product, Scan
from lotline.rules.expiry import lot_dates
from lotline.rules.gs1 import gs1_name
from lotline.rules.inputs import moment, name_list, whole_number
from lotline.rules.lists import parse_list
from lotline.rules.lots_input import require_tracked
from lotline.rules.naming import (
    MAX_SERIES,
    default_first_serial,
    generate_names,
    next_name,
    validate_lot_name,
)
from lotline.rules.text import clean_text
from lotline.services import identifiers
from lotline.services.base import Service, utcnow
from lotline.services.catalog import (
    ProductRef,
    get_product,
    read_settings,
    require_lots_enabled,
)
from lotline.services.locations import LocationRef
from lotline.services.lots_dashboard import list_lots
from lotline.services.sequences import take
from lotline.store.bulk import chunked, insert_rows, stored
from lotline.store.schema import lots, products

LotRef = Lot | str

LOT_DATES = ("expiration_date", "use_date", "removal_date", "alert_date")
MAX_NOTE = 4000


def lot_from_row(row: RowMapping | Mapping[str, Any], product_code: str) -> Lot:
    return Lot(
        id=row["id"],
        product=product_code,
        name=row["name"],
        ref=row["ref"],
        note=row["note"],
        created_at=row["created_at"],
        expiration_date=row["expiration_date"],
        use_date=row["use_date"],
        removal_date=row["removal_date"],
        alert_date=row["alert_date"],
        tlc_source_reference=row.get("tlc_source_reference"),
    )


def find_lot(conn: Connection, product: Product, name: str) -> Lot | None:
    row = (
        conn.execute(select(lots).where(lots.c.product_id == product.id, lots.c.name == name))
        .mappings()
        .first()
    )
    return lot_from_row(row, product.code) if row is not None else None


def get_lot(conn: Connection, product: Product, ref: LotRef) -> Lot:
    name = ref.name if isinstance(ref, Lot) else validate_lot_name(ref)
    found = find_lot(conn, product, name)
    if found is None:
        raise UnknownLot(
            f"Product {product.code} has no lot/serial number {name!r}.",
            details={"product": product.code, "lot": name},
        )
    return found


_ALL = "\x00all"  # key of the dates shared by every new lot (not a valid lot name)


def _dates_key(name: str, dates: Mapping[str, object]) -> str:
    return name if name in dates else _ALL


def ensure_lots(
    conn: Connection,
    product: Product,
    names: Sequence[str],
    *,
    dates: Mapping[str, Mapping[str, datetime | None]] | None = None,
) -> dict[str, int]:
    """The ids of ``names`` for ``product``, creating the missing lots in bulk.

    Names must already be validated. Existing lots are kept as they are. A fixed
    number of statements: the newest id before, one bulk insert that skips names
    the product has, one read of the new ids, and a read of the names that existed.
    """
    if not names:
        return {}
    require_gs1_names(product, names)
    received_at = utcnow()
    dated = _with_expiry(conn, product, received_at, names, dates or {})
    newest_before = conn.execute(select(func.coalesce(func.max(lots.c.id), 0))).scalar_one()
    rows = _new_lot_rows(conn, product, names, dated, received_at)
    columns = ("product_id", "name", "created_at", *LOT_DATES)
    insert_rows(conn, lots, columns, rows, on_conflict_do_nothing=("product_id", "name"))
    return _lot_ids(conn, product, set(names), newest_before)


def _new_lot_rows(
    conn: Connection,
    product: Product,
    names: Sequence[str],
    dates: Mapping[str, Mapping[str, datetime | None]],
    received_at: datetime,
) -> list[tuple[object, ...]]:
    """Rows of (product_id, name, created_at, *LOT_DATES) in stored form."""
    now = stored(conn, lots.c.created_at, received_at)

    def day(key: str, column: str) -> object:
        value = dates.get(key, {}).get(column)
        return stored(conn, lots.c[column], value) if value is not None else None

    if not dates:
        return [(product.id, name, now, None, None, None, None) for name in names]
    if len(dates) == 1 and _ALL in dates:
        shared = tuple(day(_ALL, column) for column in LOT_DATES)
        return [(product.id, name, now, *shared) for name in names]
    return [
        (product.id, name, now, *(day(_dates_key(name, dates), column) for column in LOT_DATES))
        for name in names
    ]


def _lot_ids(
    conn: Connection, product: Product, wanted: set[str], newest_before: int
) -> dict[str, int]:
    """The ids of ``wanted``: the lots created after ``newest_before``, then the others."""
    ids = {
        row.name: row.id
        for row in conn.execute(
            select(lots.c.id, lots.c.name).where(
                lots.c.product_id == product.id, lots.c.id > newest_before
            )
        )
        if row.name in wanted
    }
    ids.update(_named_lot_ids(conn, product, [name for name in wanted if name not in ids]))
    return ids


def _named_lot_ids(conn: Connection, product: Product, names: Sequence[str]) -> dict[str, int]:
    """The ids of the lots of ``product`` among ``names`` (those that exist)."""
    ids: dict[str, int] = {}
    for chunk in chunked(names):
        ids.update(
            (row.name, row.id)
            for row in conn.execute(
                select(lots.c.id, lots.c.name).where(
                    lots.c.product_id == product.id, lots.c.name.in_(chunk)
                )
            )
        )
    return ids


def _with_expiry(
    conn: Connection,
    product: Product,
    received_at: datetime,
    names: Sequence[str],
    given: Mapping[str, Mapping[str, datetime | None]],
) -> dict[str, Mapping[str, datetime | None]]:
    """Lot dates to store: those given, completed from the product's expiry settings
    when it uses expiration dates and the "Expiration Dates" setting is on."""
    if not (product.use_expiration_date and read_settings(conn).expiration_dates):
        return dict(given)

    def computed(expiration_date: datetime | None) -> dict[str, datetime | None]:
        return dict(
            lot_dates(
                received_at,
                expiration_days=product.expiration_days,
                use_days=product.use_days,
                removal_days=product.removal_days,
                alert_days=product.alert_days,
                expiration_date=expiration_date,
            ).as_dict()
        )

    result: dict[str, Mapping[str, datetime | None]] = {_ALL: computed(None)}
    for name in names:
        explicit = {key: value for key, value in given.get(name, {}).items() if value is not None}
        if explicit:
            result[name] = {**computed(explicit.get("expiration_date")), **explicit}
    return result


def require_gs1_names(product: Product, names: Iterable[str]) -> None:
    """A product with a GTIN takes only names a GS1 barcode can carry."""
    if product.gtin:
        kind = "serial number" if product.tracking == "serial" else "lot"
        for name in names:
            gs1_name(name, kind)


def create_lot(conn: Connection, product: Product, name: str, **values: Any) -> Lot:
    """Create one lot; refuses a name the product already has."""
    require_tracked(product)
    require_lots_enabled(conn, f"create a lot for {product.code}")
    cleaned = validate_lot_name(name)
    require_gs1_names(product, [cleaned])
    if find_lot(conn, product, cleaned) is not None:
        raise DuplicateLot(
            f"Product {product.code} already has a lot/serial number {cleaned!r}; "
            "a name is unique per product. Choose another name.",
            details={"product": product.code, "lot": cleaned},
        )
    now = utcnow()
    given = {
        key: None if values[key] is None else moment(values[key], key.replace("_", " "))
        for key in LOT_DATES
        if key in values
    }
    dated = _with_expiry(conn, product, now, [cleaned], {cleaned: given})
    dates = dated.get(cleaned) or dated.get(_ALL) or {}
    texts = {
        "ref": clean_text(values.get("ref"), "lot reference", limit=128, required=False),
        "note": clean_text(
            values.get("note"), "lot note", limit=MAX_NOTE, required=False, multiline=True
        ),
    }
    conn.execute(
        insert(lots).values(product_id=product.id, name=cleaned, created_at=now, **texts, **dates)
    )
    return get_lot(conn, product, cleaned)


COMPANY_LOT_SEQUENCE = "lots/company"


def lock_product(conn: Connection, product: Product) -> None:
    """Serialize writers that number this product's lots (a no-op lock on SQLite,
    whose write transactions are already serialized)."""
    conn.execute(select(products.c.id).where(products.c.id == product.id).with_for_update())


def next_names(conn: Connection, product: Product, count: int = 1) -> list[str]:
    """The next ``count`` available lot/serial names of ``product``.

    They follow the product's most recently created lot (its series + 1) and skip
    every name the product already has; a product without lots starts its own
    series from its lot prefix, or from the company-wide sequence. Holds a lock
    on the product until the transaction ends, so two transactions never get
    the same names.
    """
    require_tracked(product)
    count = whole_number(
        count,
        "number of lot/serial names",
        field="count",
        minimum=1,
        maximum=MAX_SERIES,
        error=InvalidQuantity,
    )
    lock_product(conn, product)
    latest = conn.execute(
        select(lots.c.name)
        .where(lots.c.product_id == product.id)
        .order_by(lots.c.id.desc())
        .limit(1)
    ).scalar()
    if latest is not None:
        start = next_name(latest)
    elif product.lot_prefix:
        start = default_first_serial(product.lot_prefix)
    else:
        start = default_first_serial(None, take(conn, COMPANY_LOT_SEQUENCE))
    names: list[str] = []
    while len(names) < count:
        wanted = count - len(names)
        batch = generate_names(start, wanted + 1)
        taken = _existing_names(conn, product, batch[:wanted])
        names.extend(name for name in batch[:wanted] if name not in taken)
        start = batch[-1]
    return names


def _existing_names(conn: Connection, product: Product, names: Sequence[str]) -> set[str]:
    return set(_named_lot_ids(conn, product, names))


LOT_TEXTS = {"ref": 128, "note": 4000}


def update_lot(conn: Connection, product: Product, name: str, values: Mapping[str, Any]) -> Lot:
    """Change the given fields of a lot (ref, note, dates); None or "" clears a field."""
    unknown = set(values) - set(LOT_TEXTS) - set(LOT_DATES)
    if unknown:
        raise InvalidInput(
            f"Unknown lot field(s) {', '.join(sorted(unknown))}; a lot has a reference, a "
            f"note and the dates {', '.join(LOT_DATES)}.",
            details={"field": sorted(unknown)[0]},
        )
    changes: dict[str, Any] = {}
    for key, value in values.items():
        if key in LOT_TEXTS:
            changes[key] = clean_text(value, key, limit=LOT_TEXTS[key], required=False)
        elif value is None or isinstance(value, datetime):
            changes[key] = value
        else:
            raise InvalidInput(
                f"The {key.replace('_', ' ')} of a lot must be a date and time, not {value!r}.",
                details={"field": key, "value": str(value)},
            )
    lot = get_lot(conn, product, name)
    if changes:
        conn.execute(update(lots).where(lots.c.id == lot.id).values(**changes))
    return get_lot(conn, product, lot.name)


class LotsService(Service):
    """app.lots: lots and serial numbers."""

    def create(
        self,
        product: ProductRef,
        name: str,
        *,
        ref: str | None = None,
        note: str | None = None,
        **dates: datetime | None,
    ) -> Lot:
        """Create a lot (or serial number) for a tracked product."""
        unknown = set(dates) - set(LOT_DATES)
        if unknown:
            raise InvalidInput(
                f"Unknown lot date(s) {', '.join(sorted(unknown))}; "
                f"the dates of a lot are {', '.join(LOT_DATES)}.",
                details={"dates": sorted(unknown)},
            )
        return self._run(
            lambda conn: create_lot(
                conn, get_product(conn, product), name, ref=ref, note=note, **dates
            )
        )

    def update(self, product: ProductRef, name: str, **values: str | datetime | None) -> Lot:
        """Change a lot's ``ref``, ``note`` or dates (``expiration_date`` ...); only the
        fields given change, and None clears one."""
        return self._run(lambda conn: update_lot(conn, get_product(conn, product), name, values))

    def generate_names(self, first: str, count: int) -> builtins.list[str]:
        """A series from a first name: SN0009, 3 -> SN0009, SN0010, SN0011."""
        return generate_names(first, count)

    def next_serial(self, product: ProductRef) -> str:
        """The next available lot/serial name the "plus" icon would propose."""
        return self._run(lambda conn: next_names(conn, get_product(conn, product), 1)[0])

    def create_next(self, product: ProductRef, count: int = 1) -> builtins.list[Lot]:
        """Create the next ``count`` available lots/serials of a product (the plus icon)."""

        def work(conn: Connection) -> builtins.list[Lot]:
            found = get_product(conn, product)
            require_lots_enabled(conn, f"create lots for {found.code}")
            names = next_names(conn, found, count)
            ids = set(ensure_lots(conn, found, names).values())
            rows = conn.execute(
                select(lots)
                .where(lots.c.product_id == found.id, lots.c.id >= min(ids))
                .order_by(lots.c.id)
            ).mappings()
            return [lot_from_row(r, found.code) for r in rows if r["id"] in ids]

        return self._run(work)

    def parse_list(self, text: str, *, serial: bool = False) -> builtins.list[tuple[str, Decimal]]:
        """ "Import Serials/Lots": (name, quantity) pairs, every bad line reported at once."""
        return parse_list(text, serial=serial)

    def parse_barcode(self, data: str) -> Scan:
        """What a scanned GS1 barcode (or a typed name) means."""
        from lotline.rules.barcodes import parse_barcode  # loads biip (GS1) on first use

        return parse_barcode(data)

    def get(self, product: ProductRef, name: str) -> Lot:
        """The lot ``name`` of ``product``, or UnknownLot."""
        return self._read(lambda conn: get_lot(conn, get_product(conn, product), name))

    def find(self, product: ProductRef, names: Iterable[str] | None = None) -> builtins.list[Lot]:
        """The product's lots, in order of creation; only ``names`` when given."""

        def work(conn: Connection) -> builtins.list[Lot]:
            found = get_product(conn, product)
            query = select(lots).where(lots.c.product_id == found.id).order_by(lots.c.id)
            if names is not None:
                wanted = [validate_lot_name(n) for n in name_list(names, "lot names")]
                query = query.where(lots.c.name.in_(wanted))
            return [lot_from_row(r, found.code) for r in conn.execute(query).mappings()]

        return self._read(work)

    def list(
        self,
        product: ProductRef | None = None,
        location: LocationRef | None = None,
        in_stock: bool | None = None,
        expired: bool | None = None,
    ) -> builtins.list[LotRow]:
        """The Lots/Serial Numbers dashboard: lots with their on-hand quantity and places.

        By product code then lot name; ``location`` keeps lots on hand there (children
        included); ``in_stock``/``expired`` filter on stock and on the expiration date.
        """
        return self._read(lambda conn: list_lots(conn, product, location, in_stock, expired))

    def digital_link(self, product: ProductRef, lot: str) -> str:
        """The GS1 Digital Link of a lot (/10/) or serial (/21/) of a product with a GTIN."""

        def work(conn: Connection) -> str:
            found = get_product(conn, product)
            return identifiers.item_link(found, get_lot(conn, found, lot).name)

        return self._read(work)

    def epc(self, product: ProductRef, lot: str, company_prefix_length: int | None = None) -> str:
        """The EPC URI of a serial (SGTIN) or lot (LGTIN), given the company prefix length
        (else the company's setting)."""

        def work(conn: Connection) -> str:
            found = get_product(conn, product)
            name = get_lot(conn, found, lot).name
            length = identifiers.company_prefix_length(conn, company_prefix_length)
            if length is None:
                raise InvalidInput(
                    "The length of the GS1 company prefix is not known; give it (6 to 12).",
                    details={"field": "company_prefix_length", "product": found.code},
                )
            return identifiers.item_epc(found, name, length)

        return self._read(work)

    def set_tlc_source_reference(self, product: ProductRef, lot: str, reference: str | None) -> Lot:
        """FSMA 204's traceability lot code source reference of a lot (an FDA FEI, a URL)."""

        def work(conn: Connection) -> Lot:
            found = get_product(conn, product)
            current = get_lot(conn, found, lot)
            text = clean_text(reference, "TLC source reference", limit=256, required=False)
            conn.execute(
                update(lots).where(lots.c.id == current.id).values(tlc_source_reference=text)
            )
            return get_lot(conn, found, current.name)

        return self._run(work)
