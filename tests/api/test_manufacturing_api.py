"""Bills of materials and manufacturing orders over HTTP."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api


@pytest.fixture
def shop(stocked: Api) -> Api:
    """STOOL (serial) = 2 WOOD; TABLE (lot) = 4 WOOD."""
    stocked.ok("POST", "/products", {"code": "STOOL", "name": "Stool", "tracking": "serial"}, 201)
    stocked.ok("POST", "/products", {"code": "TABLE", "name": "Table", "tracking": "lot"}, 201)
    stocked.ok("POST", "/boms", {"product": "STOOL", "components": {"WOOD": "2"}}, 201)
    stocked.ok("POST", "/boms", {"product": "TABLE", "components": {"WOOD": 4}, "quantity": 1}, 201)
    return stocked


def order(api: Api, product: str, quantity: object) -> dict[str, object]:
    made = api.call(
        "POST",
        "/manufacturing-orders",
        role="operator",
        json={"product": product, "quantity": quantity},
    )
    assert made.status_code == 201, made.text
    return dict(made.json())


def test_boms_are_listed_by_product(shop: Api) -> None:
    boms = shop.ok("GET", "/boms")["items"]
    assert [(b["product"], b["lines"][0]["quantity"]) for b in boms] == [
        ("STOOL", "2"),
        ("TABLE", "4"),
    ]
    assert [
        b["product"] for b in shop.ok("GET", "/boms", params={"product": "TABLE"})["items"]
    ] == ["TABLE"]


def test_an_order_is_confirmed_given_a_lot_and_produced_whole(shop: Api) -> None:
    made = order(shop, "TABLE", "2")
    assert made["state"] == "draft" and made["quantity"] == "2"
    confirmed = shop.ok("POST", f"/manufacturing-orders/{made['id']}/confirm")
    assert confirmed["components"][0]["reserved"] == "8"
    lot = shop.ok("POST", f"/manufacturing-orders/{made['id']}/lot", {"name": "TB-1"})
    assert lot["name"] == "TB-1"
    done = shop.ok("POST", f"/manufacturing-orders/{made['id']}/produce-all")
    assert (done["state"], done["lot"]) == ("done", "TB-1")
    assert shop.ok("GET", f"/manufacturing-orders/{made['id']}")["state"] == "done"
    assert [
        o["id"] for o in shop.ok("GET", "/manufacturing-orders", params={"state": "done"})["items"]
    ] == [made["id"]]


def test_produce_part_leaves_a_backorder_and_component_lots_are_chosen(shop: Api) -> None:
    made = order(shop, "TABLE", 3)
    shop.ok("POST", f"/manufacturing-orders/{made['id']}/confirm")
    chosen = shop.ok(
        "PUT",
        f"/manufacturing-orders/{made['id']}/component-lots",
        {"component": "WOOD", "lots": {"OAK-1": "12"}},
    )
    assert chosen["components"][0]["lots"] == {"OAK-1": "12"}
    shop.ok("POST", f"/manufacturing-orders/{made['id']}/lot", {"generate": True})
    done = shop.ok("POST", f"/manufacturing-orders/{made['id']}/produce", {"quantity": 1})
    assert done["state"] == "done" and done["quantity"] == "1"
    family = shop.ok("GET", f"/manufacturing-orders/{made['id']}/backorders")["items"]
    assert len(family) == 2 and family[1]["quantity"] == "2"
    neither = shop.post(f"/manufacturing-orders/{family[1]['id']}/lot", {})
    assert neither.status_code == 422


def test_produce_all_of_several_serials_answers_409_with_the_batch_proposal(shop: Api) -> None:
    made = order(shop, "STOOL", 3)
    shop.ok("POST", f"/manufacturing-orders/{made['id']}/confirm")
    refused = shop.post(f"/manufacturing-orders/{made['id']}/produce-all")
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["code"] == "serials_required"
    assert problem["details"]["count"] == 3 and problem["details"]["first"]
    batch = shop.ok(
        "POST",
        f"/manufacturing-orders/{made['id']}/batch-produce",
        {"first": problem["details"]["first"], "count": 3},
    )
    assert [o["state"] for o in batch["items"]] == ["done", "done", "done"]


def test_batch_production_can_prepare_orders_and_an_order_can_be_cancelled(shop: Api) -> None:
    made = order(shop, "STOOL", 2)
    prepared = shop.ok(
        "POST",
        f"/manufacturing-orders/{made['id']}/batch-produce",
        {"names": ["S-A", "S-B"], "complete": False},
    )["items"]
    assert [(o["lot"], o["state"]) for o in prepared] == [
        ("S-A", "confirmed"),
        ("S-B", "confirmed"),
    ]
    cancelled = shop.ok("POST", f"/manufacturing-orders/{prepared[1]['id']}/cancel")
    assert cancelled["state"] == "cancelled"
