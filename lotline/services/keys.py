"""Natural keys of numeric ids, for interfaces that name things by id (the REST API).

The facade names products by code, lots by (product, name) and documents by
name; a URL names them by id. These read-only lookups turn one into the other.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable

from sqlalchemy import Connection, select

from lotline.errors import UnknownLot, UnknownOperation, UnknownProduct
from lotline.services.base import Service
from lotline.store.bulk import chunked
from lotline.store.schema import boms, lots, operations, products


class Keys(Service):
    """Ids to natural keys and back."""

    def product_code(self, product_id: int) -> str:
        def work(conn: Connection) -> str:
            code = conn.execute(select(products.c.code).where(products.c.id == product_id)).scalar()
            if code is None:
                raise UnknownProduct(
                    f"There is no product with id {product_id}.", details={"id": product_id}
                )
            return str(code)

        return self._run(work)

    def lot(self, lot_id: int) -> tuple[str, str]:
        """(product code, lot name) of a lot id."""

        def work(conn: Connection) -> tuple[str, str]:
            row = conn.execute(
                select(products.c.code, lots.c.name)
                .join(products, products.c.id == lots.c.product_id)
                .where(lots.c.id == lot_id)
            ).first()
            if row is None:
                raise UnknownLot(f"There is no lot with id {lot_id}.", details={"id": lot_id})
            return str(row.code), str(row.name)

        return self._run(work)

    def lot_ids(self, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """Ids of (product code, lot name) pairs; unknown pairs are left out."""
        names_of: dict[str, list[str]] = defaultdict(list)
        for code, name in dict.fromkeys(pairs):
            names_of[code].append(name)

        def work(conn: Connection) -> dict[tuple[str, str], int]:
            found: dict[tuple[str, str], int] = {}
            for code, names in names_of.items():
                for chunk in chunked(names):
                    rows = conn.execute(
                        select(lots.c.name, lots.c.id)
                        .join(products, products.c.id == lots.c.product_id)
                        .where(products.c.code == code, lots.c.name.in_(chunk))
                    )
                    found.update({(code, r.name): r.id for r in rows})
            return found

        return self._run(work) if names_of else {}

    def document_name(self, document_id: int, kinds: Collection[str]) -> str:
        """The name of a document of one of ``kinds``, by id."""

        def work(conn: Connection) -> str:
            name = conn.execute(
                select(operations.c.name).where(
                    operations.c.id == document_id, operations.c.kind.in_(kinds)
                )
            ).scalar()
            if name is None:
                raise UnknownOperation(
                    f"There is no {' or '.join(sorted(kinds))} with id {document_id}.",
                    details={"id": document_id},
                )
            return str(name)

        return self._run(work)

    def products_with_boms(self) -> list[str]:
        """Codes of the products that have a bill of materials, sorted."""

        def work(conn: Connection) -> list[str]:
            rows = conn.execute(
                select(products.c.code)
                .where(products.c.id.in_(select(boms.c.product_id)))
                .order_by(products.c.code)
            )
            return [str(code) for code in rows.scalars()]

        return self._run(work)
