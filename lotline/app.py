"""The facade: ``lotline.open(url)`` -> ``Lotline``, the stable public API."""

from __future__ import annotations

import getpass
from importlib import import_module
from types import TracebackType
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from lotline.models import CheckReport
from lotline.rules.text import required_text
from lotline.services.base import MAX_USER_NAME
from lotline.services.catalog import ensure_settings
from lotline.services.locations import DEFAULT_LOCATIONS, ensure_defaults
from lotline.services.partners import ensure_identity
from lotline.store import engine as store_engine
from lotline.store import migrate
from lotline.store.engine import Database
from lotline.store.schema import locations, settings

if TYPE_CHECKING:
    from lotline.services.adjustments import Adjustments
    from lotline.services.catalog import Catalog, SettingsService
    from lotline.services.labels import Labels
    from lotline.services.locations import Locations
    from lotline.services.lots import LotsService
    from lotline.services.manufacturing import Manufacturing
    from lotline.services.partners import Partners
    from lotline.services.standards import Exports, Imports
    from lotline.services.stock import StockService
    from lotline.services.trace import Trace
    from lotline.services.transfers import Transfers
    from lotline.services.users import Users

# Each capability and its class, built (its module loaded) on first use: a command that
# reads the stock does not load manufacturing, and starts faster.
CAPABILITIES = {
    "settings": ("lotline.services.catalog", "SettingsService"),
    "locations": ("lotline.services.locations", "Locations"),
    "products": ("lotline.services.catalog", "Catalog"),
    "lots": ("lotline.services.lots", "LotsService"),
    "stock": ("lotline.services.stock", "StockService"),
    "adjustments": ("lotline.services.adjustments", "Adjustments"),
    "trace": ("lotline.services.trace", "Trace"),
    "manufacturing": ("lotline.services.manufacturing", "Manufacturing"),
    "transfers": ("lotline.services.transfers", "Transfers"),
    "users": ("lotline.services.users", "Users"),
    "partners": ("lotline.services.partners", "Partners"),
    "exports": ("lotline.services.standards", "Exports"),
    "imports": ("lotline.services.standards", "Imports"),
    "labels": ("lotline.services.labels", "Labels"),
}


class Lotline:
    """One database, seen through its capabilities (app.products, app.stock, ...)."""

    settings: SettingsService
    locations: Locations
    products: Catalog
    lots: LotsService
    stock: StockService
    adjustments: Adjustments
    trace: Trace
    manufacturing: Manufacturing
    transfers: Transfers
    users: Users
    partners: Partners
    exports: Exports
    imports: Imports
    labels: Labels

    def __init__(self, db: Database, user: str) -> None:
        self.db = db
        self.user = user

    def __getattr__(self, name: str) -> Any:
        if name not in CAPABILITIES:
            raise AttributeError(f"'Lotline' object has no attribute {name!r}")
        module, cls = CAPABILITIES[name]
        capability = getattr(import_module(module), cls)(self.db, self.user)
        setattr(self, name, capability)
        return capability

    @property
    def url(self) -> str:
        return store_engine.safe_url(self.db.url)

    def check(self) -> CheckReport:
        """Rebuild every quant from the ledger and verify double entry."""
        from lotline.services.ledger import check

        return self.db.read(check)

    def close(self) -> None:
        self.db.dispose()

    def __enter__(self) -> Lotline:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _prepare(conn: Connection) -> None:
    migrate.upgrade(conn)
    ensure_settings(conn)
    ensure_defaults(conn)
    ensure_identity(conn)


def _is_ready(conn: Connection) -> bool:
    """True when the schema is current and the settings and default locations exist."""
    identified = select(settings.c.id).where(settings.c.instance_id.is_not(None))
    if not migrate.is_current(conn) or conn.execute(identified).first() is None:
        return False
    names = [name for name, _ in DEFAULT_LOCATIONS]
    found = conn.execute(select(locations.c.full_name).where(locations.c.full_name.in_(names)))
    return len(found.all()) == len(names)


def open(url: str | None = None, *, user: str | None = None, create: bool = True) -> Lotline:
    """Open (migrating when needed) the database at ``url``.

    None means $LOTLINE_DB or sqlite:///lotline.db in the working directory;
    "sqlite://" is an in-memory database. A missing database (an SQLite file that
    does not exist or is empty, a server database without lotline's tables) is
    created, unless ``create`` is False: then DatabaseNotFound names where it looked.
    """
    who = required_text(user or _default_user(), "user name", limit=MAX_USER_NAME)
    parsed = store_engine.normalize_url(url)
    if not create:
        store_engine.require_existing(parsed)
    engine = store_engine.create(parsed)
    store_engine.check_reachable(engine, parsed)
    db = Database(engine, parsed)
    if not db.read(_is_ready):
        if not create and not db.read(migrate.is_lotline):
            db.dispose()
            raise store_engine.no_lotline_data(parsed)
        db.run(_prepare)
    return Lotline(db, who)


def _default_user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "lotline"
