"""Who may call what: no token 401, a role too low 403, each role includes the one before."""

from __future__ import annotations

from tests.api.conftest import ROLES, V1, Api

# (method, path, the lowest role allowed); None: no token needed.
TABLE: list[tuple[str, str, str | None]] = [
    ("GET", "/health", None),
    ("GET", "/settings", "viewer"),
    ("PATCH", "/settings", "admin"),
    ("GET", "/products", "viewer"),
    ("POST", "/products", "manager"),
    ("GET", "/products/{product_id}", "viewer"),
    ("PATCH", "/products/{product_id}", "manager"),
    ("PUT", "/products/{product_id}/tracking", "manager"),
    ("GET", "/products/{product_id}/next-serial", "viewer"),
    ("GET", "/locations", "viewer"),
    ("POST", "/locations", "manager"),
    ("GET", "/lots", "viewer"),
    ("POST", "/lots", "operator"),
    ("GET", "/lots/{lot_id}", "viewer"),
    ("GET", "/lots/{lot_id}/locations", "viewer"),
    ("GET", "/lots/{lot_id}/history", "viewer"),
    ("GET", "/lots/{lot_id}/upstream", "viewer"),
    ("GET", "/lots/{lot_id}/downstream", "viewer"),
    ("GET", "/lots/{lot_id}/recall", "viewer"),
    ("POST", "/numbering/series", "operator"),
    ("POST", "/barcodes/parse", "viewer"),
    ("GET", "/stock", "viewer"),
    ("GET", "/stock/on-hand", "viewer"),
    ("GET", "/stock/untracked", "viewer"),
    ("GET", "/transfers", "viewer"),
    ("POST", "/transfers", "operator"),
    ("GET", "/transfers/{transfer_id}", "viewer"),
    ("POST", "/transfers/{transfer_id}/reserve", "operator"),
    ("POST", "/transfers/{transfer_id}/validate", "operator"),
    ("POST", "/transfers/{transfer_id}/cancel", "operator"),
    ("POST", "/transfers/{transfer_id}/return", "operator"),
    ("GET", "/transfers/{transfer_id}/backorders", "viewer"),
    ("POST", "/adjustments/quantity", "manager"),
    ("POST", "/adjustments/assign-lots", "manager"),
    ("POST", "/adjustments/{adjustment_id}/revert", "manager"),
    ("GET", "/counts", "viewer"),
    ("POST", "/counts", "operator"),
    ("DELETE", "/counts", "operator"),
    ("POST", "/counts/apply", "operator"),
    ("GET", "/history", "viewer"),
    ("GET", "/boms", "viewer"),
    ("POST", "/boms", "manager"),
    ("GET", "/manufacturing-orders", "viewer"),
    ("POST", "/manufacturing-orders", "operator"),
    ("GET", "/manufacturing-orders/{order_id}", "viewer"),
    ("POST", "/manufacturing-orders/{order_id}/confirm", "operator"),
    ("POST", "/manufacturing-orders/{order_id}/cancel", "operator"),
    ("POST", "/manufacturing-orders/{order_id}/produce-all", "operator"),
    ("POST", "/manufacturing-orders/{order_id}/produce", "operator"),
    ("POST", "/manufacturing-orders/{order_id}/batch-produce", "operator"),
    ("PUT", "/manufacturing-orders/{order_id}/component-lots", "operator"),
    ("POST", "/manufacturing-orders/{order_id}/lot", "operator"),
    ("GET", "/manufacturing-orders/{order_id}/backorders", "viewer"),
    ("GET", "/check", "admin"),
    ("GET", "/users", "admin"),
    ("POST", "/users", "admin"),
    ("PATCH", "/users/{user_id}", "admin"),
    ("GET", "/tokens", "admin"),
    ("POST", "/tokens", "admin"),
    ("DELETE", "/tokens/{token_id}", "admin"),
    ("GET", "/jobs/{job_id}", "viewer"),
    ("GET", "/jobs/{job_id}/events", "viewer"),
    ("GET", "/exports/epcis", "viewer"),
    ("GET", "/exports/fsma204", "viewer"),
    ("POST", "/imports/epcis", "operator"),
    ("GET", "/labels", "viewer"),
    ("GET", "/partners", "viewer"),
    ("POST", "/partners", "manager"),
    ("GET", "/lots/{lot_id}/identifiers", "viewer"),
    ("GET", "/lots/{lot_id}/one-step", "viewer"),
]


def _path(template: str) -> str:
    for name in ("product_id", "lot_id", "transfer_id", "adjustment_id", "order_id"):
        template = template.replace("{" + name + "}", "1")
    return (
        template.replace("{user_id}", "999").replace("{token_id}", "999").replace("{job_id}", "1")
    )


def test_the_role_table_covers_every_operation_of_the_openapi_description(api: Api) -> None:
    described = {
        (method.upper(), path.removeprefix(V1))
        for path, operations in api.client.get(V1 + "/openapi.json").json()["paths"].items()
        for method in operations
    }
    assert described == {(method, path) for method, path, _ in TABLE}


def test_each_role_below_the_lowest_is_refused_and_the_lowest_is_let_in(api: Api) -> None:
    for method, template, lowest in TABLE:
        path = _path(template)
        if lowest is None:
            assert api.call(method, path, role=None).status_code == 200
            continue
        missing = api.call(method, path, role=None)
        assert missing.status_code == 401, (method, path)
        assert missing.headers["WWW-Authenticate"] == "Bearer"
        assert missing.headers["content-type"] == "application/problem+json"
        rank = ROLES.index(lowest)
        for role in ROLES[:rank]:
            refused = api.call(method, path, role=role)
            assert refused.status_code == 403, (method, path, role, refused.text)
            assert refused.json()["code"] == "forbidden"
        for role in ROLES[rank:]:
            let_in = api.call(method, path, role=role)
            assert let_in.status_code not in (401, 403), (method, path, role, let_in.text)


def test_an_unknown_or_revoked_token_is_refused_with_401(api: Api) -> None:
    wrong = api.client.get(V1 + "/settings", headers={"Authorization": "Bearer ll_nope"})
    assert wrong.status_code == 401
    tokens = api.ok("GET", "/tokens")["items"]
    viewer_token = next(t for t in tokens if t["user"] == "viewer")
    assert api.get("/settings", role="viewer").status_code == 200
    api.ok("DELETE", f"/tokens/{viewer_token['id']}")
    assert api.get("/settings", role="viewer").status_code == 401


def test_an_admin_adds_a_user_gives_a_token_and_changes_the_role(api: Api) -> None:
    user = api.ok("POST", "/users", {"name": "bob", "role": "viewer"}, 201)
    made = api.ok("POST", "/tokens", {"user": "bob", "label": "scanner"}, 201)
    assert made["token"].startswith("ll_")
    bob = {"Authorization": f"Bearer {made['token']}"}
    assert api.client.post(V1 + "/counts", headers=bob, json={}).status_code == 403
    assert api.ok("PATCH", f"/users/{user['id']}", {"role": "operator"})["role"] == "operator"
    assert api.client.post(V1 + "/counts", headers=bob, json={}).status_code == 422
    listed = api.ok("GET", "/tokens")["items"]
    assert all("token" not in t and "secret_hash" not in t for t in listed)
    assert api.post("/users", {"name": "bob", "role": "admin"}).status_code == 409
