"""Warehouses, internal and virtual locations."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, cast

from sqlalchemy import Connection, RowMapping, func, insert, select, update

from lotline.errors import DuplicateLocation, InvalidInput, UnknownLocation
from lotline.models import LOCATION_USAGES, Location, LocationUsage
from lotline.rules.text import required_text
from lotline.services.base import Service
from lotline.store.schema import locations

STOCK = "WH/Stock"
VENDORS = "Partners/Vendors"
CUSTOMERS = "Partners/Customers"
PRODUCTION = "Virtual Locations/Production"
INVENTORY_ADJUSTMENT = "Virtual Locations/Inventory adjustment"
SCRAP = "Virtual Locations/Scrap"

DEFAULT_LOCATIONS: tuple[tuple[str, LocationUsage], ...] = (
    ("WH", "view"),
    (STOCK, "internal"),
    ("Partners", "view"),
    (VENDORS, "supplier"),
    (CUSTOMERS, "customer"),
    ("Virtual Locations", "view"),
    (PRODUCTION, "production"),
    (INVENTORY_ADJUSTMENT, "inventory"),
    (SCRAP, "scrap"),
)

STOCK_KEEPING = ("internal", "transit")

LocationRef = Location | str


def location_from_row(row: RowMapping | Mapping[str, Any], parent: str | None) -> Location:
    return Location(
        id=row["id"],
        full_name=row["full_name"],
        name=row["name"],
        usage=cast(LocationUsage, row["usage"]),
        parent=parent,
    )


def get_location(conn: Connection, ref: LocationRef) -> Location:
    """The location named by ``ref`` (a Location or its full name), or UnknownLocation."""
    full_name = ref.full_name if isinstance(ref, Location) else ref
    if not isinstance(full_name, str):
        raise UnknownLocation(
            f"A location is given by its full name, not {full_name!r}.",
            details={"location": repr(full_name)},
        )
    row = (
        conn.execute(select(locations).where(locations.c.full_name == full_name.strip()))
        .mappings()
        .first()
    )
    if row is None:
        raise UnknownLocation(
            f"There is no location {full_name!r}. Use a full name such as 'WH/Stock'.",
            details={"location": full_name.strip()},
        )
    return location_from_row(row, _parent_name(row["full_name"]))


def locations_by_id(conn: Connection, ids: Iterable[int]) -> dict[int, Location]:
    wanted = set(ids)
    if not wanted:
        return {}
    rows = conn.execute(select(locations).where(locations.c.id.in_(wanted))).mappings()
    return {r["id"]: location_from_row(r, _parent_name(r["full_name"])) for r in rows}


def subtree_path(conn: Connection, location: Location) -> str:
    """The parent_path prefix shared by a location and all its children."""
    path = conn.execute(
        select(locations.c.parent_path).where(locations.c.id == location.id)
    ).scalar_one()
    return str(path)


def ensure_defaults(conn: Connection) -> None:
    """Create the default warehouse and virtual locations that are missing."""
    existing = set(conn.execute(select(locations.c.full_name)).scalars())
    for full_name, usage in DEFAULT_LOCATIONS:
        if full_name not in existing:
            _insert(conn, full_name, usage)


def _parent_name(full_name: str) -> str | None:
    head, sep, _ = full_name.rpartition("/")
    return head if sep else None


def _check_name(full_name: object) -> str:
    if not isinstance(full_name, str) or not full_name.strip():
        raise InvalidInput(
            "A location needs a full name such as 'WH/Stock/Shelf 1'.",
            details={"field": "location name", "value": str(full_name)},
        )
    parts = [p.strip() for p in full_name.strip().split("/")]
    if any(not p for p in parts):
        raise InvalidInput(
            f"The location name {full_name!r} has an empty part; write it as 'WH/Stock/Shelf 1'.",
            details={"field": "location name", "value": full_name},
        )
    cleaned = "/".join(parts)
    if len(cleaned) > 512 or any(len(p) > 128 for p in parts):
        raise InvalidInput(
            f"The location name {full_name!r} is too long; shorten it.",
            details={"field": "location name", "length": len(cleaned), "limit": 512},
        )
    return required_text(cleaned, "location name", limit=512)


def _insert(conn: Connection, full_name: str, usage: str) -> Location:
    parent_name = _parent_name(full_name)
    parent_id: int | None = None
    parent_path = ""
    if parent_name is not None:
        parent = conn.execute(
            select(locations.c.id, locations.c.parent_path).where(
                locations.c.full_name == parent_name
            )
        ).first()
        if parent is None:
            raise UnknownLocation(
                f"Cannot create {full_name!r}: its parent location {parent_name!r} does not "
                "exist. Create the parent first.",
                details={"location": parent_name, "child": full_name},
            )
        parent_id, parent_path = parent.id, parent.parent_path
    new_id = conn.execute(
        insert(locations).values(
            full_name=full_name,
            name=full_name.rpartition("/")[2],
            usage=usage,
            parent_id=parent_id,
            parent_path="",
        )
    ).inserted_primary_key
    assert new_id is not None
    location_id = int(new_id[0])
    conn.execute(
        update(locations)
        .where(locations.c.id == location_id)
        .values(parent_path=f"{parent_path}{location_id}/")
    )
    return Location(
        id=location_id,
        full_name=full_name,
        name=full_name.rpartition("/")[2],
        usage=cast(LocationUsage, usage),
        parent=parent_name,
    )


class Locations(Service):
    """app.locations: the warehouse's locations, internal and virtual."""

    def get(self, full_name: LocationRef) -> Location:
        """The location with this full name, e.g. "WH/Stock"."""
        return self._read(lambda conn: get_location(conn, full_name))

    def create(self, full_name: str, usage: str = "internal") -> Location:
        """Add a location under an existing parent, e.g. "WH/Stock/Shelf 1"."""
        cleaned = _check_name(full_name)
        if usage not in LOCATION_USAGES:
            raise InvalidInput(
                f"The location type {usage!r} is unknown; use one of {', '.join(LOCATION_USAGES)}.",
                details={"field": "usage", "value": str(usage)},
            )

        def work(conn: Connection) -> Location:
            taken = conn.execute(
                select(func.count()).where(locations.c.full_name == cleaned)
            ).scalar_one()
            if taken:
                raise DuplicateLocation(
                    f"The location {cleaned!r} already exists.", details={"location": cleaned}
                )
            return _insert(conn, cleaned, usage)

        return self._run(work)

    def list(self, usage: str | None = None) -> list[Location]:
        """Every location, ordered by full name; optionally of one usage only."""

        def work(conn: Connection) -> list[Location]:
            query = select(locations).order_by(locations.c.full_name)
            if usage is not None:
                query = query.where(locations.c.usage == usage)
            return [
                location_from_row(r, _parent_name(r["full_name"]))
                for r in conn.execute(query).mappings()
            ]

        return self._read(work)
