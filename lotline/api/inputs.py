"""What the API accepts: strict models (no extra keys, no coercion; ``false`` is no quantity).

Products, locations and lots are named by natural key, as the facade takes them.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from lotline.api.types import QuantityIn, Text

LotsIn = dict[Text, QuantityIn] | list[Text]


class Body(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    def given(self) -> dict[str, Any]:
        """The fields the client sent, as the facade takes them."""
        return self.model_dump(exclude_unset=True)


class SettingsPatch(Body):
    lots_and_serials: bool | None = None
    expiration_dates: bool | None = None


class ProductOptions(Body):
    lot_prefix: Text | None = None
    removal_strategy: Literal["fifo", "fefo", "lifo"] | None = None
    use_expiration_date: bool | None = None
    expiration_days: int | None = Field(default=None, ge=0, le=100000)
    use_days: int | None = Field(default=None, ge=0, le=100000)
    removal_days: int | None = Field(default=None, ge=0, le=100000)
    alert_days: int | None = Field(default=None, ge=0, le=100000)


class ProductNew(ProductOptions):
    code: Text
    name: Text
    tracking: Literal["none", "lot", "serial"] = "none"
    unit: Text = "Units"
    gtin: Text | None = None


class TrackingPut(Body):
    tracking: Literal["none", "lot", "serial"]


class LocationNew(Body):
    full_name: Text
    usage: Literal[
        "view", "internal", "supplier", "customer", "production", "inventory", "scrap", "transit"
    ] = "internal"


class LotNew(Body):
    product: Text
    name: Text
    ref: Text | None = None
    note: Text | None = None
    expiration_date: datetime | None = None
    use_date: datetime | None = None
    removal_date: datetime | None = None
    alert_date: datetime | None = None


class SeriesNew(Body):
    first: Text
    count: int = Field(ge=1, le=100000)


class BarcodeIn(Body):
    data: Text


class LineIn(Body):
    """A demanded product and, optionally, its lots/serials in one of several ways."""

    product: Text
    quantity: QuantityIn | None = None
    lots: LotsIn | None = None
    first: Text | None = None
    count: int | None = Field(default=None, ge=1, le=1000000)
    serials_text: Text | None = None
    assign_serials: bool | None = None
    scans: list[Text] | None = None


class TransferNew(Body):
    kind: Literal["receipt", "delivery", "internal"]
    lines: list[LineIn] = Field(min_length=1)
    partner: Text | None = None
    source: Text | None = None
    destination: Text | None = None
    origin: Text | None = None


class ValidateIn(Body):
    backorder: bool = True


class ReturnIn(Body):
    lines: list[LineIn] | None = None


class QuantityAdjustment(Body):
    product: Text
    location: Text
    quantity: QuantityIn
    lot: Text | None = None
    reason: Text | None = None


class AssignLots(Body):
    product: Text
    location: Text
    lots: LotsIn | None = None
    first: Text | None = None
    count: int | None = Field(default=None, ge=1, le=1000000)
    reason: Text | None = None


class CountNew(Body):
    product: Text
    location: Text
    quantity: QuantityIn
    lot: Text | None = None


class ApplyCounts(Body):
    force: bool = False
    reason: Text | None = None


class BomNew(Body):
    product: Text
    components: dict[Text, QuantityIn] = Field(min_length=1)
    quantity: QuantityIn = Decimal(1)


class OrderNew(Body):
    product: Text
    quantity: QuantityIn
    bom: int | None = Field(default=None, ge=1, le=2**31 - 1)


class ProduceIn(Body):
    quantity: QuantityIn


class BatchProduce(Body):
    first: Text | None = None
    count: int | None = Field(default=None, ge=1, le=1000000)
    names: list[Text] | None = None
    text: Text | None = None
    complete: bool = True


class ComponentLots(Body):
    component: Text
    lots: LotsIn


class OrderLot(Body):
    """``{"generate": true}`` for the next available lot/serial, or ``{"name": ...}``."""

    generate: bool | None = None
    name: Text | None = None


class UserNew(Body):
    name: Text
    role: Literal["viewer", "operator", "manager", "admin"]
    password: Text | None = None


class UserPatch(Body):
    role: Literal["viewer", "operator", "manager", "admin"]


class TokenNew(Body):
    user: Text
    label: Text | None = None
