"""What the API answers: one model per resource, quantities as exact decimal strings.

Each model reads the facade's value of the same name (``from_attributes``), so
the API shows what the library returns, in JSON.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict

from lotline.api.types import QuantityOut, Timestamp


class View(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class SettingsView(View):
    lots_and_serials: bool
    expiration_dates: bool


class LocationView(View):
    id: int
    full_name: str
    name: str
    usage: str
    parent: str | None


class ProductView(View):
    id: int
    code: str
    name: str
    unit: str
    tracking: str
    gtin: str | None
    lot_prefix: str | None
    removal_strategy: str
    use_expiration_date: bool
    expiration_days: int
    use_days: int
    removal_days: int
    alert_days: int


class TrackingChange(View):
    product: ProductView
    warnings: list[str]


class NameView(View):
    name: str


class NamesView(View):
    names: list[str]


class LotView(View):
    id: int
    product: str
    name: str
    ref: str | None = None
    note: str | None = None
    created_at: Timestamp | None = None
    expiration_date: Timestamp | None = None
    use_date: Timestamp | None = None
    removal_date: Timestamp | None = None
    alert_date: Timestamp | None = None


class LotRowView(View):
    """A line of the Lots/Serial Numbers dashboard."""

    id: int
    product: str
    lot: str
    on_hand: QuantityOut
    locations: list[str]
    expiration_date: Timestamp | None
    created_at: Timestamp | None


class QuantView(View):
    product: str
    location: str
    lot: str | None
    quantity: QuantityOut
    reserved_quantity: QuantityOut
    in_date: Timestamp | None


class OnHandView(View):
    product: str
    location: str | None
    lot: str | None
    quantity: QuantityOut


class MoveLineView(View):
    id: int
    reference: str
    date: Timestamp
    product: str
    lot: str | None
    quantity: QuantityOut
    source: str
    destination: str
    operation: str
    user: str
    partner: str | None


class DocumentLineView(View):
    product: str
    quantity: QuantityOut
    done_quantity: QuantityOut
    lots: dict[str, QuantityOut]


class DocumentView(View):
    """A receipt, delivery, internal transfer or inventory adjustment."""

    id: int
    name: str
    kind: str
    state: str
    source: str
    destination: str
    partner: str | None
    origin: str | None
    reference: str | None
    created_at: Timestamp | None
    done_at: Timestamp | None
    backorder_of: str | None
    return_of: str | None
    lines: list[DocumentLineView]


class AdjustmentResult(View):
    """The adjustment made, or null when nothing had to change."""

    document: DocumentView | None


class CountView(View):
    product: str
    location: str
    lot: str | None
    counted: QuantityOut
    on_hand: QuantityOut
    difference: QuantityOut
    counted_at: Timestamp
    user: str
    outdated: bool
    on_hand_at_count: QuantityOut


class ClearedView(View):
    cleared: int


class BomLineView(View):
    product: str
    quantity: QuantityOut


class BomView(View):
    id: int
    product: str
    quantity: QuantityOut
    lines: list[BomLineView]
    sequence: int


class ComponentView(View):
    product: str
    quantity: QuantityOut
    reserved: QuantityOut
    lots: dict[str, QuantityOut]


class OrderView(View):
    """A manufacturing order."""

    id: int
    name: str
    kind: str = "manufacturing"
    state: str
    product: str
    quantity: QuantityOut
    lot: str | None
    bom: int | None
    source: str
    destination: str
    components: list[ComponentView]
    split_root: str | None
    split_index: int | None
    created_at: Timestamp | None
    done_at: Timestamp | None


class RecallRowView(View):
    product: str
    lot: str
    location: str | None
    partner: str | None
    document: str | None
    date: Timestamp | None
    quantity: QuantityOut


class TraceNodeView(View):
    """A lot in a genealogy; ``children`` stop at the requested depth."""

    product: str
    lot: str
    operation: str | None
    quantity: QuantityOut
    partner: str | None
    date: Timestamp | None
    current: list[RecallRowView]
    children: list[TraceNodeView]


class TracePage(View):
    """The traced lot, and one page of its direct links (each with its own subtree)."""

    lot: TraceNodeView
    items: list[TraceNodeView]
    next_cursor: str | None


class ScanView(View):
    raw: str
    gtin: str | None
    lot: str | None
    serial: str | None
    expiration_date: date | None
    best_before_date: date | None
    production_date: date | None
    quantity: QuantityOut | None
    is_gs1: bool
    product: str | None = None


class CheckDifferenceView(View):
    kind: str
    product: str
    location: str | None
    lot: str | None
    recorded: QuantityOut
    expected: QuantityOut


class CheckView(View):
    ok: bool
    move_lines: int
    quants: int
    differences: list[CheckDifferenceView]


class UserView(View):
    id: int
    name: str
    role: str
    created_at: Timestamp
    has_password: bool


class TokenView(View):
    id: int
    user: str
    label: str | None
    prefix: str
    created_at: Timestamp
    revoked_at: Timestamp | None


class NewToken(View):
    """The secret is shown here once; only its hash is kept."""

    id: int
    token: str


class JobView(View):
    id: int
    kind: str
    state: str
    done: int
    total: int
    status: int | None
    result: Any = None
    error: Any = None
    user: str
    created_at: Timestamp
    finished_at: Timestamp | None


class Health(View):
    status: str
    database: str
    version: str
