"""What producing an order works with: its BoM, components, places and reserved pools."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, RowMapping

from lotline.models import Location, Product
from lotline.rules.production import Pool
from lotline.services.catalog import products_by_id
from lotline.services.locations import PRODUCTION, get_location, locations_by_id
from lotline.services.manufacturing.boms import BomData, bom_data
from lotline.services.manufacturing.pools import load_pools


@dataclass(frozen=True, slots=True)
class Job:
    """A locked order being produced, with everything it needs loaded once."""

    row: RowMapping
    bom: BomData
    components: dict[int, Product]
    stock: Location
    production_id: int
    pools: dict[int, Pool]


def load_job(conn: Connection, row: RowMapping, bom: BomData | None = None) -> Job:
    """Load what producing ``row`` needs (``bom`` when the caller has it already)."""
    bom = bom or bom_data(conn, row["bom_id"])
    pools = load_pools(conn, row["id"])
    components = products_by_id(conn, bom.component_ids | set(pools))
    stock = locations_by_id(conn, {row["source_id"]})[row["source_id"]]
    production = get_location(conn, PRODUCTION)
    return Job(row, bom, components, stock, production.id, pools)
