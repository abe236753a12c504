"""The facade: ``lotline.open(url)`` -> ``Lotline``, the stable public API."""

from __future__ import annotations

import getpass
from types import TracebackType

from sqlalchemy import Connection

from lotline.models import CheckReport
from lotline.services.adjustments import Adjustments
from lotline.services.catalog import Catalog, SettingsService, ensure_settings
from lotline.services.labels import Labels
from lotline.services.ledger import check
from lotline.services.locations import Locations, ensure_defaults
from lotline.services.lots import LotsService
from lotline.services.manufacturing import Manufacturing
from lotline.services.partners import Partners, ensure_identity
from lotline.services.standards import Exports, Imports
from lotline.services.stock import StockService
from lotline.services.trace import Trace
from lotline.services.transfers import Transfers
from lotline.services.users import Users
from lotline.store import engine as store_engine
from lotline.store import migrate
from lotline.store.engine import Database


class Lotline:
    """One database, seen through its capabilities (app.products, app.stock, ...)."""

    def __init__(self, db: Database, user: str) -> None:
        self.db = db
        self.user = user
        self.settings = SettingsService(db, user)
        self.locations = Locations(db, user)
        self.products = Catalog(db, user)
        self.lots = LotsService(db, user)
        self.stock = StockService(db, user)
        self.adjustments = Adjustments(db, user)
        self.trace = Trace(db, user)
        self.manufacturing = Manufacturing(db, user)
        self.transfers = Transfers(db, user)
        self.users = Users(db, user)
        self.partners = Partners(db, user)
        self.exports = Exports(db, user)
        self.labels = Labels(db, user)
        self.imports = Imports(db, user)

    @property
    def url(self) -> str:
        return store_engine.safe_url(self.db.url)

    def check(self) -> CheckReport:
        """Rebuild every quant from the ledger and verify double entry."""
        return self.db.run(check)

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


def open(url: str | None = None, *, user: str | None = None) -> Lotline:
    """Open (creating or migrating) the database at ``url``.

    None means $LOTLINE_DB or sqlite:///lotline.db in the working directory;
    "sqlite://" is an in-memory database.
    """
    parsed = store_engine.normalize_url(url)
    engine = store_engine.create(parsed)
    store_engine.check_reachable(engine, parsed)
    db = Database(engine, parsed)
    db.run(_prepare)
    return Lotline(db, user or _default_user())


def _default_user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "lotline"
