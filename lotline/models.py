"""Typed values that cross layer boundaries.

Values name things by natural keys: ``product`` is the product code, ``lot`` the
lot name (None when untracked), locations are full names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

Tracking = Literal["none", "lot", "serial"]
TRACKINGS: tuple[Tracking, ...] = ("none", "lot", "serial")

LocationUsage = Literal[
    "view", "internal", "supplier", "customer", "production", "inventory", "scrap", "transit"
]
LOCATION_USAGES: tuple[LocationUsage, ...] = (
    "view",
    "internal",
    "supplier",
    "customer",
    "production",
    "inventory",
    "scrap",
    "transit",
)


@dataclass(frozen=True, slots=True)
class Settings:
    lots_and_serials: bool
    expiration_dates: bool


@dataclass(frozen=True, slots=True)
class Location:
    id: int
    full_name: str
    name: str
    usage: LocationUsage
    parent: str | None

    @property
    def is_internal(self) -> bool:
        return self.usage == "internal"


@dataclass(frozen=True, slots=True)
class Product:
    id: int
    code: str
    name: str
    unit: str
    tracking: Tracking
    gtin: str | None = None
    lot_prefix: str | None = None
    removal_strategy: str = "fifo"
    use_expiration_date: bool = False
    expiration_days: int = 0
    use_days: int = 0
    removal_days: int = 0
    alert_days: int = 0

    @property
    def is_tracked(self) -> bool:
        return self.tracking != "none"


@dataclass(frozen=True, slots=True)
class Lot:
    id: int
    product: str
    name: str
    ref: str | None = None
    note: str | None = None
    created_at: datetime | None = None
    expiration_date: datetime | None = None
    use_date: datetime | None = None
    removal_date: datetime | None = None
    alert_date: datetime | None = None
    tlc_source_reference: str | None = None


@dataclass(frozen=True, slots=True)
class Quant:
    product: str
    location: str
    lot: str | None
    quantity: Decimal
    reserved_quantity: Decimal = Decimal(0)
    in_date: datetime | None = None

    @property
    def available_quantity(self) -> Decimal:
        return self.quantity - self.reserved_quantity


@dataclass(frozen=True, slots=True)
class MoveLine:
    """One done row of the ledger."""

    id: int
    reference: str
    date: datetime
    product: str
    lot: str | None
    quantity: Decimal
    source: str
    destination: str
    operation: str
    user: str
    partner: str | None = None


@dataclass(frozen=True, slots=True)
class OperationLine:
    """A demanded product on a document, with its detailed lot/serial lines."""

    product: str
    quantity: Decimal
    done_quantity: Decimal
    lots: dict[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Operation:
    id: int
    name: str
    kind: str
    state: str
    source: str
    destination: str
    partner: str | None = None
    origin: str | None = None
    reference: str | None = None
    created_at: datetime | None = None
    done_at: datetime | None = None
    backorder_of: str | None = None
    return_of: str | None = None
    lines: tuple[OperationLine, ...] = ()


@dataclass(frozen=True, slots=True)
class CheckDifference:
    """One disagreement found by ``lotline check``."""

    kind: Literal["quant", "balance", "reserved"]
    product: str
    location: str | None
    lot: str | None
    recorded: Decimal
    expected: Decimal

    def describe(self) -> str:
        if self.kind == "balance":
            return (
                f"product {self.product}: the ledger does not balance "
                f"(sum over all locations is {self.recorded}, expected 0)"
            )
        lot = f" lot {self.lot}" if self.lot else ""
        if self.kind == "reserved":
            return (
                f"product {self.product}{lot} at {self.location}: quant reserves "
                f"{self.recorded}, open documents hold {self.expected}"
            )
        return (
            f"product {self.product}{lot} at {self.location}: quant says {self.recorded}, "
            f"the ledger says {self.expected}"
        )


@dataclass(frozen=True, slots=True)
class CheckReport:
    differences: tuple[CheckDifference, ...]
    move_lines: int
    quants: int

    @property
    def ok(self) -> bool:
        return not self.differences


@dataclass(frozen=True, slots=True)
class Scan:
    """What a scanned barcode (or typed code) means."""

    raw: str
    gtin: str | None = None
    lot: str | None = None
    serial: str | None = None
    expiration_date: date | None = None
    best_before_date: date | None = None
    production_date: date | None = None
    quantity: Decimal | None = None
    is_gs1: bool = False


@dataclass(frozen=True, slots=True)
class Count:
    """A counted quantity of a physical inventory, beside what is on hand now.

    ``outdated``: stock moved at this quant after it was counted
    (``on_hand`` differs from ``on_hand_at_count``).
    """

    product: str
    location: str
    lot: str | None
    counted: Decimal
    on_hand: Decimal
    difference: Decimal
    counted_at: datetime
    user: str
    outdated: bool
    on_hand_at_count: Decimal


@dataclass(frozen=True, slots=True)
class BomLine:
    """A component of a bill of materials and its quantity per ``Bom.quantity`` made."""

    product: str
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class Bom:
    """A bill of materials: what makes ``quantity`` units of ``product``."""

    id: int
    product: str
    quantity: Decimal
    lines: tuple[BomLine, ...]
    sequence: int = 0


@dataclass(frozen=True, slots=True)
class MoComponent:
    """A component need of a manufacturing order and the lots it holds or consumed.

    ``reserved`` is how much of ``quantity`` has stock set aside (or was consumed
    when the order is done); ``lots`` maps lot/serial names to their quantity.
    """

    product: str
    quantity: Decimal
    reserved: Decimal
    lots: dict[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ManufacturingOrder:
    """A manufacturing order (WH/MO/00001, or WH/MO/00001-002 once split)."""

    id: int
    name: str
    state: str
    product: str
    quantity: Decimal
    lot: str | None
    bom: int | None
    source: str
    destination: str
    components: tuple[MoComponent, ...] = ()
    split_root: str | None = None
    split_index: int | None = None
    created_at: datetime | None = None
    done_at: datetime | None = None

    def component(self, product: str) -> MoComponent:
        """The need for one component, by product code."""
        for line in self.components:
            if line.product == product:
                return line
        raise KeyError(product)


@dataclass(frozen=True, slots=True)
class LotRow:
    """One line of the Lots/Serial Numbers dashboard.

    ``on_hand``: quantity in internal locations (a serial counts once at most);
    ``locations``: the full names of the internal locations holding it, sorted.
    """

    product: str
    lot: str
    on_hand: Decimal
    locations: tuple[str, ...]
    expiration_date: datetime | None
    created_at: datetime | None


@dataclass(frozen=True, slots=True)
class RecallRow:
    """Where one lot/serial (or part of a lot) is now.

    In stock: ``location`` is the internal location, ``date`` when it arrived there.
    Delivered: ``location`` is the customer location, ``partner`` the customer,
    ``document``/``date`` the latest delivery. Neither (consumed into something
    untracked, scrapped): ``location`` is None.
    """

    product: str
    lot: str
    location: str | None
    partner: str | None
    document: str | None
    date: datetime | None
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class TraceNode:
    """One lot/serial in an upstream or downstream genealogy.

    ``operation``/``partner``/``date``: the document that brought the lot into
    existence (the manufacturing order that made it, or the receipt with its
    vendor). ``quantity``: for the root, the quantity received or produced; for a
    child, the quantity that passed along the link (upstream: consumed into the
    parent; downstream: of the parent consumed into it). ``current``: where the
    lot is now (internal stock and customers holding it).
    """

    product: str
    lot: str
    operation: str | None
    quantity: Decimal
    partner: str | None
    date: datetime | None
    children: tuple[TraceNode, ...] = ()
    current: tuple[RecallRow, ...] = ()

    def walk(self) -> list[tuple[int, TraceNode]]:
        """Every node of the tree with its depth (the root is 0), depth first."""
        found: list[tuple[int, TraceNode]] = []
        stack: list[tuple[int, TraceNode]] = [(0, self)]
        while stack:
            depth, node = stack.pop()
            found.append((depth, node))
            stack.extend((depth + 1, child) for child in reversed(node.children))
        return found


@dataclass(frozen=True, slots=True)
class Address:
    """Where a partner or one of our sites is: GLN (13 digits) and postal address."""

    gln: str | None = None
    address: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class Partner:
    """A supplier or customer that documents refer to."""

    id: int
    name: str
    place: Address = Address()


@dataclass(frozen=True, slots=True)
class Site:
    """One of our locations described as a place: a warehouse or a stock location."""

    location: str
    place: Address = Address()


@dataclass(frozen=True, slots=True)
class StepRow:
    """One document that brought a lot in (a step back) or took it out (a step forward).

    ``kind``: receipt, delivery, return or manufacturing; ``partner`` is None for our
    own production.
    """

    kind: str
    partner: str | None
    document: str
    date: datetime
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class OneStep:
    """One step back and one step forward of a lot or serial (EU 178/2002)."""

    product: str
    lot: str
    back: tuple[StepRow, ...]
    forward: tuple[StepRow, ...]
