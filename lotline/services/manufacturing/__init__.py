"""Bills of materials and manufacturing orders with lots and serial numbers.

An order (WH/MO/00001) is confirmed into component moves (WH/Stock ->
Virtual Locations/Production) whose stock is reserved by the removal strategy
and recorded as move_details, and a finished move (Production -> WH/Stock).
Producing posts both sides to the ledger and links every consumed tracked lot
to the produced lot or serial (lot_links) for traceability.

A serial-tracked order of several units is split into one order per unit
(WH/MO/00109-001, -002, ...); batch production builds every split order, move,
detail, ledger line and lot link in Python and writes each table with one bulk
statement, so the number of statements does not grow with the number of units.

Modules: ``boms`` (bills of materials), ``orders`` (create, load, list, confirm,
cancel), ``pools`` (the component stock reserved for an order),
``component_lots`` (choosing component lots), ``finished_lot`` (the lot an
order makes), ``production`` (produce, Produce All), ``splitting`` and
``records`` (what producing writes), ``batch`` (batch production) and
``service`` (the ``Manufacturing`` facade).
"""

from lotline.services.manufacturing.batch import batch_produce
from lotline.services.manufacturing.boms import BomRef, Components, create_bom, list_boms
from lotline.services.manufacturing.component_lots import set_component_lots
from lotline.services.manufacturing.finished_lot import generate_lot, set_lot
from lotline.services.manufacturing.orders import (
    MoRef,
    cancel,
    confirm,
    create_order,
    family_ids,
    load_order,
    load_orders,
)
from lotline.services.manufacturing.production import produce, produce_all
from lotline.services.manufacturing.service import Manufacturing

__all__ = [
    "BomRef",
    "Components",
    "Manufacturing",
    "MoRef",
    "batch_produce",
    "cancel",
    "confirm",
    "create_bom",
    "create_order",
    "family_ids",
    "generate_lot",
    "list_boms",
    "load_order",
    "load_orders",
    "produce",
    "produce_all",
    "set_component_lots",
    "set_lot",
]
