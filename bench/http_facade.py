"""The part of the facade the workload uses, over the REST API (bench/workload.py --api).

Each call is one or a few HTTP requests on a keep-alive connection; answers are
read into simple objects with the attributes the workload reads.
"""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode, urlsplit

import lotline

V1 = "/api/v1"


class HttpError(RuntimeError):
    pass


class Http:
    def __init__(self, base: str, token: str) -> None:
        parts = urlsplit(base)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(self, method: str, path: str, body: Any = None, **query: Any) -> Any:
        if query:
            path += "?" + urlencode({k: v for k, v in query.items() if v is not None})
        data = json.dumps(body) if body is not None else None
        self.connection.request(method, V1 + path, body=data, headers=self.headers)
        response = self.connection.getresponse()
        payload = response.read()
        if not 200 <= response.status < 300:
            raise HttpError(f"{method} {path}: {response.status} {payload[:300]!r}")
        return json.loads(payload)

    def pages(self, path: str, **query: Any) -> Iterator[Any]:
        cursor = None
        while True:
            found = self.call("GET", path, limit=1000, cursor=cursor, **query)
            yield from found["items"]
            cursor = found["next_cursor"]
            if cursor is None:
                return


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


class _Products:
    def __init__(self, http: Http) -> None:
        self.http = http

    def create(self, code: str, name: str, tracking: str = "none") -> Any:
        return self.http.call(
            "POST", "/products", {"code": code, "name": name, "tracking": tracking}
        )


class _Transfers:
    def __init__(self, http: Http) -> None:
        self.http = http

    def receipt(self, lines: list[dict[str, Any]], partner: str | None = None) -> Any:
        body = {"kind": "receipt", "lines": _plain(lines), "partner": partner}
        return self.http.call("POST", "/transfers", body)

    def delivery(self, lines: list[dict[str, Any]], partner: str | None = None) -> Any:
        body = {"kind": "delivery", "lines": _plain(lines), "partner": partner}
        return self.http.call("POST", "/transfers", body)

    def validate(self, document: Any) -> Any:
        return self.http.call("POST", f"/transfers/{document['id']}/validate")


class _Manufacturing:
    def __init__(self, http: Http) -> None:
        self.http = http

    def bom(self, product: str, components: dict[str, Any]) -> Any:
        return self.http.call(
            "POST", "/boms", {"product": product, "components": _plain(components)}
        )

    def order(self, product: str, quantity: int) -> Any:
        body = {"product": product, "quantity": quantity}
        return self.http.call("POST", "/manufacturing-orders", body)

    def confirm(self, order: Any) -> Any:
        return self.http.call("POST", f"/manufacturing-orders/{order['id']}/confirm")

    def batch_produce(self, order: Any, first: str, count: int) -> Any:
        body = {"first": first, "count": count}
        path = f"/manufacturing-orders/{order['id']}/batch-produce"
        return self.http.call("POST", path, body)["items"]


class _Lots:
    def __init__(self, http: Http) -> None:
        self.http = http
        self.ids: dict[tuple[str, str], int] = {}

    def generate_names(self, first: str, count: int) -> list[str]:
        return list(
            self.http.call("POST", "/numbering/series", {"first": first, "count": count})["names"]
        )

    def remember(self, product: str) -> None:
        """Learn the ids of a product's lots (a client keeps the ids it was given)."""
        for row in self.http.pages("/lots", product=product):
            self.ids[(row["product"], row["lot"])] = row["id"]

    def list(self, location: str | None = None, in_stock: bool | None = None) -> list[Any]:
        query = {"location": location, "in_stock": str(in_stock).lower() if in_stock else None}
        return [SimpleNamespace(**row) for row in self.http.pages("/lots", **query)]


class _Trace:
    def __init__(self, http: Http, lots: _Lots) -> None:
        self.http = http
        self.lots = lots

    def _tree(self, direction: str, product: str, lot: str) -> Any:
        lot_id = self.lots.ids[(product, lot)]
        return list(self.http.pages(f"/lots/{lot_id}/{direction}"))

    def downstream(self, product: str, lot: str) -> Any:
        return self._tree("downstream", product, lot)

    def upstream(self, product: str, lot: str) -> Any:
        return self._tree("upstream", product, lot)


class HttpFacade:
    """app.products, .transfers, .manufacturing, .lots, .trace over HTTP."""

    def __init__(self, base: str, token: str) -> None:
        http = Http(base, token)
        self.products = _Products(http)
        self.transfers = _Transfers(http)
        self.manufacturing = _Manufacturing(http)
        self.lots = _Lots(http)
        self.trace = _Trace(http, self.lots)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def local_server(url: str) -> Iterator[HttpFacade]:
    """A `lotline serve` on 127.0.0.1 for the database at ``url``, as a manager."""
    with lotline.open(url, user="bench") as app:
        app.users.add("bench-api", "manager")
        token = app.users.token("bench-api")
    port = _free_port()
    command = [sys.executable, "-m", "lotline", "--db", url, "serve", "--port", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                probe.request("GET", V1 + "/health")
                if probe.getresponse().status == 200:
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield HttpFacade(base, token)
    finally:
        server.terminate()
        server.wait(timeout=30)
