"""SQLAlchemy Core tables: the one source of truth for the schema.

Quantities are stored as integer millionths (see ``rules.quantities``) through
the ``Quantity`` type, so SQLite and PostgreSQL agree to the last digit.
Constraints that protect stock live here, in the database, so that two
processes writing at once cannot break them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.types import TypeDecorator

from lotline.rules.quantities import SCALE, from_storage, to_storage

naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=naming_convention)


class Quantity(TypeDecorator[Decimal]):
    """An exact quantity stored as a whole number of millionths."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        return to_storage(Decimal(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return from_storage(int(value))


def _id() -> Column[int]:
    return Column("id", Integer, primary_key=True, autoincrement=True)


def _created() -> Column[Any]:
    return Column("created_at", DateTime, nullable=False)


settings = Table(
    "settings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("lots_and_serials", Boolean, nullable=False),
    Column("expiration_dates", Boolean, nullable=False),
    # names this database in the IDs of the EPCIS events it exports (a UUID)
    Column("instance_id", String(36), nullable=True),
    # length of the GS1 company prefix inside our GTINs and GLNs, for EPC URIs
    Column("gs1_company_prefix_length", Integer, nullable=True),
)

sequences = Table(
    "sequences",
    metadata,
    Column("code", String(64), primary_key=True),
    Column("next_number", BigInteger, nullable=False),
)

locations = Table(
    "locations",
    metadata,
    _id(),
    Column("full_name", String(512), nullable=False, unique=True),
    Column("name", String(128), nullable=False),
    Column("usage", String(16), nullable=False),
    Column("parent_id", Integer, ForeignKey("locations.id"), nullable=True),
    Column("parent_path", String(512), nullable=False, index=True),
    Column("active", Boolean, nullable=False, server_default=text("true")),
    CheckConstraint(
        "usage IN ('view','internal','supplier','customer','production','inventory',"
        "'scrap','transit')",
        name="usage",
    ),
)


def _description() -> list[Column[Any]]:
    """Where a partner or one of our sites is: GLN and postal address."""
    return [
        Column("gln", String(13), nullable=True, unique=True),
        Column("address", String(256), nullable=True),
        Column("city", String(128), nullable=True),
        Column("state", String(128), nullable=True),
        Column("postal_code", String(32), nullable=True),
        Column("country", String(64), nullable=True),
        Column("phone", String(64), nullable=True),
    ]


partners = Table(
    "partners",
    metadata,
    _id(),
    Column("name", String(256), nullable=False, unique=True),
    *_description(),
    _created(),
)

sites = Table(
    "sites",
    metadata,
    Column("location_id", Integer, ForeignKey("locations.id"), primary_key=True),
    *_description(),
)

products = Table(
    "products",
    metadata,
    _id(),
    Column("code", String(64), nullable=False, unique=True),
    Column("name", String(256), nullable=False),
    Column("unit", String(32), nullable=False),
    Column("tracking", String(8), nullable=False),
    Column("gtin", String(14), nullable=True, unique=True),
    Column("lot_prefix", String(64), nullable=True),
    Column("removal_strategy", String(8), nullable=False, server_default="fifo"),
    Column("use_expiration_date", Boolean, nullable=False, server_default=text("false")),
    Column("expiration_days", Integer, nullable=False, server_default="0"),
    Column("use_days", Integer, nullable=False, server_default="0"),
    Column("removal_days", Integer, nullable=False, server_default="0"),
    Column("alert_days", Integer, nullable=False, server_default="0"),
    _created(),
    CheckConstraint("tracking IN ('none','lot','serial')", name="tracking"),
    CheckConstraint("removal_strategy IN ('fifo','fefo','lifo')", name="removal_strategy"),
)

lots = Table(
    "lots",
    metadata,
    _id(),
    Column("product_id", Integer, ForeignKey("products.id"), nullable=False),
    Column("name", String(128), nullable=False),
    Column("ref", String(128), nullable=True),
    Column("note", Text, nullable=True),
    _created(),
    Column("expiration_date", DateTime, nullable=True),
    Column("use_date", DateTime, nullable=True),
    Column("removal_date", DateTime, nullable=True),
    Column("alert_date", DateTime, nullable=True),
    # FSMA 204: a reference to where the lot code was assigned (an FDA FEI, a URL, ...)
    Column("tlc_source_reference", String(256), nullable=True),
    UniqueConstraint("product_id", "name"),
    # lets rows that name a lot also name its product, checked by the database
    UniqueConstraint("id", "product_id"),
)

boms = Table(
    "boms",
    metadata,
    _id(),
    Column("product_id", Integer, ForeignKey("products.id"), nullable=False, index=True),
    Column("quantity", Quantity, nullable=False),
    Column("sequence", Integer, nullable=False),
    _created(),
    CheckConstraint("quantity > 0", name="quantity_positive"),
)

