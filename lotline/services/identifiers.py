"""GS1 identifiers of our products, lots and serials: Digital Link and EPC URIs.

A product has GS1 identifiers only when it has a GTIN. EPC URIs also need the
length of the GS1 company prefix inside the GTIN: given per call, else the
company's setting.
"""

from __future__ import annotations

from sqlalchemy import Connection, select, update

from lotline.errors import InvalidInput
from lotline.models import Product
from lotline.rules import gs1
from lotline.store.schema import settings


def require_gtin(product: Product) -> str:
    """The product's GTIN-14, or InvalidInput saying it has none."""
    if not product.gtin:
        raise InvalidInput(
            f"Product {product.code} has no GTIN, so it has no GS1 identifier; give it its GTIN.",
            details={"product": product.code, "field": "gtin"},
        )
    return product.gtin


def item_link(product: Product, name: str | None) -> str:
    """The Digital Link of a lot (AI 10), a serial (AI 21) or, without a name, the product."""
    gtin = require_gtin(product)
    if name is None:
        return gs1.digital_link(gtin)
    if product.tracking == "serial":
        return gs1.digital_link(gtin, serial=name)
    return gs1.digital_link(gtin, lot=name)


def item_epc(product: Product, name: str | None, prefix_length: int) -> str:
    """SGTIN of a serial, LGTIN of a lot, or the SGTIN pattern of an untracked product."""
    gtin = require_gtin(product)
    if name is None:
        return gs1.gtin_class_uri(gtin, prefix_length)
    if product.tracking == "serial":
        return gs1.sgtin_uri(gtin, name, prefix_length)
    return gs1.lgtin_uri(gtin, name, prefix_length)


def company_prefix_length(conn: Connection, given: int | None = None) -> int | None:
    """The company prefix length to use: ``given`` (checked), else the company's setting."""
    if given is not None:
        return gs1.check_prefix_length(given)
    found = conn.execute(select(settings.c.gs1_company_prefix_length)).scalar()
    return int(found) if found is not None else None


def set_company_prefix_length(conn: Connection, length: int | None) -> None:
    """Record the length of the company prefix in our GTINs and GLNs (None: unknown)."""
    checked = gs1.check_prefix_length(length) if length is not None else None
    conn.execute(update(settings).values(gs1_company_prefix_length=checked))
