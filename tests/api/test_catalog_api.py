"""Settings, products, locations, numbering and scanning over HTTP."""

from __future__ import annotations

from tests.api.conftest import Api


def test_settings_are_read_by_a_viewer_and_changed_by_an_admin(api: Api) -> None:
    assert api.ok("GET", "/settings", role="viewer")["expiration_dates"] is False
    changed = api.ok("PATCH", "/settings", {"expiration_dates": True})
    assert changed == {"lots_and_serials": True, "expiration_dates": True}
    refused = api.call("PATCH", "/settings", json={"lots_and_serials": False, "bogus": 1})
    assert refused.status_code == 422


def test_a_product_is_created_listed_read_by_id_and_patched(api: Api) -> None:
    api.ok("PATCH", "/settings", {"lots_and_serials": True})
    made = api.ok("POST", "/products", {"code": "MILK", "name": "Milk", "tracking": "lot"}, 201)
    assert made["code"] == "MILK" and made["tracking"] == "lot"
    assert api.ok("GET", f"/products/{made['id']}") == made
    patched = api.ok("PATCH", f"/products/{made['id']}", {"lot_prefix": "MK", "expiration_days": 3})
    assert (patched["lot_prefix"], patched["expiration_days"]) == ("MK", 3)
    listed = api.ok("GET", "/products", params={"code": "MILK"})
    assert [p["id"] for p in listed["items"]] == [made["id"]]
    assert api.ok("GET", "/products", params={"code": "NONE"})["items"] == []
    assert api.ok("GET", f"/products/{made['id']}/next-serial") == {"name": "MK0000001"}


def test_changing_tracking_answers_the_product_and_the_warnings(api: Api) -> None:
    api.ok("PATCH", "/settings", {"lots_and_serials": True})
    glue = api.ok("POST", "/products", {"code": "GLUE", "name": "Glue"}, 201)
    api.ok(
        "POST", "/adjustments/quantity", {"product": "GLUE", "location": "WH/Stock", "quantity": 30}
    )
    changed = api.ok("PUT", f"/products/{glue['id']}/tracking", {"tracking": "lot"})
    assert changed["product"]["tracking"] == "lot"
    assert any("no lot/serial number" in warning for warning in changed["warnings"])


def test_locations_are_listed_by_usage_and_created(api: Api) -> None:
    made = api.ok("POST", "/locations", {"full_name": "WH/Stock/Shelf 1"}, 201)
    assert (made["parent"], made["usage"]) == ("WH/Stock", "internal")
    internal = api.ok("GET", "/locations", params={"usage": "internal"})["items"]
    assert "WH/Stock/Shelf 1" in [loc["full_name"] for loc in internal]
    assert api.post("/locations", {"full_name": "WH/Stock/Shelf 1"}).status_code == 409


def test_a_series_of_names_is_numbered_from_the_first(api: Api) -> None:
    named = api.ok("POST", "/numbering/series", {"first": "SN0009", "count": 3})
    assert named == {"names": ["SN0009", "SN0010", "SN0011"]}


def test_a_gs1_scan_is_read_and_names_the_product_of_its_gtin(api: Api) -> None:
    api.ok("PATCH", "/settings", {"lots_and_serials": True})
    api.ok(
        "POST",
        "/products",
        {"code": "PILL", "name": "Pills", "tracking": "lot", "gtin": "09506000134352"},
        201,
    )
    scan = api.ok("POST", "/barcodes/parse", {"data": "(01)09506000134352(17)250228(10)LOT-7"})
    assert scan["gtin"] == "09506000134352" and scan["lot"] == "LOT-7"
    assert scan["expiration_date"] == "2025-02-28" and scan["product"] == "PILL"
    typed = api.ok("POST", "/barcodes/parse", {"data": "SN0001"})
    assert typed["is_gs1"] is False and typed["product"] is None
