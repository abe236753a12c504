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
    products: dict[int, Product]
    stock: Location
    production_id: int
    pools: dict[int, Pool]

    @property
    def product(self) -> Product:
        """The product the order makes."""
        return self.products[self.row["product_id"]]

    @property
    def tracked_components(self) -> list[Product]:
        """The BoM's lot- or serial-tracked components, in BoM order."""
        found = (self.products[pid] for pid, _ in self.bom.lines)
        return [p for p in found if p.is_tracked]


def load_job(conn: Connection, row: RowMapping) -> Job:
    """Load what producing the confirmed order ``row`` needs."""
    bom = bom_data(conn, row["bom_id"])
    pools = load_pools(conn, row["id"])
    products = products_by_id(conn, bom.component_ids | set(pools) | {row["product_id"]})
    stock = locations_by_id(conn, {row["source_id"]})[row["source_id"]]
    production = get_location(conn, PRODUCTION)
    return Job(row, bom, products, stock, production.id, pools)
