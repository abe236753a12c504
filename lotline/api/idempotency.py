"""Idempotent writes: ``Idempotency-Key`` on POST, PUT, PATCH and DELETE.

The key is claimed in the database before the request runs (so it holds across
restarts and workers); the answer is stored before it is sent. The same key
with the same request replays the stored answer and changes nothing; with
another request it is refused (422, idempotency_key_reused). A second request
arriving while the first is still running waits for its answer.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

import anyio
from fastapi.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lotline.api.auth import user_of_token
from lotline.api.context import Server
from lotline.api.problems import PROBLEM_JSON, problem
from lotline.services.users import KeyClaim, StoredResponse

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
HEADER = "idempotency-key"
WAIT_SECONDS = 60.0
POLL_SECONDS = 0.05
KEPT_HEADERS = ("content-type", "location")


def request_hash(scope: Scope, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (scope["method"], scope["path"], scope.get("query_string", b"").decode("latin-1")):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    digest.update(body)
    return digest.hexdigest()


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp, server: Server) -> None:
        self.app = app
        self.server = server

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in WRITES:
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        key = request.headers.get(HEADER)
        if key is None:
            await self.app(scope, receive, send)
            return
        if not 1 <= len(key) <= 255 or not key.isprintable() or not key.isascii():
            refused = problem(
                422,
                "invalid_input",
                "The Idempotency-Key must be 1 to 255 printable ASCII characters.",
            )
            await refused(scope, receive, send)
            return
        user = await run_in_threadpool(user_of_token, request, _bearer(request))
        if user is None:  # the route answers 401
            await self.app(scope, receive, send)
            return
        body = await request.body()
        fingerprint = request_hash(scope, body)
        claim = await self._claim(user.id, key, fingerprint)
        if claim.outcome == "new":
            await self._answer_once(scope, _replay_body(body), send, user.id, key)
        elif claim.outcome == "replay" and claim.response is not None:
            await _send_stored(send, claim.response)
        elif claim.outcome == "reused":
            refused = problem(
                422,
                "idempotency_key_reused",
                "This Idempotency-Key was already used with another request; "
                "use a new key for a new request.",
                {"key": key},
            )
            await refused(scope, receive, send)
        else:
            busy = problem(
                409, "idempotency_key_in_use", "The first request with this key is still running."
            )
            await busy(scope, receive, send)

    async def _claim(self, user_id: int, key: str, fingerprint: str) -> KeyClaim:
        """Take the key, or wait while the first request with it is still running."""
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            claim = await run_in_threadpool(
                self.server.idempotency.claim, user_id, key, fingerprint
            )
            if claim.outcome != "busy" or time.monotonic() > deadline:
                return claim
            await anyio.sleep(POLL_SECONDS)

    async def _answer_once(
        self, scope: Scope, receive: Receive, send: Send, user_id: int, key: str
    ) -> None:
        """Run the request, store its answer, then send it."""
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            if message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        try:
            await self.app(scope, receive, capture)
        except BaseException:
            await run_in_threadpool(self.server.idempotency.release, user_id, key)
            raise
        status = int(start.get("status", 500))
        headers = {
            k.decode("latin-1").lower(): v.decode("latin-1") for k, v in start.get("headers", [])
        }
        body = b"".join(chunks)
        if status >= 500:
            await run_in_threadpool(self.server.idempotency.release, user_id, key)
        else:
            kept = {k: v for k, v in headers.items() if k in KEPT_HEADERS}
            stored = StoredResponse(status, kept, body.decode("utf-8", "replace"))
            await run_in_threadpool(self.server.idempotency.store, user_id, key, stored)
        await send({**start, "type": "http.response.start"})
        await send({"type": "http.response.body", "body": body})


def _bearer(request: Request) -> str | None:
    scheme, _, secret = request.headers.get("authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" and secret.strip() else None


def _replay_body(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await anyio.sleep_forever()
        raise AssertionError("unreachable")

    return receive


async def _send_stored(send: Send, response: StoredResponse) -> None:
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in response.headers.items()]
    headers.append((b"idempotent-replayed", b"true"))
    body = response.body.encode("utf-8")
    headers.append((b"content-length", str(len(body)).encode()))
    if not any(k == b"content-type" for k, _ in headers):
        headers.append((b"content-type", PROBLEM_JSON.encode()))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
