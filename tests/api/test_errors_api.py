"""Every error status as application/problem+json, exact quantities, and no leaks."""

from __future__ import annotations

from typing import Any

import pytest

from lotline.errors import DatabaseUnavailable
from lotline.services.catalog import Catalog
from tests.api.conftest import V1, Api


def _problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = dict(response.json())
    assert (body["status"], body["code"]) == (status, code)
    assert body["type"] == f"urn:lotline:problem:{code}" and body["title"] and body["detail"]
    return body


def test_a_body_that_is_not_json_is_400(api: Api) -> None:
    broken = api.client.post(
        V1 + "/products",
        headers={**api.headers(), "Content-Type": "application/json"},
        content=b'{"code": ',
    )
    _problem(broken, 400, "malformed_body")
    nan = api.client.post(
        V1 + "/counts",
        headers={**api.headers(), "Content-Type": "application/json"},
        content=b'{"product": "X", "location": "WH/Stock", "quantity": NaN}',
    )
    _problem(nan, 400, "malformed_body")
    plain = api.client.post(V1 + "/products", headers=api.headers(), content=b"code=X")
    _problem(plain, 400, "malformed_body")


@pytest.mark.parametrize("quantity", [True, False, None, [], {}, "", "two", "1e", "NaN"])
def test_what_is_not_a_quantity_is_422(stocked: Api, quantity: object) -> None:
    body = {"product": "WOOD", "location": "WH/Stock", "quantity": quantity, "lot": "OAK-1"}
    _problem(stocked.post("/counts", body), 422, "invalid_input")


def test_quantities_are_read_exactly_from_json_numbers_and_strings(stocked: Api) -> None:
    for sent, shown in (
        (0.1, "0.1"),
        ("12.500", "12.5"),
        (3, "3"),
        (1e2, "100"),
        (7.000001, "7.000001"),
    ):
        count = stocked.ok(
            "POST",
            "/counts",
            {"product": "WOOD", "location": "WH/Stock", "quantity": sent, "lot": "OAK-1"},
            201,
        )
        assert count["counted"] == shown
    too_fine = stocked.post(
        "/counts",
        {"product": "WOOD", "location": "WH/Stock", "quantity": "0.0000001", "lot": "OAK-1"},
    )
    _problem(too_fine, 422, "invalid_quantity")


def test_an_unknown_key_in_a_body_is_422(api: Api) -> None:
    body = _problem(
        api.post("/products", {"code": "A", "name": "A", "colour": "red"}), 422, "invalid_input"
    )
    assert body["details"]["errors"][0]["loc"] == ["body", "colour"]


def test_unknown_things_are_404(stocked: Api) -> None:
    _problem(stocked.get("/products/999"), 404, "unknown_product")
    _problem(stocked.get("/lots/999"), 404, "unknown_lot")
    _problem(stocked.get("/transfers/999"), 404, "unknown_document")
    _problem(stocked.get("/stock/on-hand", params={"product": "NOPE"}), 404, "unknown_product")
    _problem(stocked.get("/nowhere"), 404, "not_found")
    _problem(stocked.get("/jobs/999"), 404, "unknown_job")


def test_conflicts_are_409(stocked: Api) -> None:
    again = stocked.post(
        "/transfers", {"kind": "receipt", "lines": [{"product": "CHAIR", "lots": ["SN1"]}]}
    )
    assert again.status_code == 201
    _problem(
        stocked.post(f"/transfers/{again.json()['id']}/validate"), 409, "serial_already_in_stock"
    )
    short = stocked.ok(
        "POST",
        "/transfers",
        {"kind": "delivery", "lines": [{"product": "WOOD", "lots": {"OAK-1": 50}}]},
        201,
    )
    _problem(stocked.post(f"/transfers/{short['id']}/reserve"), 409, "insufficient_stock")
    _problem(stocked.post("/products", {"code": "WOOD", "name": "again"}), 409, "duplicate_product")


def test_a_wrong_method_is_405_with_every_allowed_method(api: Api) -> None:
    refused = api.call("DELETE", "/products")
    _problem(refused, 405, "method_not_allowed")
    assert refused.headers["Allow"] == "GET, POST"


def test_a_failure_inside_is_500_without_traceback_or_sql(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Catalog) -> None:
        raise RuntimeError('SELECT secret FROM products WHERE "x" Traceback')

    monkeypatch.setattr(Catalog, "list", broken)
    failed = api.get("/products")
    body = _problem(failed, 500, "internal_error")
    assert "SELECT" not in failed.text and "Traceback" not in failed.text
    assert body["details"] == {}


def test_an_unreachable_database_is_503(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    def down(self: Catalog) -> None:
        raise DatabaseUnavailable("Cannot open the database: the server does not answer.")

    monkeypatch.setattr(Catalog, "list", down)
    _problem(api.get("/products"), 503, "database_unavailable")


def test_text_no_database_can_store_is_422_not_500(api: Api) -> None:
    _problem(api.post("/products", {"code": "A\u0000B", "name": "x"}), 422, "invalid_input")
    _problem(api.get("/products", params={"code": "A\x00"}), 422, "invalid_input")
    lone = api.client.post(
        V1 + "/products",
        headers={**api.headers(), "Content-Type": "application/json"},
        content=b'{"code": "\\ud800", "name": "x"}',
    )
    _problem(lone, 422, "invalid_input")
    _problem(api.get("/products", params={"cursor": "garbage!"}), 422, "invalid_input")
    _problem(api.get("/products", params={"limit": 1001}), 422, "invalid_input")


def test_a_query_parameter_the_path_does_not_take_is_422(stocked: Api) -> None:
    body = _problem(stocked.get("/stock", params={"prodcut": "WOOD"}), 422, "invalid_input")
    assert body["details"] == {"unknown": ["prodcut"]}
    assert stocked.get("/stock", params={"product": "WOOD", "limit": 5}).status_code == 200
