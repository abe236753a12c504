"""Products, their tracking, and the company settings that govern lots."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Connection, RowMapping, and_, false, func, insert, or_, select, update

from lotline.errors import (
    DuplicateProduct,
    InvalidInput,
    InvalidState,
    InvalidTracking,
    SettingRequired,
    UnknownProduct,
    describe_quantity,
)
from lotline.models import TRACKINGS, Product, Settings, Tracking
from lotline.rules.text import required_text
from lotline.services.base import Service, utcnow
from lotline.services.untracked_stock import untracked_quants
from lotline.store.schema import locations, lots, products, quants, settings

ProductRef = Product | str

LOTS_SETTING = "Lots & Serial Numbers"


# --- settings -----------------------------------------------------------------


def ensure_settings(conn: Connection) -> None:
    """A new database starts like a company that enabled lots and serial numbers."""
    if conn.execute(select(settings.c.id)).first() is None:
        conn.execute(insert(settings).values(id=1, lots_and_serials=True, expiration_dates=False))


def read_settings(conn: Connection) -> Settings:
    row = conn.execute(select(settings).where(settings.c.id == 1)).mappings().one()
    return Settings(
        lots_and_serials=bool(row["lots_and_serials"]),
        expiration_dates=bool(row["expiration_dates"]),
    )


def require_lots_enabled(
    conn: Connection, action: str, *, details: Mapping[str, Any] | None = None
) -> None:
    """Refuse ``action`` (operator's words) while "Lots & Serial Numbers" is off."""
    if not read_settings(conn).lots_and_serials:
        raise SettingRequired(
            f"Cannot {action}: the '{LOTS_SETTING}' setting is off. Turn it on in the "
            "settings first.",
            details={"setting": "lots_and_serials", **(details or {})},
        )


class SettingsService(Service):
    """app.settings: "Lots & Serial Numbers" and "Expiration Dates"."""

    def get(self) -> Settings:
        return self._read(read_settings)

    def update(
        self, *, lots_and_serials: bool | None = None, expiration_dates: bool | None = None
    ) -> Settings:
        """Turn settings on or off; lots cannot be turned off while products use them."""

        def work(conn: Connection) -> Settings:
            values: dict[str, bool] = {}
            if lots_and_serials is not None:
                if not lots_and_serials:
                    tracked = list(
                        conn.execute(
                            select(products.c.code)
                            .where(products.c.tracking != "none")
                            .order_by(products.c.code)
                            .limit(5)
                        ).scalars()
                    )
                    if tracked:
                        raise SettingRequired(
                            f"Cannot turn off '{LOTS_SETTING}': products are tracked by lot "
                            f"or serial ({', '.join(tracked)}). Set their tracking to none first.",
                            details={"setting": "lots_and_serials", "tracked": tracked},
                        )
                values["lots_and_serials"] = bool(lots_and_serials)
            if expiration_dates is not None:
                if (
                    expiration_dates
                    and not read_settings(conn).lots_and_serials
                    and not (values.get("lots_and_serials"))
                ):
                    raise SettingRequired(
                        f"Cannot turn on 'Expiration Dates': it needs '{LOTS_SETTING}' on.",
                        details={"setting": "lots_and_serials"},
                    )
                values["expiration_dates"] = bool(expiration_dates)
            if values:
                conn.execute(update(settings).where(settings.c.id == 1).values(**values))
            return read_settings(conn)

        return self._run(work)


# --- products -----------------------------------------------------------------


def product_from_row(row: RowMapping | Mapping[str, Any]) -> Product:
    return Product(
        id=row["id"],
        code=row["code"],
        name=row["name"],
        unit=row["unit"],
        tracking=cast(Tracking, row["tracking"]),
        gtin=row["gtin"],
        lot_prefix=row["lot_prefix"],
        removal_strategy=row["removal_strategy"],
        use_expiration_date=bool(row["use_expiration_date"]),
        expiration_days=row["expiration_days"],
        use_days=row["use_days"],
        removal_days=row["removal_days"],
        alert_days=row["alert_days"],
    )


def get_product(conn: Connection, ref: ProductRef) -> Product:
    """The product named by ``ref`` (a Product or its code), or UnknownProduct."""
    code = ref.code if isinstance(ref, Product) else ref
    if not isinstance(code, str):
        raise UnknownProduct(
            f"A product is given by its code, not {code!r}.", details={"product": repr(code)}
        )
    row = conn.execute(select(products).where(products.c.code == code.strip())).mappings().first()
    if row is None:
        raise UnknownProduct(
            f"There is no product with code {code!r}. Check the code, or create the product first.",
            details={"product": code.strip()},
        )
    return product_from_row(row)


def products_by_id(conn: Connection, ids: Iterable[int]) -> dict[int, Product]:
    wanted = set(ids)
    if not wanted:
        return {}
    rows = conn.execute(select(products).where(products.c.id.in_(wanted))).mappings()
    return {r["id"]: product_from_row(r) for r in rows}


def check_tracking(tracking: object) -> Tracking:
    if tracking not in TRACKINGS:
        raise InvalidTracking(
            f"Tracking {tracking!r} is not one of none, lot, serial; "
            "use 'lot' for batches and 'serial' for unique serial numbers.",
            details={"field": "tracking", "value": str(tracking)},
        )
    return tracking


def _check_text(value: object, what: str, limit: int) -> str:
    return required_text(value, f"product {what}", limit=limit)


def normalize_gtin(value: str) -> str:
    """A GTIN-8/12/13/14 as the 14 digits a GS1 barcode carries, or InvalidInput."""
    from biip.gtin import Gtin  # loaded on first use: it takes a tenth of a second

    try:
        return Gtin.parse(value.strip()).as_gtin_14()
    except Exception as exc:
        raise InvalidInput(
            f"The GTIN {value!r} is not valid: {exc}", details={"field": "gtin", "value": value}
        ) from None


PRODUCT_OPTIONS = {
    "lot_prefix",
    "removal_strategy",
    "use_expiration_date",
    "expiration_days",
    "use_days",
    "removal_days",
    "alert_days",
}


def _check_options(options: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(options) - PRODUCT_OPTIONS
    if unknown:
        raise InvalidInput(
            f"Unknown product option(s) {', '.join(sorted(unknown))}; "
            f"known ones are {', '.join(sorted(PRODUCT_OPTIONS))}.",
            details={"field": "options", "unknown": sorted(unknown)},
        )
    values = dict(options)
    if values.get("lot_prefix") is not None:
        values["lot_prefix"] = _check_text(values["lot_prefix"], "lot prefix", 64)
    strategy = values.get("removal_strategy")
    if strategy is not None and strategy not in ("fifo", "fefo", "lifo"):
        raise InvalidInput(
            f"Removal strategy {strategy!r} is not one of fifo, fefo, lifo.",
            details={"field": "removal_strategy", "value": str(strategy)},
        )
    for key in ("expiration_days", "use_days", "removal_days", "alert_days"):
        days = values.get(key)
        if days is not None and (isinstance(days, bool) or not isinstance(days, int) or days < 0):
            raise InvalidInput(
                f"The {key.replace('_', ' ')} must be a whole number of days, 0 or more, "
                f"not {days!r}.",
                details={"field": key, "value": str(days)},
            )
    return values


def _require_expiry_setting(conn: Connection, values: Mapping[str, Any], product: str) -> None:
    if values.get("use_expiration_date") and not read_settings(conn).expiration_dates:
        raise SettingRequired(
            f"Cannot give product {product} expiration dates: the 'Expiration Dates' setting "
            "is off. Turn it on in the settings first.",
            details={"setting": "expiration_dates", "product": product},
        )


class Catalog(Service):
    """app.products: the products and how each is tracked."""

    def create(
        self,
        code: str,
        name: str,
        tracking: str = "none",
        *,
        unit: str = "Units",
        gtin: str | None = None,
        **options: Any,
    ) -> Product:
        """Create a product; tracking is none, lot or serial."""
        values = {
            "code": _check_text(code, "code", 64),
            "name": _check_text(name, "name", 256),
            "unit": _check_text(unit, "unit", 32),
            "tracking": check_tracking(tracking),
            "gtin": normalize_gtin(gtin) if gtin else None,
            **_check_options(options),
        }

        def work(conn: Connection) -> Product:
            _require_expiry_setting(conn, values, values["code"])
            if values["tracking"] != "none":
                require_lots_enabled(
                    conn,
                    f"track product {values['code']} by {tracking}",
                    details={"product": values["code"], "tracking": tracking},
                )
            clash = conn.execute(
                select(products.c.code, products.c.gtin).where(
                    (products.c.code == values["code"])
                    | (products.c.gtin == values["gtin"] if values["gtin"] else False)
                )
            ).first()
            if clash is not None and clash.code == values["code"]:
                raise DuplicateProduct(
                    f"A product with code {values['code']!r} already exists; choose another code.",
                    details={"product": values["code"]},
                )
            if clash is not None:
                raise DuplicateProduct(
                    f"The GTIN {values['gtin']} already belongs to product {clash.code}.",
                    details={"gtin": values["gtin"], "product": clash.code},
                )
            conn.execute(insert(products).values(created_at=utcnow(), **values))
            return get_product(conn, values["code"])

        return self._run(work)

    def get(self, code: ProductRef) -> Product:
        return self._read(lambda conn: get_product(conn, code))

    def get_by_gtin(self, gtin: str) -> Product:
        """The product whose GTIN a scanned barcode carries."""
        normalized = normalize_gtin(gtin)

        def work(conn: Connection) -> Product:
            row = conn.execute(select(products).where(products.c.gtin == normalized)).mappings()
            found = row.first()
            if found is None:
                raise UnknownProduct(
                    f"No product has the GTIN {normalized}; set it on the product first.",
                    details={"gtin": normalized},
                )
            return product_from_row(found)

        return self._read(work)

    def list(self) -> list[Product]:
        def work(conn: Connection) -> list[Product]:
            rows = conn.execute(select(products).order_by(products.c.code)).mappings()
            return [product_from_row(r) for r in rows]

        return self._read(work)

    def update(self, product: ProductRef, **options: Any) -> Product:
        """Change a product's lot prefix, removal strategy or expiry settings."""
        values = _check_options(options)

        def work(conn: Connection) -> Product:
            found = get_product(conn, product)
            _require_expiry_setting(conn, values, found.code)
            if values:
                conn.execute(update(products).where(products.c.id == found.id).values(**values))
            return get_product(conn, found.code)

        return self._run(work)

    def set_tracking(self, product: ProductRef, tracking: str) -> builtins.list[str]:
        """Change how a product is tracked; returns warnings (empty when none)."""
        wanted = check_tracking(tracking)
        return self._run(lambda conn: change_tracking(conn, product, wanted))


UNTRACKED_STOCK_WARNING = (
    "You have product(s) in stock that have no lot/serial number. You can assign "
    "lot/serial numbers by doing an inventory adjustment."
)
LOTS_IN_STOCK_WARNING = (
    "You have product(s) in stock that still have a lot/serial number. New stock will "
    "have none; to drop them, set each lot's quantity to zero and count the same "
    "quantity without a lot by doing an inventory adjustment."
)


def change_tracking(conn: Connection, ref: ProductRef, tracking: Tracking) -> list[str]:
    """Set the tracking and keep the quants' serial flag in step with it.

    Allowed with stock on hand; returns the warning and where the stock to repair is.
    """
    product = get_product(conn, ref)
    if tracking != "none":
        require_lots_enabled(
            conn,
            f"track product {product.code} by {tracking}",
            details={"product": product.code, "tracking": tracking},
        )
    if tracking == product.tracking:
        return []
    if tracking == "serial":
        _refuse_lots_of_several_units(conn, product)
    untracked = _untracked_stock(conn, product) if tracking != "none" else []
    _refuse_negative_stock(product, tracking, untracked)
    conn.execute(update(products).where(products.c.id == product.id).values(tracking=tracking))
    one_unit = (
        and_(quants.c.internal, quants.c.lot_id.is_not(None)) if tracking == "serial" else false()
    )
    conn.execute(update(quants).where(quants.c.product_id == product.id).values(one_unit=one_unit))
    if tracking == "none":
        return _lots_in_stock_warning(conn, product)
    if not untracked:
        return []
    return [
        UNTRACKED_STOCK_WARNING,
        *(
            f"{place}: {describe_quantity(quantity)} {product.unit}"
            for place, quantity in untracked
        ),
    ]


def _untracked_stock(conn: Connection, product: Product) -> list[tuple[str, Decimal]]:
    return [
        (quant.location, quant.quantity)
        for quant in untracked_quants(conn, product.id, tracked_only=False)
    ]


def _lots_in_stock_warning(conn: Connection, product: Product) -> list[str]:
    rows = conn.execute(
        select(locations.c.full_name, func.sum(quants.c.quantity), func.count())
        .join(locations, locations.c.id == quants.c.location_id)
        .where(
            quants.c.product_id == product.id,
            quants.c.lot_id.is_not(None),
            quants.c.quantity != 0,
            locations.c.usage == "internal",
        )
        .group_by(locations.c.full_name)
        .order_by(locations.c.full_name)
    ).all()
    if not rows:
        return []
    return [
        LOTS_IN_STOCK_WARNING,
        *(
            f"{place}: {describe_quantity(total)} {product.unit} in {count} "
            f"lot/serial number{'s' if count != 1 else ''}"
            for place, total, count in rows
        ),
    ]


def _refuse_lots_of_several_units(conn: Connection, product: Product) -> None:
    """A serial number is one unit: refuse lots holding more than one, in one place or several."""
    in_stock = and_(
        quants.c.product_id == product.id,
        quants.c.internal,
        quants.c.lot_id.is_not(None),
        quants.c.quantity > 0,
    )
    several = (
        select(quants.c.lot_id)
        .where(in_stock)
        .group_by(quants.c.lot_id)
        .having(or_(func.sum(quants.c.quantity) > 1, func.count() > 1))
    )
    rows = conn.execute(
        select(lots.c.name, locations.c.full_name, quants.c.quantity)
        .join(lots, lots.c.id == quants.c.lot_id)
        .join(locations, locations.c.id == quants.c.location_id)
        .where(in_stock, quants.c.lot_id.in_(several))
        .order_by(lots.c.name, locations.c.full_name)
        .limit(20)
    ).all()
    if rows:
        held: dict[str, list[str]] = {}
        for r in rows:
            held.setdefault(r.name, []).append(f"{describe_quantity(r.quantity)} in {r.full_name}")
        where = "; ".join(f"lot {name} holds {' and '.join(p)}" for name, p in held.items())
        raise InvalidState(
            f"Cannot track {product.code} by serial number: a serial number is one unit, "
            f"but {where}. Split those quantities into serial numbers first.",
            details={"product": product.code, "tracking": "serial", "lots": list(held)},
        )


def _refuse_negative_stock(
    product: Product, tracking: Tracking, untracked: list[tuple[str, Decimal]]
) -> None:
    """No lot can carry a negative quantity: refuse tracking while one is on hand."""
    negative = [(place, quantity) for place, quantity in untracked if quantity < 0]
    if negative:
        place, quantity = negative[0]
        raise InvalidState(
            f"Cannot track {product.code} by {tracking}: {place} holds "
            f"{describe_quantity(quantity)} {product.unit} (negative stock), which no lot "
            "can carry. Set that quantity to 0 first with an inventory adjustment, then "
            "change the tracking.",
            details={
                "product": product.code,
                "tracking": tracking,
                "location": place,
                "quantity": quantity,
            },
        )