bom_lines = Table(
    "bom_lines",
    metadata,
    _id(),
    Column("bom_id", Integer, ForeignKey("boms.id"), nullable=False, index=True),
    Column("product_id", Integer, ForeignKey("products.id"), nullable=False),
    Column("quantity", Quantity, nullable=False),
    Column("sequence", Integer, nullable=False),
    CheckConstraint("quantity > 0", name="quantity_positive"),
)

operations = Table(
    "operations",
    metadata,
    _id(),
    Column("name", String(64), nullable=False, unique=True),
    Column("kind", String(16), nullable=False),
    Column("state", String(16), nullable=False),
    Column("source_id", Integer, ForeignKey("locations.id"), nullable=False),
    Column("destination_id", Integer, ForeignKey("locations.id"), nullable=False),
    Column("partner", String(256), nullable=True),
    Column("partner_id", Integer, ForeignKey("partners.id"), nullable=True, index=True),
    Column("origin", String(256), nullable=True),
    Column("reference", String(256), nullable=True),
    _created(),
    Column("done_at", DateTime, nullable=True),
    Column("user_name", String(128), nullable=False),
    Column("backorder_of_id", Integer, ForeignKey("operations.id"), nullable=True, index=True),
    Column("return_of_id", Integer, ForeignKey("operations.id"), nullable=True, index=True),
    # manufacturing orders
    Column("product_id", Integer, ForeignKey("products.id"), nullable=True),
    Column("product_quantity", Quantity, nullable=True),
    Column("bom_id", Integer, ForeignKey("boms.id"), nullable=True),
    Column("lot_id", Integer, ForeignKey("lots.id"), nullable=True),
    Column("split_root_id", Integer, ForeignKey("operations.id"), nullable=True, index=True),
    Column("split_index", Integer, nullable=True),
    CheckConstraint(
        "kind IN ('receipt','delivery','internal','adjustment','manufacturing','scrap')",
        name="kind",
    ),
    CheckConstraint("state IN ('draft','confirmed','ready','done','cancelled')", name="state"),
    Index("ix_operations_kind_state", "kind", "state"),
)

moves = Table(
    "moves",
    metadata,
    _id(),
    Column("operation_id", Integer, ForeignKey("operations.id"), nullable=False, index=True),
    Column("product_id", Integer, ForeignKey("products.id"), nullable=False),
    Column("quantity", Quantity, nullable=False),
    Column("source_id", Integer, ForeignKey("locations.id"), nullable=False),
    Column("destination_id", Integer, ForeignKey("locations.id"), nullable=False),
    Column("role", String(16), nullable=True),
    Column("sequence", Integer, nullable=False),
    CheckConstraint("quantity > 0", name="quantity_positive"),
)

move_details = Table(
    "move_details",
    metadata,
    _id(),
    Column("operation_id", Integer, ForeignKey("operations.id"), nullable=False, index=True),
    Column("move_id", Integer, ForeignKey("moves.id"), nullable=False, index=True),
    Column("product_id", Integer, ForeignKey("products.id"), nullable=False),
    Column("lot_id", Integer, ForeignKey("lots.id"), nullable=True, index=True),
    Column("lot_name", String(128), nullable=True),
    Column("quantity", Quantity, nullable=False),
    Column("source_id", Integer, ForeignKey("locations.id"), nullable=False),
    Column("destination_id", Integer, ForeignKey("locations.id"), nullable=False),
    Column("reserved", Boolean, nullable=False, server_default=text("false")),
    ForeignKeyConstraint(
        ["lot_id", "product_id"],
        ["lots.id", "lots.product_id"],
        name="fk_move_details_lot_of_product",
    ),
    CheckConstraint("quantity > 0", name="quantity_positive"),
)

move_lines = Table(
    "move_lines",
    metadata,
    _id(),
    Column("operation_id", Integer, ForeignKey("operations.id"), nullable=False, index=True),
    Column("move_id", Integer, ForeignKey("moves.id"), nullable=True),
    Column("product_id", Integer, ForeignKey("products.id"), nullable=False),
    Column("lot_id", Integer, ForeignKey("lots.id"), nullable=True),
    Column("quantity", Quantity, nullable=False),
    Column("source_id", Integer, ForeignKey("locations.id"), nullable=False),
    Column("destination_id", Integer, ForeignKey("locations.id"), nullable=False),
    Column("done_at", DateTime, nullable=False),
    Column("user_name", String(128), nullable=False),
    CheckConstraint("quantity > 0", name="quantity_positive"),
    CheckConstraint("source_id <> destination_id", name="distinct_locations"),
    ForeignKeyConstraint(
        ["lot_id", "product_id"],
        ["lots.id", "lots.product_id"],
        name="fk_move_lines_lot_of_product",
    ),
    Index("ix_move_lines_product_id_lot_id", "product_id", "lot_id"),
    # where a lot came from and where it went, without reading all its other moves
    Index("ix_move_lines_lot_id_source_id", "lot_id", "source_id"),
    Index("ix_move_lines_lot_id_destination_id", "lot_id", "destination_id"),
)

