"""Stock, history, counts and inventory adjustments over HTTP."""

from __future__ import annotations

from tests.api.conftest import Api


def test_stock_lists_quants_with_filters_and_pages(stocked: Api) -> None:
    everything = stocked.ok("GET", "/stock")["items"]
    assert {(q["product"], q["lot"], q["quantity"]) for q in everything} == {
        ("CHAIR", "SN1", "1"),
        ("CHAIR", "SN2", "1"),
        ("CHAIR", "SN3", "1"),
        ("WOOD", "OAK-1", "40"),
    }
    first = stocked.ok("GET", "/stock", params={"product": "CHAIR", "limit": 2})
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = stocked.ok("GET", "/stock", params={"product": "CHAIR", "cursor": first["next_cursor"]})
    assert [q["lot"] for q in first["items"] + rest["items"]] == ["SN1", "SN2", "SN3"]
    assert rest["next_cursor"] is None
    only = stocked.ok("GET", "/stock", params={"lot": "OAK-1", "location": "WH/Stock"})["items"]
    assert [q["product"] for q in only] == ["WOOD"]


def test_on_hand_is_an_exact_decimal_string(stocked: Api) -> None:
    answer = stocked.ok("GET", "/stock/on-hand", params={"product": "WOOD", "location": "WH"})
    assert answer == {"product": "WOOD", "location": "WH", "lot": None, "quantity": "40"}
    stocked.ok(
        "POST",
        "/adjustments/quantity",
        {"product": "WOOD", "location": "WH/Stock", "quantity": 12.5, "lot": "OAK-1"},
    )
    assert stocked.ok("GET", "/stock/on-hand", params={"product": "WOOD"})["quantity"] == "12.5"


def test_update_quantity_makes_an_adjustment_and_revert_undoes_it(stocked: Api) -> None:
    made = stocked.ok(
        "POST",
        "/adjustments/quantity",
        {"product": "WOOD", "location": "WH/Stock", "quantity": "38", "lot": "OAK-1"},
    )["document"]
    assert made["kind"] == "adjustment" and made["state"] == "done"
    again = stocked.ok(
        "POST",
        "/adjustments/quantity",
        {"product": "WOOD", "location": "WH/Stock", "quantity": "38", "lot": "OAK-1"},
    )
    assert again == {"document": None}
    reverted = stocked.ok("POST", f"/adjustments/{made['id']}/revert")
    assert reverted["name"].endswith("[reverted]") or "revert" in (reverted["reference"] or "")
    assert stocked.ok("GET", "/stock/on-hand", params={"product": "WOOD"})["quantity"] == "40"
    assert stocked.post(f"/adjustments/{made['id'] + 1000}/revert").status_code == 404


def test_untracked_stock_is_listed_and_repaired_by_assigning_lots(api: Api) -> None:
    api.ok("PATCH", "/settings", {"lots_and_serials": True})
    glue = api.ok("POST", "/products", {"code": "GLUE", "name": "Glue"}, 201)
    api.ok(
        "POST", "/adjustments/quantity", {"product": "GLUE", "location": "WH/Stock", "quantity": 30}
    )
    api.ok("PUT", f"/products/{glue['id']}/tracking", {"tracking": "lot"})
    untracked = api.ok("GET", "/stock/untracked")["items"]
    assert [(q["product"], q["quantity"]) for q in untracked] == [("GLUE", "30")]
    fixed = api.ok(
        "POST",
        "/adjustments/assign-lots",
        {"product": "GLUE", "location": "WH/Stock", "lots": {"GL-01": 20, "GL-02": "10"}},
    )
    assert fixed["kind"] == "adjustment"
    assert api.ok("GET", "/stock/untracked")["items"] == []


def test_counts_are_recorded_listed_applied_and_cleared(stocked: Api) -> None:
    count = stocked.ok(
        "POST",
        "/counts",
        {"product": "WOOD", "location": "WH/Stock", "quantity": "35", "lot": "OAK-1"},
        201,
    )
    assert (count["counted"], count["on_hand"], count["difference"]) == ("35", "40", "-5")
    assert len(stocked.ok("GET", "/counts")["items"]) == 1
    applied = stocked.ok("POST", "/counts/apply", {"force": False})["document"]
    assert applied["kind"] == "adjustment"
    assert stocked.ok("GET", "/stock/on-hand", params={"product": "WOOD"})["quantity"] == "35"
    stocked.ok(
        "POST",
        "/counts",
        {"product": "CHAIR", "location": "WH/Stock", "quantity": 0, "lot": "SN1"},
        201,
    )
    assert stocked.ok("DELETE", "/counts", params={"product": "CHAIR"}) == {"cleared": 1}
    assert stocked.ok("GET", "/counts")["items"] == []


def test_history_lists_the_done_moves_of_a_product(stocked: Api) -> None:
    moves = stocked.ok("GET", "/history", params={"product": "WOOD"})["items"]
    assert [(m["lot"], m["quantity"], m["partner"], m["user"]) for m in moves] == [
        ("OAK-1", "40", "Oak & Co", "admin")
    ]
    unknown = stocked.get("/history", params={"product": "WOOD", "lot": "NOPE"})
    assert unknown.status_code == 404 and unknown.json()["code"] == "unknown_lot"
