"""app.manufacturing: the facade over bills of materials and manufacturing orders."""

from __future__ import annotations

import builtins
from collections.abc import Sequence

from sqlalchemy import Connection

from lotline.models import Bom, Lot, ManufacturingOrder
from lotline.rules.lots_input import LotsInput
from lotline.rules.quantities import QuantityInput
from lotline.services.base import Service
from lotline.services.catalog import ProductRef, get_product
from lotline.services.manufacturing import (
    batch,
    boms,
    component_lots,
    finished_lot,
    orders,
    production,
)
from lotline.services.manufacturing.boms import BomRef, Components
from lotline.services.manufacturing.orders import MoRef, load_order, load_orders, order_row


class Manufacturing(Service):
    """app.manufacturing: bills of materials, manufacturing orders, batch production."""

    def bom(
        self,
        product: ProductRef,
        components: Components,
        quantity: QuantityInput = 1,
    ) -> Bom:
        """Add a bill of materials: ``components`` ({product: qty}) make ``quantity`` units."""
        return self._run(lambda conn: boms.create_bom(conn, product, components, quantity))

    def boms(self, product: ProductRef) -> builtins.list[Bom]:
        """The product's bills of materials, the default first."""
        return self._read(lambda conn: boms.list_boms(conn, get_product(conn, product)))

    def order(
        self, product: ProductRef, quantity: QuantityInput, bom: BomRef | None = None
    ) -> ManufacturingOrder:
        """Create a draft manufacturing order (WH/MO/00001) using ``bom`` or the default one."""
        return self._run(
            lambda conn: load_order(
                conn, orders.create_order(conn, self.user, product, quantity, bom)
            )
        )

    def confirm(self, mo: MoRef) -> ManufacturingOrder:
        """Create the component needs and reserve what is in stock (the order may wait)."""
        return self._run(lambda conn: load_order(conn, orders.confirm(conn, mo)))

    def set_component_lots(
        self, mo: MoRef, component: ProductRef, lots: LotsInput
    ) -> ManufacturingOrder:
        """Consume these lots ({lot: qty}) or serials ([serial, ...]) of a component."""
        return self._run(
            lambda conn: load_order(
                conn, component_lots.set_component_lots(conn, mo, component, lots)
            )
        )

    def generate_lot(self, mo: MoRef) -> Lot:
        """The plus icon: create the next available lot/serial and put it on the order."""
        return self._run(lambda conn: finished_lot.generate_lot(conn, mo))

    def set_lot(self, mo: MoRef, name: str) -> Lot:
        """Put an existing lot, or a new one of this name ("Create"), on the order."""
        return self._run(lambda conn: finished_lot.set_lot(conn, mo, name))

    def produce_all(self, mo: MoRef) -> ManufacturingOrder:
        """Produce the whole order and close it; a lot/serial is generated when none is set.

        Raises SerialsRequired (the Batch Production proposal) for several serial units.
        """
        return self._run(lambda conn: load_order(conn, production.produce_all(conn, self.user, mo)))

    def produce(self, mo: MoRef, quantity: QuantityInput) -> ManufacturingOrder:
        """Produce part of the order and close it; a backorder takes the rest."""
        return self._run(
            lambda conn: load_order(conn, production.produce(conn, self.user, mo, quantity))
        )

    def batch_produce(
        self,
        mo: MoRef,
        first: str | None = None,
        count: int | None = None,
        names: Sequence[str] | None = None,
        text: str | None = None,
        complete: bool = True,
    ) -> builtins.list[ManufacturingOrder]:
        """Split a serial order into one order per serial; ``complete`` produces them
        ("Produce"), otherwise they stay confirmed ("Prepare MO"). Fewer serials than units
        leave a backorder for the rest."""

        def work(conn: Connection) -> builtins.list[ManufacturingOrder]:
            ids = batch.batch_produce(
                conn,
                self.user,
                mo,
                first=first,
                count=count,
                names=names,
                text=text,
                complete=complete,
            )
            return load_orders(conn, ids)

        return self._run(work)

    def backorders(self, mo: MoRef) -> builtins.list[ManufacturingOrder]:
        """Every order of the same split family (the Backorders smart button)."""
        return self._read(lambda conn: load_orders(conn, orders.family_ids(conn, mo)))

    def get(self, name: MoRef) -> ManufacturingOrder:
        """One manufacturing order by name."""
        return self._read(lambda conn: load_order(conn, order_row(conn, name)["id"]))

    def list(self, state: str | None = None) -> builtins.list[ManufacturingOrder]:
        """Manufacturing orders, oldest first; only those in ``state`` when given."""
        return self._read(lambda conn: load_orders(conn, orders.order_ids(conn, state)))

    def cancel(self, mo: MoRef) -> ManufacturingOrder:
        """Cancel an order that is not done and release its reserved components."""
        return self._run(lambda conn: load_order(conn, orders.cancel(conn, mo)))
