"""Partners (suppliers and customers) and our own sites, described as places.

A partner is a record: name, GLN (check digit verified), address, city, state,
postal code, country and phone. Documents refer to their partner by id; a
document given a partner name that no record has creates the record, so a
partner typed on a receipt keeps working as before. Our own locations get the
same description (``sites``), so that EPCIS and FSMA 204 exports can say where
things happened.
"""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, RowMapping, insert, select, update

from lotline.errors import DuplicatePartner, InvalidInput, UnknownPartner
from lotline.models import Address, Location, Partner, Site
from lotline.rules import gs1
from lotline.rules.text import as_text, clean_text, described, lookup_text, required_text
from lotline.services.base import Service, utcnow
from lotline.services.locations import LocationRef, get_location
from lotline.store.schema import locations, partners, settings, sites

ADDRESS_LIMITS = {
    "address": 256,
    "city": 128,
    "state": 128,
    "postal_code": 32,
    "country": 64,
    "phone": 64,
}
ADDRESS_FIELDS = ("gln", *ADDRESS_LIMITS)
MAX_PARTNER = 256


def check_address(values: Mapping[str, Any]) -> dict[str, str | None]:
    """The address fields given, cleaned; the GLN's check digit verified."""
    unknown = set(values) - set(ADDRESS_FIELDS)
    if unknown:
        raise InvalidInput(
            f"Unknown address field(s) {', '.join(sorted(unknown))}; known ones are "
            f"{', '.join(ADDRESS_FIELDS)}.",
            details={"field": "address", "unknown": sorted(unknown)},
        )
    cleaned: dict[str, str | None] = {}
    for key, value in values.items():
        if key == "gln":
            cleaned[key] = gs1.gln(value) if value not in (None, "") else None
        else:
            words = key.replace("_", " ")
            cleaned[key] = clean_text(value, words, limit=ADDRESS_LIMITS[key], required=False)
    return cleaned


def address_from_row(row: RowMapping | Mapping[str, Any]) -> Address:
    return Address(**{key: row[key] for key in ADDRESS_FIELDS})


def partner_from_row(row: RowMapping | Mapping[str, Any]) -> Partner:
    return Partner(id=row["id"], name=row["name"], place=address_from_row(row))


def find_partner(conn: Connection, ref: str) -> RowMapping | None:
    """The partner row named ``ref`` (its name, or its GLN)."""
    text = lookup_text(ref, "partner", limit=MAX_PARTNER, error=UnknownPartner, key="partner")
    column = partners.c.gln if text.isdecimal() and len(text) == 13 else partners.c.name
    return conn.execute(select(partners).where(column == text)).mappings().first()


def get_partner(conn: Connection, ref: str) -> Partner:
    row = find_partner(conn, ref)
    if row is None:
        raise UnknownPartner(
            f"There is no partner {described(ref)}; check the name or GLN.",
            details={"partner": as_text(ref)},
        )
    return partner_from_row(row)


def partner_id(conn: Connection, name: str) -> int:
    """The id of the partner called ``name`` (already cleaned), created when new."""
    found = conn.execute(select(partners.c.id).where(partners.c.name == name)).scalar()
    if found is not None:
        return int(found)
    key = conn.execute(insert(partners).values(name=name, created_at=utcnow())).inserted_primary_key
    assert key is not None
    return int(key[0])


def _refuse_gln_taken(
    conn: Connection, gln: str | None, *, partner: int = 0, site: int = 0
) -> None:
    if gln is None:
        return
    other = conn.execute(
        select(partners.c.name).where(partners.c.gln == gln, partners.c.id != partner)
    ).scalar()
    if other is None:
        other = conn.execute(
            select(locations.c.full_name)
            .join(sites, sites.c.location_id == locations.c.id)
            .where(sites.c.gln == gln, sites.c.location_id != site)
        ).scalar()
    if other is not None:
        raise DuplicatePartner(
            f"The GLN {gln} already belongs to {other}; a GLN names one place.",
            details={"gln": gln, "partner": other},
        )


