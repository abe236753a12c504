"""Bills of materials: what makes a product, and which one an order uses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, insert, select

from lotline.errors import InvalidInput, NotFound
from lotline.models import Bom, BomLine, Product
from lotline.rules.inputs import mapping, record_id
from lotline.rules.production import BomLines
from lotline.rules.quantities import QuantityInput, positive_quantity
from lotline.services.base import utcnow
from lotline.services.catalog import ProductRef, get_product, products_by_id
from lotline.store.schema import bom_lines, boms

BomRef = Bom | int
Components = Mapping[Any, QuantityInput]
"""{component: quantity}; keys are product codes or Products (Any: a Mapping's key is invariant)."""


@dataclass(frozen=True, slots=True)
class BomData:
    """A bill of materials as production uses it: ids and quantities."""

    id: int
    product_id: int
    quantity: Decimal
    lines: BomLines

    @property
    def component_ids(self) -> set[int]:
        """The product ids of the components."""
        return {pid for pid, _ in self.lines}


def create_bom(
    conn: Connection, product_ref: ProductRef, components: Components, quantity: QuantityInput = 1
) -> Bom:
    """Add a bill of materials; the product's first one stays its default."""
    product = get_product(conn, product_ref)
    made = positive_quantity(quantity, what=f"quantity made by the BoM of {product.code}")
    lines = _component_lines(conn, product, components)
    sequence = int(
        conn.execute(
            select(func.count()).select_from(boms).where(boms.c.product_id == product.id)
        ).scalar_one()
    )
    key = conn.execute(
        insert(boms).values(
            product_id=product.id, quantity=made, sequence=sequence, created_at=utcnow()
        )
    ).inserted_primary_key
    assert key is not None
    bom_id = int(key[0])
    conn.execute(
        insert(bom_lines),
        [
            {"bom_id": bom_id, "product_id": c.id, "quantity": q, "sequence": i}
            for i, (c, q) in enumerate(lines)
        ],
    )
    return Bom(
        id=bom_id,
        product=product.code,
        quantity=made,
        lines=tuple(BomLine(c.code, q) for c, q in lines),
        sequence=sequence,
    )


def _component_lines(
    conn: Connection, product: Product, components: Components
) -> list[tuple[Product, Decimal]]:
    if not mapping(components, "components", "{product: quantity}"):
        raise InvalidInput(
            f"A bill of materials of {product.code} needs at least one component.",
            details={"product": product.code},
        )
    lines: list[tuple[Product, Decimal]] = []
    for ref, amount in components.items():
        component = get_product(conn, ref)
        details = {"product": product.code, "component": component.code}
        if component.id == product.id:
            raise InvalidInput(
                f"Product {product.code} cannot be a component of its own bill of "
                "materials; remove it from the components.",
                details=details,
            )
        if any(c.id == component.id for c, _ in lines):
            raise InvalidInput(
                f"Component {component.code} is listed twice in the BoM of {product.code}; "
                "give it once with the total quantity.",
                details=details,
            )
        what = f"quantity of component {component.code}"
        lines.append((component, positive_quantity(amount, what=what)))
    return lines


def bom_data(conn: Connection, bom_id: int) -> BomData:
    """A bill of materials and its lines, in BoM order (one query)."""
    rows = conn.execute(
        select(boms.c.product_id, boms.c.quantity, bom_lines.c.product_id, bom_lines.c.quantity)
        .select_from(boms.outerjoin(bom_lines, bom_lines.c.bom_id == boms.c.id))
        .where(boms.c.id == bom_id)
        .order_by(bom_lines.c.sequence, bom_lines.c.id)
    ).all()
    if not rows:
        raise NotFound(f"There is no bill of materials #{bom_id}.", details={"bom": bom_id})
    lines = tuple((r[2], r[3]) for r in rows if r[2] is not None)
    return BomData(bom_id, rows[0][0], rows[0][1], lines)


def list_boms(conn: Connection, product: Product) -> list[Bom]:
    """The product's bills of materials, the default first."""
    rows = conn.execute(
        select(boms).where(boms.c.product_id == product.id).order_by(boms.c.sequence, boms.c.id)
    ).mappings()
    result = []
    for row in rows:
        data = bom_data(conn, row["id"])
        codes = products_by_id(conn, data.component_ids)
        result.append(
            Bom(
                id=data.id,
                product=product.code,
                quantity=data.quantity,
                lines=tuple(BomLine(codes[pid].code, q) for pid, q in data.lines),
                sequence=row["sequence"],
            )
        )
    return result


def choose_bom(conn: Connection, product: Product, bom: BomRef | None) -> int:
    """The id of ``bom`` if it makes ``product``, else of the product's default BoM."""
    if bom is None:
        found = conn.execute(
            select(boms.c.id)
            .where(boms.c.product_id == product.id)
            .order_by(boms.c.sequence, boms.c.id)
            .limit(1)
        ).scalar()
        if found is None:
            raise NotFound(
                f"Product {product.code} has no bill of materials; add one first.",
                details={"product": product.code},
            )
        return int(found)
    bom_id = record_id(bom.id if isinstance(bom, Bom) else bom, "bill of materials")
    owner = conn.execute(select(boms.c.product_id).where(boms.c.id == bom_id)).scalar()
    if owner != product.id:
        raise InvalidInput(
            f"Bill of materials #{bom_id} does not make {product.code}; choose one of its "
            "own BoMs (or none for the default).",
            details={"product": product.code, "bom": bom_id},
        )
    return int(bom_id)
