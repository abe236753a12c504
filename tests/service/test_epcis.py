"""EPCIS 2.0 export of the ledger, validated against GS1's official schema."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from rich.console import Console

from lotline.app import Lotline
from lotline.demo import load_demo
from lotline.errors import InvalidInput
from lotline.services.epcis import counts, to_json
from tests.standards_support import EXAMPLES, epcis_validator, food_chain, schema_problems


def _as_read(document: dict[str, Any]) -> Any:
    return json.loads(to_json(document))


def _events(document: dict[str, Any]) -> list[dict[str, Any]]:
    return list(_as_read(document)["epcisBody"]["eventList"])


def test_the_validator_accepts_the_official_examples_and_refuses_a_broken_one() -> None:
    validator = epcis_validator()
    examples = sorted(EXAMPLES.glob("*.jsonld"))
    assert len(examples) == 13
    for path in examples:
        assert list(validator.iter_errors(json.loads(path.read_text()))) == [], path.name
    broken = json.loads((EXAMPLES / "Example_9.6.1-ObjectEvent.jsonld").read_text())
    broken["epcisBody"]["eventList"][0]["eventTime"] = "yesterday"
    assert list(validator.iter_errors(broken))
    wrong_step = json.loads((EXAMPLES / "Example_9.6.1-ObjectEvent.jsonld").read_text())
    wrong_step["epcisBody"]["eventList"][0]["bizStep"] = "urn:x:transforming"
    assert any("not CBV 2.0" in p for p in schema_problems(wrong_step))


def test_the_demo_exports_as_a_valid_epcis_document(app: Lotline) -> None:
    load_demo(app, Console(quiet=True))
    document = app.exports.epcis()
    assert schema_problems(_as_read(document)) == []
    assert counts(document) == {"ObjectEvent": 13, "TransformationEvent": 4}


@pytest.mark.parametrize("identifiers", ["digital_link", "epc"])
def test_a_workload_exports_as_a_valid_epcis_document(app: Lotline, identifiers: Any) -> None:
    food_chain(app)
    document = app.exports.epcis(identifiers=identifiers, company_prefix_length=7)
    assert schema_problems(_as_read(document)) == []
    assert counts(document) == {"ObjectEvent": 4, "TransformationEvent": 1, "errorDeclaration": 1}


def test_a_receipt_is_receiving_with_the_supplier_as_source(app: Lotline) -> None:
    names = food_chain(app)
    receiving = _events(app.exports.epcis())[0]
    assert receiving["action"] == "OBSERVE"
    assert (receiving["bizStep"], receiving["disposition"]) == ("receiving", "in_progress")
    assert receiving["quantityList"] == [
        {"epcClass": "https://id.gs1.org/01/00614141777778/10/LT-1", "quantity": 20, "uom": "KGM"},
        {
            "epcClass": "https://id.gs1.org/01/00614141777778/10/LT%2F2",
            "quantity": 10,
            "uom": "KGM",
        },
    ]
    assert receiving["sourceList"] == [
        {"type": "owning_party", "source": "https://id.gs1.org/417/0614141000029"},
        {"type": "location", "source": "https://id.gs1.org/414/0614141000029"},
    ]
    assert receiving["bizLocation"] == {"id": "https://id.gs1.org/414/0614141000012"}
    assert {t["type"]: t["bizTransaction"] for t in receiving["bizTransactionList"]} == {
        "recadv": "urn:lotline:document:" + names["receipt"].replace("/", "%2F"),
        "po": "urn:lotline:order:PO-77",
    }


def test_a_delivery_is_shipping_with_the_customer_as_destination(app: Lotline) -> None:
    food_chain(app)
    shipping = _events(app.exports.epcis(identifiers="epc", company_prefix_length=7))[2]
    assert (shipping["bizStep"], shipping["disposition"]) == ("shipping", "in_transit")
    assert shipping["quantityList"] == [
        {"epcClass": "urn:epc:class:lgtin:9506000.013435.SB-0000001", "quantity": 25}
    ]
    assert shipping["destinationList"][0] == {
        "type": "owning_party",
        "destination": "urn:epc:id:pgln:0614141.00003",
    }


def test_a_manufacturing_order_is_a_transformation_with_the_quantity_from_each_lot(
    app: Lotline,
) -> None:
    names = food_chain(app)
    transformation = _events(app.exports.epcis())[1]
    assert transformation["type"] == "TransformationEvent"
    assert transformation["inputQuantityList"] == [
        {"epcClass": "https://id.gs1.org/01/00614141777778/10/LT-1", "quantity": 6, "uom": "KGM"},
        {"epcClass": "https://id.gs1.org/01/00614141777778/10/LT%2F2", "quantity": 4, "uom": "KGM"},
    ]
    assert transformation["outputQuantityList"] == [
        {"epcClass": f"https://id.gs1.org/01/09506000134352/10/{names['salad']}", "quantity": 40}
    ]
    assert transformation["bizStep"] == "commissioning"


def test_output_lots_dates_go_in_the_ilmd(app: Lotline) -> None:
    app.settings.update(expiration_dates=True)
    app.products.create("A", "A", "lot", unit="kg")
    app.products.create("B", "B", "lot", use_expiration_date=True, expiration_days=5)
    app.manufacturing.bom("B", {"A": 1})
    app.adjustments.set_quantity("A", "WH/Stock", 3, lot="A1")
    mo = app.manufacturing.produce_all(app.manufacturing.confirm(app.manufacturing.order("B", 2)))
    lot = app.lots.get("B", mo.lot or "")
    [event] = [e for e in _events(app.exports.epcis()) if e["type"] == "TransformationEvent"]
    assert lot.expiration_date is not None and lot.use_date is not None
    assert event["ilmd"] == {
        "cbvmda:itemExpirationDate": lot.expiration_date.date().isoformat(),
        "cbvmda:bestBeforeDate": lot.use_date.date().isoformat(),
    }
    assert event["inputQuantityList"] == [
        {"epcClass": "urn:lotline:lot:A:A1", "quantity": 2, "uom": "KGM"}
    ]


def test_serials_go_in_the_epc_list(app: Lotline) -> None:
    app.products.create("S", "Serial", "serial", gtin="80614141123458")
    app.transfers.validate(
        app.transfers.receipt([{"product": "S", "quantity": 2, "lots": ["A1", "A/2"]}])
    )
    [event] = _events(app.exports.epcis(identifiers="epc", company_prefix_length=7))
    assert event["epcList"] == [
        "urn:epc:id:sgtin:0614141.812345.A1",
        "urn:epc:id:sgtin:0614141.812345.A%2F2",
    ]
    assert "quantityList" not in event and "sourceList" not in event


def test_a_reverted_adjustment_is_declared_in_error_not_rewritten(app: Lotline) -> None:
    names = food_chain(app)
    events = _events(app.exports.epcis())
    added = [e for e in events if e.get("action") == "ADD"]
    assert [e["epcList"] for e in added] == [
        ["https://id.gs1.org/01/80614141123458/21/K-001"],
        ["https://id.gs1.org/01/80614141123458/21/K-002"],
        ["https://id.gs1.org/01/80614141123458/21/K-002"],
    ]
    original, declared = added[1], added[2]
    assert "errorDeclaration" not in original
    assert declared["eventID"] == original["eventID"]
    assert {k: v for k, v in declared.items() if k != "errorDeclaration"} == original
    assert declared["errorDeclaration"]["reason"] == "incorrect_data"
    assert declared["errorDeclaration"]["declarationTime"] >= original["eventTime"]
    assert names["revert"] != names["wrong"]


def test_the_same_ledger_gives_byte_identical_events(app: Lotline) -> None:
    food_chain(app)
    first, second = app.exports.epcis(), app.exports.epcis()
    body = json.dumps(first["epcisBody"], default=str)
    assert body == json.dumps(second["epcisBody"], default=str)
    ids = [e["eventID"] for e in first["epcisBody"]["eventList"]]
    assert len(set(ids)) == len(ids) - 1  # the declaration repeats the erroneous event's ID


def test_an_export_for_a_period_a_product_or_a_lot_keeps_only_those_documents(
    app: Lotline,
) -> None:
    names = food_chain(app)
    by_lot = _events(app.exports.epcis(product="LETTUCE", lot="LT/2"))
    assert [e["type"] for e in by_lot] == ["ObjectEvent", "TransformationEvent"]
    assert len(_events(app.exports.epcis(lot=names["salad"]))) == 2
    receipt = app.transfers.get(names["receipt"])
    assert receipt.done_at is not None
    later = _events(app.exports.epcis(start=receipt.done_at + timedelta(microseconds=1)))
    assert "receiving" not in [e.get("bizStep") for e in later]
    assert _events(app.exports.epcis(end=receipt.done_at)) == []


def test_epc_uris_need_the_company_prefix_length(app: Lotline) -> None:
    with pytest.raises(InvalidInput, match="company prefix"):
        app.exports.epcis(identifiers="epc")
    with pytest.raises(InvalidInput, match="Digital Link or by EPC URI"):
        app.exports.epcis(identifiers="gs1")  # type: ignore[arg-type]