def ensure_identity(conn: Connection) -> None:
    """Give this database the UUID its exported EPCIS event IDs are derived from."""
    conn.execute(
        update(settings)
        .where(settings.c.instance_id.is_(None))
        .values(instance_id=str(uuid.uuid4()))
    )


def site_of(conn: Connection, location_id: int) -> Address:
    """The description of one of our locations, or of its nearest described parent."""
    found = site_map(conn)
    path = conn.execute(
        select(locations.c.parent_path, locations.c.id).where(locations.c.id == location_id)
    ).one()
    return nearest_site(found, path.parent_path, location_id)


def site_map(conn: Connection) -> dict[int, Address]:
    """Every described location by id."""
    return {
        row["location_id"]: address_from_row(row) for row in conn.execute(select(sites)).mappings()
    }


def nearest_site(found: Mapping[int, Address], parent_path: str, location_id: int) -> Address:
    """The description of a location or of its nearest described parent (empty when none)."""
    ids = [int(part) for part in parent_path.strip("/").split("/") if part.isdecimal()]
    for candidate in [location_id, *reversed(ids)]:
        if candidate in found:
            return found[candidate]
    return Address()


class Partners(Service):
    """app.partners: suppliers and customers as records, and our own sites' descriptions."""

    def create(self, name: str, **address: Any) -> Partner:
        """A new partner; ``address``: gln, address, city, state, postal_code, country, phone."""
        cleaned_name = required_text(name, "partner", limit=256)
        values = check_address(address)

        def work(conn: Connection) -> Partner:
            if find_partner(conn, cleaned_name) is not None:
                raise DuplicatePartner(
                    f"A partner called {cleaned_name!r} already exists.",
                    details={"partner": cleaned_name},
                )
            _refuse_gln_taken(conn, values.get("gln"))
            conn.execute(insert(partners).values(name=cleaned_name, created_at=utcnow(), **values))
            return get_partner(conn, cleaned_name)

        return self._run(work)

    def update(self, partner: str, **address: Any) -> Partner:
        """Change a partner's GLN or address; its name stays, as documents show it."""
        values = check_address(address)

        def work(conn: Connection) -> Partner:
            found = get_partner(conn, partner)
            _refuse_gln_taken(conn, values.get("gln"), partner=found.id)
            if values:
                conn.execute(update(partners).where(partners.c.id == found.id).values(**values))
            return get_partner(conn, found.name)

        return self._run(work)

    def get(self, partner: str) -> Partner:
        """A partner by name or GLN."""
        return self._run(lambda conn: get_partner(conn, partner))

    def list(self) -> builtins.list[Partner]:
        def work(conn: Connection) -> builtins.list[Partner]:
            rows = conn.execute(select(partners).order_by(partners.c.name)).mappings()
            return [partner_from_row(row) for row in rows]

        return self._run(work)

    def describe_site(self, location: LocationRef, **address: Any) -> Site:
        """Give one of our locations (a warehouse, a stock location) a GLN and an address."""
        values = check_address(address)

        def work(conn: Connection) -> Site:
            place = get_location(conn, location)
            _refuse_gln_taken(conn, values.get("gln"), site=place.id)
            current = conn.execute(
                select(sites.c.location_id).where(sites.c.location_id == place.id)
            ).first()
            if current is None:
                conn.execute(insert(sites).values(location_id=place.id, **values))
            elif values:
                conn.execute(update(sites).where(sites.c.location_id == place.id).values(**values))
            return _site(conn, place)

        return self._run(work)

    def site(self, location: LocationRef) -> Site:
        """A location's description, or its nearest described parent's."""
        return self._run(lambda conn: _site(conn, get_location(conn, location)))


def _site(conn: Connection, place: Location) -> Site:
    return Site(location=place.full_name, place=site_of(conn, place.id))
