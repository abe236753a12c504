"""Receipts, deliveries, internal transfers, backorders and returns over HTTP."""

from __future__ import annotations

from tests.api.conftest import Api


def test_a_receipt_with_serials_is_created_ready_and_validated_by_the_caller(api: Api) -> None:
    api.ok("PATCH", "/settings", {"lots_and_serials": True})
    api.ok("POST", "/products", {"code": "CHAIR", "name": "Chair", "tracking": "serial"}, 201)
    receipt = api.call(
        "POST",
        "/transfers",
        role="operator",
        json={
            "kind": "receipt",
            "partner": "ACME",
            "lines": [{"product": "CHAIR", "first": "CH0001", "count": 3}],
        },
    )
    assert receipt.status_code == 201, receipt.text
    made = receipt.json()
    assert (made["kind"], made["state"], made["destination"]) == ("receipt", "ready", "WH/Stock")
    assert made["lines"] == [
        {
            "product": "CHAIR",
            "quantity": "3",
            "done_quantity": "3",
            "lots": {"CH0001": "1", "CH0002": "1", "CH0003": "1"},
        }
    ]
    done = api.call("POST", f"/transfers/{made['id']}/validate", role="operator").json()
    assert done["state"] == "done" and done["done_at"]
    history = api.ok("GET", "/history", params={"product": "CHAIR"})["items"]
    assert {m["user"] for m in history} == {"operator"}
    assert api.ok("GET", f"/transfers/{made['id']}")["state"] == "done"


def test_a_delivery_is_reserved_validated_in_part_and_leaves_a_backorder(stocked: Api) -> None:
    delivery = stocked.ok(
        "POST",
        "/transfers",
        {"kind": "delivery", "partner": "Shop", "lines": [{"product": "WOOD", "quantity": "15.5"}]},
        201,
    )
    assert delivery["state"] == "draft"
    reserved = stocked.ok("POST", f"/transfers/{delivery['id']}/reserve")
    assert reserved["state"] == "ready"
    assert reserved["lines"][0]["lots"] == {"OAK-1": "15.5"}
    done = stocked.ok("POST", f"/transfers/{delivery['id']}/validate", {"backorder": True})
    assert done["state"] == "done"
    assert stocked.ok("GET", f"/transfers/{delivery['id']}/backorders")["items"] == []
    assert stocked.ok("GET", "/stock/on-hand", params={"product": "WOOD"})["quantity"] == "24.5"
    listed = stocked.ok("GET", "/transfers", params={"kind": "delivery", "partner": "Shop"})
    assert [t["id"] for t in listed["items"]] == [delivery["id"]]
    assert stocked.ok("GET", "/transfers", params={"partner": "Nobody"})["items"] == []


def test_a_short_delivery_validated_with_backorder_splits_the_rest(stocked: Api) -> None:
    delivery = stocked.ok(
        "POST",
        "/transfers",
        {"kind": "delivery", "lines": [{"product": "CHAIR", "quantity": 5}]},
        201,
    )
    reserved = stocked.ok("POST", f"/transfers/{delivery['id']}/reserve")
    assert reserved["state"] == "confirmed"
    stocked.ok("POST", f"/transfers/{delivery['id']}/validate")
    backorders = stocked.ok("GET", f"/transfers/{delivery['id']}/backorders")["items"]
    assert len(backorders) == 1 and backorders[0]["backorder_of"] == delivery["name"]


def test_an_internal_transfer_moves_stock_between_locations_and_can_be_cancelled(
    stocked: Api,
) -> None:
    stocked.ok("POST", "/locations", {"full_name": "WH/Stock/Shelf 1"}, 201)
    move = stocked.ok(
        "POST",
        "/transfers",
        {
            "kind": "internal",
            "source": "WH/Stock",
            "destination": "WH/Stock/Shelf 1",
            "lines": [{"product": "CHAIR", "lots": ["SN2"]}],
        },
        201,
    )
    stocked.ok("POST", f"/transfers/{move['id']}/reserve")
    stocked.ok("POST", f"/transfers/{move['id']}/validate")
    shelf = stocked.ok("GET", "/stock", params={"location": "WH/Stock/Shelf 1"})["items"]
    assert [q["lot"] for q in shelf] == ["SN2"]
    other = stocked.ok(
        "POST",
        "/transfers",
        {
            "kind": "internal",
            "source": "WH/Stock",
            "destination": "WH/Stock/Shelf 1",
            "lines": [{"product": "WOOD", "quantity": 1}],
        },
        201,
    )
    assert stocked.ok("POST", f"/transfers/{other['id']}/cancel")["state"] == "cancelled"
    again = stocked.post(f"/transfers/{other['id']}/cancel")
    assert again.status_code == 409 and again.json()["code"] == "invalid_state"


def test_a_return_reverses_a_done_delivery_with_the_same_serials(stocked: Api) -> None:
    delivery = stocked.ok(
        "POST",
        "/transfers",
        {"kind": "delivery", "lines": [{"product": "CHAIR", "lots": ["SN3"]}]},
        201,
    )
    stocked.ok("POST", f"/transfers/{delivery['id']}/reserve")
    stocked.ok("POST", f"/transfers/{delivery['id']}/validate")
    back = stocked.ok("POST", f"/transfers/{delivery['id']}/return", {}, 201)
    assert back["kind"] == "receipt" and back["return_of"] == delivery["name"]
    assert back["lines"][0]["lots"] == {"SN3": "1"}


def test_a_transfer_body_is_checked_before_anything_is_written(stocked: Api) -> None:
    internal = stocked.post("/transfers", {"kind": "internal", "lines": [{"product": "WOOD"}]})
    assert internal.status_code == 422
    with_source = stocked.post(
        "/transfers",
        {"kind": "receipt", "source": "WH", "lines": [{"product": "WOOD", "quantity": 1}]},
    )
    assert with_source.status_code == 422
    empty = stocked.post("/transfers", {"kind": "receipt", "lines": []})
    assert empty.status_code == 422
    assert len(stocked.ok("GET", "/transfers")["items"]) == 1
