"""The API through its ASGI app, on SQLite and PostgreSQL, with a user of each role."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

import lotline
from lotline.api import create_app

ROLES = ("viewer", "operator", "manager", "admin")
V1 = "/api/v1"


@dataclass
class Api:
    """A client and a token per role; calls act as ``admin`` unless told otherwise."""

    client: TestClient
    tokens: dict[str, str]
    url: str

    def headers(self, role: str | None = "admin", **extra: str) -> dict[str, str]:
        found = {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}
        return {**found, **extra}

    def call(
        self, method: str, path: str, role: str | None = "admin", headers: Any = None, **kw: Any
    ) -> Any:
        return self.client.request(
            method, V1 + path, headers={**self.headers(role), **(headers or {})}, **kw
        )

    def get(self, path: str, role: str | None = "admin", **kw: Any) -> Any:
        return self.call("GET", path, role, **kw)

    def post(self, path: str, json: Any = None, role: str | None = "admin", **kw: Any) -> Any:
        return self.call("POST", path, role, json=json, **kw)

    def ok(self, method: str, path: str, json: Any = None, status: int = 200, **kw: Any) -> Any:
        """Call as admin and insist on ``status``; the JSON answer."""
        if json is not None:
            kw["json"] = json
        response = self.call(method, path, **kw)
        assert response.status_code == status, response.text
        return response.json()


def make_users(url: str) -> dict[str, str]:
    with lotline.open(url, user="setup") as app:
        for role in ROLES:
            app.users.add(role, role)
        return {role: app.users.token(role, label="tests") for role in ROLES}


@pytest.fixture
def api(db_url: str) -> Iterator[Api]:
    tokens = make_users(db_url)
    with TestClient(create_app(db_url), raise_server_exceptions=False) as client:
        yield Api(client, tokens, db_url)


@pytest.fixture
def stocked(api: Api) -> Api:
    """Lots on, a serial CHAIR with SN1..SN3 received, a lot WOOD with OAK-1 (40)."""
    api.ok("PATCH", "/settings", {"lots_and_serials": True})
    api.ok("POST", "/products", {"code": "CHAIR", "name": "Chair", "tracking": "serial"}, 201)
    api.ok(
        "POST", "/products", {"code": "WOOD", "name": "Oak", "tracking": "lot", "unit": "m"}, 201
    )
    receipt = api.ok(
        "POST",
        "/transfers",
        {
            "kind": "receipt",
            "partner": "Oak & Co",
            "lines": [
                {"product": "CHAIR", "lots": ["SN1", "SN2", "SN3"]},
                {"product": "WOOD", "lots": {"OAK-1": "40"}},
            ],
        },
        201,
    )
    api.ok("POST", f"/transfers/{receipt['id']}/validate")
    return api


def lot_id(api: Api, product: str, name: str) -> int:
    found = api.ok("GET", "/lots", params={"product": product, "name": name})["items"]
    assert len(found) == 1
    return int(found[0]["id"])
