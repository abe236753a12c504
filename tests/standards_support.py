"""The official EPCIS 2.0 schema and examples, read from ../shared/standards beside the clone.

They are GS1's files, kept unmodified outside the project; a test that needs them is
skipped with a message saying where they are looked for when they are absent.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator, FormatChecker

ROOT = Path(__file__).resolve().parents[1]
STANDARDS = ROOT.parent / "shared" / "standards"
SCHEMA = STANDARDS / "EPCIS-JSON-Schema.json"
EXAMPLES = STANDARDS / "epcis-examples"

# CBV 2.0 (GS1 Core Business Vocabulary), sections 7.1 and 7.2: the closed lists
CBV_BIZ_STEPS = frozenset(
    [
        "accepting",
        "arriving",
        "assembling",
        "collecting",
        "commissioning",
        "consigning",
        "creating_class_instance",
        "cycle_counting",
        "decommissioning",
        "departing",
        "destroying",
        "disassembling",
        "dispensing",
        "encoding",
        "entering_exiting",
        "holding",
        "inspecting",
        "installing",
        "killing",
        "loading",
        "other",
        "packing",
        "picking",
        "receiving",
        "removing",
        "repackaging",
        "repairing",
        "replacing",
        "reserving",
        "retail_selling",
        "sampling",
        "sensor_reporting",
        "shipping",
        "staging_outbound",
        "stock_taking",
        "stocking",
        "storing",
        "transporting",
        "unloading",
        "unpacking",
        "void_shipping",
    ]
)
CBV_DISPOSITIONS = frozenset(
    [
        "active",
        "available",
        "completeness_inferred",
        "completeness_verified",
        "conformant",
        "container_closed",
        "container_open",
        "damaged",
        "destroyed",
        "dispensed",
        "disposed",
        "encoded",
        "expired",
        "in_progress",
        "in_transit",
        "inactive",
        "mismatch_class",
        "mismatch_instance",
        "mismatch_quantity",
        "needs_replacement",
        "no_pedigree_match",
        "non_conformant",
        "non_sellable_other",
        "partially_dispensed",
        "recalled",
        "reserved",
        "retail_sold",
        "returned",
        "sellable_accessible",
        "sellable_not_accessible",
        "stolen",
        "unavailable",
        "unknown",
    ]
)


@cache
def _validator() -> Draft7Validator | None:
    if not SCHEMA.exists():
        return None
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return Draft7Validator(schema, format_checker=FormatChecker())


def epcis_validator() -> Draft7Validator:
    """The official schema with format checking, or a skip saying where it is looked for."""
    validator = _validator()
    if validator is None:
        pytest.skip(
            f"The official EPCIS 2.0 schema is not at {SCHEMA} (shared/standards beside "
            "the clone); EPCIS validation tests need it."
        )
    return validator


def schema_problems(document: Any) -> list[str]:
    """Every schema error of a document (as JSON text reads back), and every bizStep or
    disposition outside CBV 2.0's closed lists."""
    problems = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message[:200]}"
        for error in epcis_validator().iter_errors(document)
    ]
    for number, event in enumerate(document["epcisBody"]["eventList"]):
        if event.get("bizStep", "commissioning") not in CBV_BIZ_STEPS:
            problems.append(f"event {number}: bizStep {event['bizStep']!r} is not CBV 2.0")
        if event.get("disposition", "active") not in CBV_DISPOSITIONS:
            problems.append(f"event {number}: disposition {event['disposition']!r} is not CBV 2.0")
    return problems


def food_chain(app: Any) -> dict[str, str]:
    """A supplier's lettuce received, made into salad, shipped to a store, plus a counted
    lot of kits and a wrong count reverted. Returns the documents' and lots' names."""
    app.settings.update(expiration_dates=True)
    app.partners.create(
        "Green Farms",
        gln="0614141000029",
        address="1 Field Rd",
        city="Salinas",
        state="CA",
        postal_code="93901",
        country="US",
        phone="+1 831 555 0100",
    )
    app.partners.create("Fresh Mart", gln="0614141000036", city="Boston", state="MA")
    app.partners.describe_site(
        "WH",
        gln="0614141000012",
        address="5 Depot St",
        city="Springfield",
        state="IL",
        postal_code="62701",
        country="US",
        phone="+1 217 555 0199",
    )
    app.products.create(
        "LETTUCE",
        "Romaine lettuce",
        "lot",
        unit="kg",
        gtin="00614141777778",
        use_expiration_date=True,
        expiration_days=10,
    )
    app.products.create("SALAD", "Salad bowl", "lot", gtin="09506000134352", lot_prefix="SB-")
    app.products.create("KIT", "Test kit", "serial", gtin="80614141123458")
    app.manufacturing.bom("SALAD", {"LETTUCE": "0.25"})
    receipt = app.transfers.validate(
        app.transfers.receipt(
            [{"product": "LETTUCE", "quantity": 30, "lots": {"LT-1": 20, "LT/2": 10}}],
            partner="Green Farms",
            origin="PO-77",
        )
    )
    mo = app.manufacturing.confirm(app.manufacturing.order("SALAD", 40))
    app.manufacturing.set_component_lots(mo, "LETTUCE", {"LT-1": 6, "LT/2": 4})
    mo = app.manufacturing.produce_all(mo)
    delivery = app.transfers.validate(
        app.transfers.delivery(
            [{"product": "SALAD", "quantity": 25, "lots": {mo.lot: 25}}],
            partner="Fresh Mart",
            origin="SO-9",
        )
    )
    kits = app.adjustments.set_quantity("KIT", "WH/Stock", 1, lot="K-001")
    wrong = app.adjustments.set_quantity("KIT", "WH/Stock", 1, lot="K-002")
    revert = app.adjustments.revert(wrong)
    return {
        "receipt": receipt.name,
        "mo": mo.name,
        "salad": mo.lot,
        "delivery": delivery.name,
        "kits": kits.name,
        "wrong": wrong.name,
        "revert": revert.name,
    }
