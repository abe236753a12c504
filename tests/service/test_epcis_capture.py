"""EPCIS capture: a supplier's shipping events become our draft receipt."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest

import lotline
from lotline.app import Lotline
from lotline.errors import InvalidEpcis
from lotline.services.epcis import to_json
from tests.standards_support import EXAMPLES, schema_problems


def _our_catalog(app: Lotline) -> None:
    app.settings.update(expiration_dates=True)
    app.partners.create("Green Farms", gln="0614141000029")
    app.products.create("LETTUCE", "Romaine", "lot", unit="kg", gtin="00614141777778")
    app.products.create("KIT", "Test kit", "serial", gtin="80614141123458")


def _shipment(tmp_path: Any) -> str:
    """The supplier's own lotline ships lettuce lots and kits to us: its EPCIS export."""
    with lotline.open(f"sqlite:///{tmp_path}/supplier.db") as supplier:
        supplier.settings.update(expiration_dates=True)
        supplier.partners.describe_site("WH", gln="0614141000029")
        supplier.partners.create("Us", gln="0614141000012")
        supplier.products.create(
            "ROM", "Romaine", "lot", unit="kg", gtin="00614141777778", use_expiration_date=True
        )
        supplier.products.create("K", "Kit", "serial", gtin="80614141123458")
        supplier.lots.create("ROM", "LT/9", expiration_date=datetime(2027, 1, 15))
        supplier.adjustments.set_quantity("ROM", "WH/Stock", 50, lot="LT/9")
        supplier.adjustments.set_quantity("K", "WH/Stock", 1, lot="K-1")
        supplier.adjustments.set_quantity("K", "WH/Stock", 1, lot="K-2")
        delivery = supplier.transfers.validate(
            supplier.transfers.delivery(
                [
                    {"product": "ROM", "quantity": 20, "lots": {"LT/9": 20}},
                    {"product": "K", "quantity": 2, "lots": ["K-1", "K-2"]},
                ],
                partner="Us",
                origin="PO-123",
            )
        )
        document = supplier.exports.epcis(identifiers="epc", company_prefix_length=7)
        events = document["epcisBody"]["eventList"]
        # the lettuce lot's commissioning (with its expiry as ILMD), the kits', the shipment
        assert [e.get("bizStep") for e in events] == ["commissioning"] * 3 + ["shipping"]
        assert events[0]["ilmd"] == {
            "cbvmda:itemExpirationDate": "2027-01-15",
            "cbvmda:bestBeforeDate": "2027-01-15",
        }
        assert delivery.name in events[3]["bizTransactionList"][0]["bizTransaction"].replace(
            "%2F", "/"
        )
        events[3]["sourceList"] = [
            {"type": "owning_party", "source": "urn:epc:id:pgln:0614141.00002"}
        ]
        assert schema_problems(json.loads(to_json(document))) == []
        return to_json(document)


def test_a_shipping_notice_becomes_the_draft_receipt_ready_to_validate(
    app: Lotline, tmp_path: Any
) -> None:
    _our_catalog(app)
    receipt = app.imports.epcis(_shipment(tmp_path))
    assert (receipt.kind, receipt.state, receipt.partner, receipt.origin) == (
        "receipt",
        "ready",
        "Green Farms",
        "PO-123",
    )
    assert [(ln.product, ln.quantity, ln.lots) for ln in receipt.lines] == [
        ("KIT", Decimal(2), {"K-1": Decimal(1), "K-2": Decimal(1)}),
        ("LETTUCE", Decimal(20), {"LT/9": Decimal(20)}),
    ]
    assert app.lots.get("LETTUCE", "LT/9").expiration_date == datetime(2027, 1, 15)
    app.transfers.validate(receipt)
    assert app.stock.on_hand("LETTUCE") == 20 and app.stock.on_hand("KIT") == 2


def test_what_cannot_be_mapped_is_reported_at_once_and_nothing_is_created(
    app: Lotline,
) -> None:
    _our_catalog(app)
    example = json.loads((EXAMPLES / "Example_9.6.1-ObjectEvent.jsonld").read_text())
    with pytest.raises(InvalidEpcis) as caught:
        app.imports.epcis(example)
    assert caught.value.problems == [
        "event 2 (ObjectEvent OBSERVE receiving) is not a shipping ObjectEvent OBSERVE, nor "
        "the commissioning of what is shipped.",
        "event 1: GTIN 10614141073464 is not the GTIN of any of our products.",
    ]
    assert app.transfers.list() == [] and app.lots.find("LETTUCE") == []


def test_a_lot_without_a_lot_a_wrong_unit_and_an_unknown_shipper_are_refused(
    app: Lotline,
) -> None:
    _our_catalog(app)
    event = {
        "type": "ObjectEvent",
        "action": "OBSERVE",
        "bizStep": "shipping",
        "eventTime": "2026-01-01T00:00:00Z",
        "eventTimeZoneOffset": "+00:00",
        "epcList": ["https://id.gs1.org/01/00614141777778"],
        "quantityList": [
            {"epcClass": "urn:epc:class:lgtin:0614141.077777.L1", "quantity": 5, "uom": "LTR"}
        ],
        "sourceList": [{"type": "owning_party", "source": "https://id.gs1.org/417/4012345000009"}],
    }
    document = {"type": "EPCISDocument", "epcisBody": {"eventList": [event]}}
    with pytest.raises(InvalidEpcis) as caught:
        app.imports.epcis(document)
    assert caught.value.problems == [
        "event 1: GTIN 00614141777778 (LETTUCE) is tracked by lot, but no lot is given.",
        "event 1: GTIN 00614141777778 (LETTUCE) is counted in LTR, but we keep it in kg.",
        "No partner has the GLN 4012345000009 of the shipper; add it first.",
    ]
    with pytest.raises(InvalidEpcis, match="not an EPCISDocument"):
        app.imports.epcis("[]")
