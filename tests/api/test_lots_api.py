"""Lots: the dashboard, one lot, where it is, its history, genealogy and recall."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.api.conftest import Api, lot_id


def test_the_lots_dashboard_filters_and_names_each_lot_by_id(stocked: Api) -> None:
    rows = stocked.ok("GET", "/lots", params={"product": "CHAIR"})["items"]
    assert [(r["lot"], r["on_hand"], r["locations"]) for r in rows] == [
        ("SN1", "1", ["WH/Stock"]),
        ("SN2", "1", ["WH/Stock"]),
        ("SN3", "1", ["WH/Stock"]),
    ]
    one = stocked.ok("GET", f"/lots/{rows[1]['id']}")
    assert (one["product"], one["name"]) == ("CHAIR", "SN2")
    assert stocked.ok("GET", "/lots", params={"in_stock": False})["items"] == []
    assert len(stocked.ok("GET", "/lots", params={"location": "WH/Stock"})["items"]) == 4
    assert len(stocked.ok("GET", "/lots", params={"expired": False})["items"]) == 4


def test_a_lot_is_created_before_any_stock(stocked: Api) -> None:
    made = stocked.call(
        "POST", "/lots", role="operator", json={"product": "WOOD", "name": "OAK-9", "note": "late"}
    )
    assert made.status_code == 201 and made.json()["note"] == "late"
    row = stocked.ok("GET", "/lots", params={"name": "OAK-9"})["items"][0]
    assert row["on_hand"] == "0" and row["id"] == made.json()["id"]
    assert stocked.post("/lots", {"product": "WOOD", "name": "OAK-9"}).status_code == 409


def test_where_a_lot_is_and_its_history(stocked: Api) -> None:
    oak = lot_id(stocked, "WOOD", "OAK-1")
    places = stocked.ok("GET", f"/lots/{oak}/locations")["items"]
    assert [(q["location"], q["quantity"]) for q in places] == [("WH/Stock", "40")]
    history = stocked.ok("GET", f"/lots/{oak}/history")["items"]
    assert [(m["source"], m["destination"], m["quantity"]) for m in history] == [
        ("Partners/Vendors", "WH/Stock", "40")
    ]


def _made_stools(api: Api) -> None:
    """Three serial STOOLs made from OAK-1, two delivered to a customer."""
    api.ok("POST", "/products", {"code": "STOOL", "name": "Stool", "tracking": "serial"}, 201)
    api.ok("POST", "/boms", {"product": "STOOL", "components": {"WOOD": 2}}, 201)
    order = api.ok("POST", "/manufacturing-orders", {"product": "STOOL", "quantity": 3}, 201)
    api.ok("POST", f"/manufacturing-orders/{order['id']}/confirm")
    api.ok("POST", f"/manufacturing-orders/{order['id']}/batch-produce", {"first": "ST1"})
    delivery = api.ok(
        "POST",
        "/transfers",
        {
            "kind": "delivery",
            "partner": "Cafe",
            "lines": [{"product": "STOOL", "lots": ["ST1", "ST2"]}],
        },
        201,
    )
    api.ok("POST", f"/transfers/{delivery['id']}/reserve")
    api.ok("POST", f"/transfers/{delivery['id']}/validate")


def test_downstream_pages_what_was_made_and_upstream_shows_the_components(stocked: Api) -> None:
    _made_stools(stocked)
    oak = lot_id(stocked, "WOOD", "OAK-1")
    first = stocked.ok("GET", f"/lots/{oak}/downstream", params={"limit": 2})
    assert first["lot"]["lot"] == "OAK-1" and first["lot"]["partner"] == "Oak & Co"
    assert [n["lot"] for n in first["items"]] == ["ST1", "ST2"]
    rest = stocked.ok("GET", f"/lots/{oak}/downstream", params={"cursor": first["next_cursor"]})
    assert [n["lot"] for n in rest["items"]] == ["ST3"] and rest["next_cursor"] is None
    stool = lot_id(stocked, "STOOL", "ST1")
    up = stocked.ok("GET", f"/lots/{stool}/upstream", params={"depth": 1})
    assert [(n["product"], n["lot"], n["quantity"]) for n in up["items"]] == [
        ("WOOD", "OAK-1", "2")
    ]
    assert up["items"][0]["children"] == []
    assert up["lot"]["current"][0]["partner"] == "Cafe"


def test_a_recall_answers_json_csv_and_xlsx(stocked: Api) -> None:
    _made_stools(stocked)
    oak = lot_id(stocked, "WOOD", "OAK-1")
    rows = stocked.ok("GET", f"/lots/{oak}/recall")["items"]
    assert {(r["lot"], r["partner"]) for r in rows if r["partner"]} == {
        ("ST1", "Cafe"),
        ("ST2", "Cafe"),
    }
    csv = stocked.get(f"/lots/{oak}/recall", params={"format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    assert "ST1" in csv.text and "Cafe" in csv.text
    xlsx = stocked.get(f"/lots/{oak}/recall", params={"format": "xlsx"})
    assert xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None and sheet.max_row == len(rows) + 1


def test_a_page_of_a_thousand_lots_names_each_by_id(api: Api) -> None:
    api.ok("PATCH", "/settings", {"lots_and_serials": True})
    api.ok("POST", "/products", {"code": "PIN", "name": "Pin", "tracking": "serial"}, 201)
    receipt = api.ok(
        "POST",
        "/transfers",
        {"kind": "receipt", "lines": [{"product": "PIN", "first": "P0001", "count": 1001}]},
        201,
    )
    api.ok("POST", f"/transfers/{receipt['id']}/validate")
    first = api.ok("GET", "/lots", params={"product": "PIN", "limit": 1000})
    rest = api.ok("GET", "/lots", params={"product": "PIN", "cursor": first["next_cursor"]})
    rows = first["items"] + rest["items"]
    assert len(rows) == 1001 and len({r["id"] for r in rows}) == 1001
    assert rest["items"][0]["lot"] == "P1001"
