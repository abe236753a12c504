"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-24 19:58:51.267231
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Every table of lotline with its constraints and indexes."""
    _create_locations()
    _create_catalog()
    _create_boms()
    _create_lots()
    _create_operations()
    _index_operations()
    _create_quants()
    _create_lot_links()
    _create_moves()
    _create_move_details()
    _create_move_lines()


def _create_locations() -> None:
    """The location tree."""
    op.create_table(
        "locations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("full_name", sa.String(length=512), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("usage", sa.String(length=16), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("parent_path", sa.String(length=512), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.text("(true)"), nullable=False),
        sa.CheckConstraint(
            "usage IN ('view','internal','supplier','customer','production','inventory','scrap','transit')",
            name=op.f("ck_locations_usage"),
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["locations.id"], name=op.f("fk_locations_parent_id_locations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_locations")),
        sa.UniqueConstraint("full_name", name=op.f("uq_locations_full_name")),
    )
    with op.batch_alter_table("locations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_locations_parent_path"), ["parent_path"], unique=False)


def _create_catalog() -> None:
    """Products, the document and lot number sequences, and the settings."""
    op.create_table(
        "products",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=256), nullable=False),
        sa.Column("unit", sa.String(length=32), nullable=False),
        sa.Column("tracking", sa.String(length=8), nullable=False),
        sa.Column("gtin", sa.String(length=14), nullable=True),
        sa.Column("lot_prefix", sa.String(length=64), nullable=True),
        sa.Column("removal_strategy", sa.String(length=8), server_default="fifo", nullable=False),
        sa.Column(
            "use_expiration_date", sa.Boolean(), server_default=sa.text("(false)"), nullable=False
        ),
        sa.Column("expiration_days", sa.Integer(), server_default="0", nullable=False),
        sa.Column("use_days", sa.Integer(), server_default="0", nullable=False),
        sa.Column("removal_days", sa.Integer(), server_default="0", nullable=False),
        sa.Column("alert_days", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "removal_strategy IN ('fifo','fefo','lifo')", name=op.f("ck_products_removal_strategy")
        ),
        sa.CheckConstraint(
            "tracking IN ('none','lot','serial')", name=op.f("ck_products_tracking")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
        sa.UniqueConstraint("code", name=op.f("uq_products_code")),
        sa.UniqueConstraint("gtin", name=op.f("uq_products_gtin")),
    )

    op.create_table(
        "sequences",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("next_number", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_sequences")),
    )

    op.create_table(
        "settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lots_and_serials", sa.Boolean(), nullable=False),
        sa.Column("expiration_dates", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_settings")),
    )


def _create_boms() -> None:
    """Bills of materials and their component lines."""
    op.create_table(
        "boms",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_boms_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_boms_product_id_products")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_boms")),
    )
    with op.batch_alter_table("boms", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_boms_product_id"), ["product_id"], unique=False)

    op.create_table(
        "bom_lines",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("bom_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_bom_lines_quantity_positive")),
        sa.ForeignKeyConstraint(["bom_id"], ["boms.id"], name=op.f("fk_bom_lines_bom_id_boms")),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_bom_lines_product_id_products")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bom_lines")),
    )
    with op.batch_alter_table("bom_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bom_lines_bom_id"), ["bom_id"], unique=False)


def _create_lots() -> None:
    """Lots/serial numbers and the pending inventory counts, per product, place and lot."""
    op.create_table(
        "lots",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("ref", sa.String(length=128), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expiration_date", sa.DateTime(), nullable=True),
        sa.Column("use_date", sa.DateTime(), nullable=True),
        sa.Column("removal_date", sa.DateTime(), nullable=True),
        sa.Column("alert_date", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_lots_product_id_products")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lots")),
        sa.UniqueConstraint("id", "product_id", name=op.f("uq_lots_id_product_id")),
        sa.UniqueConstraint("product_id", "name", name=op.f("uq_lots_product_id_name")),
    )

    op.create_table(
        "inventory_counts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=True),
        sa.Column("lot_key", sa.Integer(), nullable=False),
        sa.Column("counted_quantity", sa.BigInteger(), nullable=False),
        sa.Column("on_hand_at_count", sa.BigInteger(), nullable=False),
        sa.Column("counted_at", sa.DateTime(), nullable=False),
        sa.Column("user_name", sa.String(length=128), nullable=False),
        sa.CheckConstraint(
            "counted_quantity >= 0", name=op.f("ck_inventory_counts_counted_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_inventory_counts_location_id_locations"),
        ),
        sa.ForeignKeyConstraint(
            ["lot_id"], ["lots.id"], name=op.f("fk_inventory_counts_lot_id_lots")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_inventory_counts_product_id_products")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inventory_counts")),
        sa.UniqueConstraint(
            "product_id",
            "location_id",
            "lot_key",
            name=op.f("uq_inventory_counts_product_id_location_id_lot_key"),
        ),
    )


def _create_operations() -> None:
    """Documents: receipts, deliveries, internal transfers, adjustments, manufacturing orders."""
    op.create_table(
        "operations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("destination_id", sa.Integer(), nullable=False),
        sa.Column("partner", sa.String(length=256), nullable=True),
        sa.Column("origin", sa.String(length=256), nullable=True),
        sa.Column("reference", sa.String(length=256), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.Column("user_name", sa.String(length=128), nullable=False),
        sa.Column("backorder_of_id", sa.Integer(), nullable=True),
        sa.Column("return_of_id", sa.Integer(), nullable=True),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("product_quantity", sa.BigInteger(), nullable=True),
        sa.Column("bom_id", sa.Integer(), nullable=True),
        sa.Column("lot_id", sa.Integer(), nullable=True),
        sa.Column("split_root_id", sa.Integer(), nullable=True),
        sa.Column("split_index", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('receipt','delivery','internal','adjustment','manufacturing','scrap')",
            name=op.f("ck_operations_kind"),
        ),
        sa.CheckConstraint(
            "state IN ('draft','confirmed','ready','done','cancelled')",
            name=op.f("ck_operations_state"),
        ),
        *_operation_references(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operations")),
        sa.UniqueConstraint("name", name=op.f("uq_operations_name")),
    )


def _operation_references() -> list[sa.ForeignKeyConstraint]:
    """The foreign keys of a document: places, product, BOM, lot, and other documents."""
    return [
        sa.ForeignKeyConstraint(
            ["backorder_of_id"],
            ["operations.id"],
            name=op.f("fk_operations_backorder_of_id_operations"),
        ),
        sa.ForeignKeyConstraint(["bom_id"], ["boms.id"], name=op.f("fk_operations_bom_id_boms")),
        sa.ForeignKeyConstraint(
            ["destination_id"],
            ["locations.id"],
            name=op.f("fk_operations_destination_id_locations"),
        ),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_operations_lot_id_lots")),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_operations_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["return_of_id"], ["operations.id"], name=op.f("fk_operations_return_of_id_operations")
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["locations.id"], name=op.f("fk_operations_source_id_locations")
        ),
        sa.ForeignKeyConstraint(
            ["split_root_id"],
            ["operations.id"],
            name=op.f("fk_operations_split_root_id_operations"),
        ),
    ]


def _index_operations() -> None:
    """The indexes of the documents."""
    with op.batch_alter_table("operations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_operations_backorder_of_id"), ["backorder_of_id"], unique=False
        )
        batch_op.create_index("ix_operations_kind_state", ["kind", "state"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_operations_return_of_id"), ["return_of_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_operations_split_root_id"), ["split_root_id"], unique=False
        )


def _create_quants() -> None:
    """On-hand quantities per product, place and lot, with the constraints that guard stock."""
    op.create_table(
        "quants",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=True),
        sa.Column("lot_key", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("reserved_quantity", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("in_date", sa.DateTime(), nullable=False),
        sa.Column("internal", sa.Boolean(), nullable=False),
        sa.Column("one_unit", sa.Boolean(), nullable=False),
        sa.Column("guarded", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "quantity <= 1000000 OR NOT one_unit", name=op.f("ck_quants_serial_one_unit")
        ),
        sa.CheckConstraint("quantity >= 0 OR NOT guarded", name=op.f("ck_quants_not_negative")),
        sa.CheckConstraint(
            "reserved_quantity <= quantity OR reserved_quantity = 0",
            name=op.f("ck_quants_reserved_on_hand"),
        ),
        sa.CheckConstraint("reserved_quantity >= 0", name=op.f("ck_quants_reserved_not_negative")),
        sa.ForeignKeyConstraint(
            ["location_id"], ["locations.id"], name=op.f("fk_quants_location_id_locations")
        ),
        sa.ForeignKeyConstraint(
            ["lot_id", "product_id"],
            ["lots.id", "lots.product_id"],
            name="fk_quants_lot_of_product",
        ),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_quants_lot_id_lots")),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_quants_product_id_products")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quants")),
        sa.UniqueConstraint(
            "product_id",
            "location_id",
            "lot_key",
            name=op.f("uq_quants_product_id_location_id_lot_key"),
        ),
    )
    with op.batch_alter_table("quants", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quants_location_id"), ["location_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_quants_lot_id"), ["lot_id"], unique=False)
        batch_op.create_index(
            "uq_quants_serial_on_hand_once",
            ["lot_id"],
            unique=True,
            sqlite_where=sa.text("one_unit AND quantity > 0"),
            postgresql_where=sa.text("one_unit AND quantity > 0"),
        )


def _create_lot_links() -> None:
    """Which lots went into which (the genealogy)."""
    op.create_table(
        "lot_links",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("operation_id", sa.Integer(), nullable=False),
        sa.Column("consumed_lot_id", sa.Integer(), nullable=False),
        sa.Column("produced_lot_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_lot_links_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["consumed_lot_id"], ["lots.id"], name=op.f("fk_lot_links_consumed_lot_id_lots")
        ),
        sa.ForeignKeyConstraint(
            ["operation_id"], ["operations.id"], name=op.f("fk_lot_links_operation_id_operations")
        ),
        sa.ForeignKeyConstraint(
            ["produced_lot_id"], ["lots.id"], name=op.f("fk_lot_links_produced_lot_id_lots")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lot_links")),
    )
    with op.batch_alter_table("lot_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lot_links_consumed_lot_id"), ["consumed_lot_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_lot_links_operation_id"), ["operation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_lot_links_produced_lot_id"), ["produced_lot_id"], unique=False
        )


def _create_moves() -> None:
    """The planned moves of a document."""
    op.create_table(
        "moves",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("operation_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("destination_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_moves_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["destination_id"], ["locations.id"], name=op.f("fk_moves_destination_id_locations")
        ),
        sa.ForeignKeyConstraint(
            ["operation_id"], ["operations.id"], name=op.f("fk_moves_operation_id_operations")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_moves_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["locations.id"], name=op.f("fk_moves_source_id_locations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moves")),
    )
    with op.batch_alter_table("moves", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_moves_operation_id"), ["operation_id"], unique=False)


def _create_move_details() -> None:
    """The lots and quantities detailed on each planned move."""
    op.create_table(
        "move_details",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("operation_id", sa.Integer(), nullable=False),
        sa.Column("move_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=True),
        sa.Column("lot_name", sa.String(length=128), nullable=True),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("destination_id", sa.Integer(), nullable=False),
        sa.Column("reserved", sa.Boolean(), server_default=sa.text("(false)"), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_move_details_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["destination_id"],
            ["locations.id"],
            name=op.f("fk_move_details_destination_id_locations"),
        ),
        sa.ForeignKeyConstraint(
            ["lot_id", "product_id"],
            ["lots.id", "lots.product_id"],
            name="fk_move_details_lot_of_product",
        ),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_move_details_lot_id_lots")),
        sa.ForeignKeyConstraint(
            ["move_id"], ["moves.id"], name=op.f("fk_move_details_move_id_moves")
        ),
        sa.ForeignKeyConstraint(
            ["operation_id"],
            ["operations.id"],
            name=op.f("fk_move_details_operation_id_operations"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_move_details_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["locations.id"], name=op.f("fk_move_details_source_id_locations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_move_details")),
    )
    with op.batch_alter_table("move_details", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_move_details_lot_id"), ["lot_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_move_details_move_id"), ["move_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_move_details_operation_id"), ["operation_id"], unique=False
        )


def _create_move_lines() -> None:
    """The ledger: done move lines."""
    op.create_table(
        "move_lines",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("operation_id", sa.Integer(), nullable=False),
        sa.Column("move_id", sa.Integer(), nullable=True),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=True),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("destination_id", sa.Integer(), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=False),
        sa.Column("user_name", sa.String(length=128), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_move_lines_quantity_positive")),
        sa.CheckConstraint(
            "source_id <> destination_id", name=op.f("ck_move_lines_distinct_locations")
        ),
        sa.ForeignKeyConstraint(
            ["destination_id"],
            ["locations.id"],
            name=op.f("fk_move_lines_destination_id_locations"),
        ),
        sa.ForeignKeyConstraint(
            ["lot_id", "product_id"],
            ["lots.id", "lots.product_id"],
            name="fk_move_lines_lot_of_product",
        ),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_move_lines_lot_id_lots")),
        sa.ForeignKeyConstraint(
            ["move_id"], ["moves.id"], name=op.f("fk_move_lines_move_id_moves")
        ),
        sa.ForeignKeyConstraint(
            ["operation_id"], ["operations.id"], name=op.f("fk_move_lines_operation_id_operations")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_move_lines_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["locations.id"], name=op.f("fk_move_lines_source_id_locations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_move_lines")),
    )
    with op.batch_alter_table("move_lines", schema=None) as batch_op:
        batch_op.create_index(
            "ix_move_lines_lot_id_destination_id", ["lot_id", "destination_id"], unique=False
        )
        batch_op.create_index(
            "ix_move_lines_lot_id_source_id", ["lot_id", "source_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_move_lines_operation_id"), ["operation_id"], unique=False
        )
        batch_op.create_index(
            "ix_move_lines_product_id_lot_id", ["product_id", "lot_id"], unique=False
        )


def downgrade() -> None:
    """Drop every table, the ledger first."""
    with op.batch_alter_table("move_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_move_lines_product_id_lot_id")
        batch_op.drop_index(batch_op.f("ix_move_lines_operation_id"))
        batch_op.drop_index("ix_move_lines_lot_id_source_id")
        batch_op.drop_index("ix_move_lines_lot_id_destination_id")

    op.drop_table("move_lines")
    with op.batch_alter_table("move_details", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_move_details_operation_id"))
        batch_op.drop_index(batch_op.f("ix_move_details_move_id"))
        batch_op.drop_index(batch_op.f("ix_move_details_lot_id"))

    op.drop_table("move_details")
    with op.batch_alter_table("moves", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_moves_operation_id"))

    op.drop_table("moves")
    with op.batch_alter_table("lot_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lot_links_produced_lot_id"))
        batch_op.drop_index(batch_op.f("ix_lot_links_operation_id"))
        batch_op.drop_index(batch_op.f("ix_lot_links_consumed_lot_id"))

    op.drop_table("lot_links")
    with op.batch_alter_table("quants", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_quants_serial_on_hand_once",
            sqlite_where=sa.text("one_unit AND quantity > 0"),
            postgresql_where=sa.text("one_unit AND quantity > 0"),
        )
        batch_op.drop_index(batch_op.f("ix_quants_lot_id"))
        batch_op.drop_index(batch_op.f("ix_quants_location_id"))

    op.drop_table("quants")
    with op.batch_alter_table("operations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_operations_split_root_id"))
        batch_op.drop_index(batch_op.f("ix_operations_return_of_id"))
        batch_op.drop_index("ix_operations_kind_state")
        batch_op.drop_index(batch_op.f("ix_operations_backorder_of_id"))

    op.drop_table("operations")
    op.drop_table("inventory_counts")
    with op.batch_alter_table("bom_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bom_lines_bom_id"))

    op.drop_table("bom_lines")
    op.drop_table("lots")
    with op.batch_alter_table("boms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_boms_product_id"))

    op.drop_table("boms")
    op.drop_table("settings")
    op.drop_table("sequences")
    op.drop_table("products")
    with op.batch_alter_table("locations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_locations_parent_path"))

    op.drop_table("locations")