quants = Table(
    "quants",
    metadata,
    _id(),
    Column("product_id", Integer, ForeignKey("products.id"), nullable=False),
    Column("location_id", Integer, ForeignKey("locations.id"), nullable=False, index=True),
    Column("lot_id", Integer, ForeignKey("lots.id"), nullable=True, index=True),
    Column("lot_key", Integer, nullable=False),
    Column("quantity", Quantity, nullable=False),
    Column("reserved_quantity", Quantity, nullable=False, server_default="0"),
    Column("in_date", DateTime, nullable=False),
    # internal: the location is internal; one_unit: a serial number in an internal
    # location; guarded: the last change took stock and was not allowed to go below 0.
    Column("internal", Boolean, nullable=False),
    Column("one_unit", Boolean, nullable=False),
    Column("guarded", Boolean, nullable=False),
    UniqueConstraint("product_id", "location_id", "lot_key"),
    ForeignKeyConstraint(
        ["lot_id", "product_id"], ["lots.id", "lots.product_id"], name="fk_quants_lot_of_product"
    ),
    CheckConstraint("quantity >= 0 OR NOT guarded", name="not_negative"),
    CheckConstraint(f"quantity <= {SCALE} OR NOT one_unit", name="serial_one_unit"),
    CheckConstraint("reserved_quantity >= 0", name="reserved_not_negative"),
    CheckConstraint(
        "reserved_quantity <= quantity OR reserved_quantity = 0", name="reserved_on_hand"
    ),
    Index(
        "uq_quants_serial_on_hand_once",
        "lot_id",
        unique=True,
        sqlite_where=text("one_unit AND quantity > 0"),
        postgresql_where=text("one_unit AND quantity > 0"),
    ),
)

lot_links = Table(
    "lot_links",
    metadata,
    _id(),
    Column("operation_id", Integer, ForeignKey("operations.id"), nullable=False, index=True),
    Column("consumed_lot_id", Integer, ForeignKey("lots.id"), nullable=False, index=True),
    Column("produced_lot_id", Integer, ForeignKey("lots.id"), nullable=False, index=True),
    Column("quantity", Quantity, nullable=False),
    CheckConstraint("quantity > 0", name="quantity_positive"),
)

inventory_counts = Table(
    "inventory_counts",
    metadata,
    _id(),
    Column("product_id", Integer, ForeignKey("products.id"), nullable=False),
    Column("location_id", Integer, ForeignKey("locations.id"), nullable=False),
    Column("lot_id", Integer, ForeignKey("lots.id"), nullable=True),
    Column("lot_key", Integer, nullable=False),
    Column("counted_quantity", Quantity, nullable=False),
    Column("on_hand_at_count", Quantity, nullable=False),
    Column("counted_at", DateTime, nullable=False),
    Column("user_name", String(128), nullable=False),
    UniqueConstraint("product_id", "location_id", "lot_key"),
    CheckConstraint("counted_quantity >= 0", name="counted_not_negative"),
)

# --- the server: users, API tokens, idempotent writes, background jobs -----------------

users = Table(
    "users",
    metadata,
    _id(),
    Column("name", String(128), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(256), nullable=True),
    _created(),
    CheckConstraint("role IN ('viewer','operator','manager','admin')", name="role"),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    _id(),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    Column("label", String(128), nullable=True),
    Column("prefix", String(16), nullable=False),
    # sha256 of the secret; the secret itself is shown once and never stored
    Column("secret_hash", String(64), nullable=False, unique=True),
    _created(),
    Column("revoked_at", DateTime, nullable=True),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    _id(),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("key", String(255), nullable=False),
    Column("request_hash", String(64), nullable=False),
    # NULL while the first request with this key is still being answered
    Column("status", Integer, nullable=True),
    Column("headers", Text, nullable=True),
    Column("body", Text, nullable=True),
    _created(),
    UniqueConstraint("user_id", "key"),
    Index("ix_idempotency_keys_created_at", "created_at"),
)

jobs = Table(
    "jobs",
    metadata,
    _id(),
    Column("kind", String(32), nullable=False),
    Column("state", String(16), nullable=False),
    Column("done", BigInteger, nullable=False),
    Column("total", BigInteger, nullable=False),
    Column("status", Integer, nullable=True),
    Column("result", Text, nullable=True),
    Column("error", Text, nullable=True),
    Column("user_name", String(128), nullable=False),
    _created(),
    Column("finished_at", DateTime, nullable=True),
    CheckConstraint("state IN ('running','done','failed','interrupted')", name="state"),
    Index("ix_jobs_state", "state"),
)
