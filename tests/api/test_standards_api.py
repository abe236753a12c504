"""/exports, /imports, /labels, /partners and a lot's identifiers through the API."""

from __future__ import annotations

import csv
import io
import json

import lotline
from tests.api.conftest import Api, lot_id
from tests.standards_support import food_chain, schema_problems


def _chain(api: Api) -> dict[str, str]:
    with lotline.open(api.url, user="setup") as app:
        return food_chain(app)


def test_epcis_export_is_a_valid_json_ld_document(api: Api) -> None:
    _chain(api)
    response = api.get("/exports/epcis", role="viewer", params={"from": "2000-01-01"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/ld+json")
    document = json.loads(response.text)
    assert schema_problems(document) == []
    assert len(document["epcisBody"]["eventList"]) == 6
    epc = api.get(
        "/exports/epcis", params={"identifiers": "epc", "company_prefix_length": 7, "lot": "LT-1"}
    )
    assert "urn:epc:class:lgtin:0614141.077777.LT-1" in epc.text
    assert api.get("/exports/epcis", params={"identifiers": "epc"}).status_code == 422


def test_fsma204_rows_as_json_csv_and_xlsx(api: Api) -> None:
    names = _chain(api)
    rows = api.ok("GET", "/exports/fsma204", params={"lot": "LT/2"})
    assert [(r["event"], r["traceability_lot_code"], r["quantity"]) for r in rows] == [
        ("Receiving", "LT/2", "10"),
        ("Transformation", names["salad"], "40"),
    ]
    assert rows[1]["input_quantity"] == "4"
    text = api.get("/exports/fsma204", params={"format": "csv"}).text
    assert len(list(csv.reader(io.StringIO(text)))) == 6
    xlsx = api.get("/exports/fsma204", params={"format": "xlsx"})
    assert xlsx.content.startswith(b"PK")


def test_an_epcis_shipping_notice_becomes_a_draft_receipt(api: Api) -> None:
    _chain(api)
    document = json.loads(api.get("/exports/epcis", params={"lot": "LT-1"}).text)
    [shipping] = [e for e in document["epcisBody"]["eventList"] if e.get("bizStep") == "receiving"]
    shipping["bizStep"] = "shipping"
    document["epcisBody"]["eventList"] = [shipping]
    assert api.post("/imports/epcis", document, role="viewer").status_code == 403
    receipt = api.ok("POST", "/imports/epcis", document, status=201)
    assert (receipt["kind"], receipt["state"], receipt["partner"]) == (
        "receipt",
        "ready",
        "Green Farms",
    )
    assert receipt["lines"][0]["lots"] == {"LT-1": "20", "LT/2": "10"}
    bad = api.post("/imports/epcis", {"type": "EPCISDocument", "epcisBody": {"eventList": []}})
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_epcis"


def test_labels_and_identifiers_of_a_lot(api: Api) -> None:
    _chain(api)
    pdf = api.get("/labels", role="viewer", params={"product": "LETTUCE", "lot": ["LT-1", "LT/2"]})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    zpl = api.get("/labels", params={"product": "LETTUCE", "lot": "LT-1", "format": "zpl"})
    assert zpl.text.startswith("^XA") and "_10100614141777778" in zpl.text
    lot = lot_id(api, "LETTUCE", "LT/2")
    assert api.ok("GET", f"/lots/{lot}/identifiers") == {
        "digital_link": "https://id.gs1.org/01/00614141777778/10/LT%2F2",
        "epc": None,
    }
    found = api.ok("GET", f"/lots/{lot}/identifiers", params={"company_prefix_length": 7})
    assert found["epc"] == "urn:epc:class:lgtin:0614141.077777.LT%2F2"
    steps = api.ok("GET", f"/lots/{lot}/one-step")
    assert [s["partner"] for s in steps["back"]] == ["Green Farms"]
    assert [s["kind"] for s in steps["forward"]] == ["manufacturing"]


def test_partners_are_listed_and_created_by_a_manager(api: Api) -> None:
    _chain(api)
    made = api.ok("POST", "/partners", {"name": "Depot", "gln": "0614141000043"}, status=201)
    assert made["place"]["gln"] == "0614141000043"
    assert api.post("/partners", {"name": "X"}, role="operator").status_code == 403
    wrong = api.post("/partners", {"name": "Y", "gln": "0614141000044"})
    assert wrong.status_code == 422 and wrong.json()["code"] == "invalid_identifier"
    names = [p["name"] for p in api.ok("GET", "/partners")]
    assert names == ["Depot", "Fresh Mart", "Green Farms"]
