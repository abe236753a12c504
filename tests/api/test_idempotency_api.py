"""Idempotency-Key: a retried write replays its answer and changes nothing."""

from __future__ import annotations

import threading
from typing import Any

from fastapi.testclient import TestClient

from lotline.api import create_app
from tests.api.conftest import V1, Api

RECEIPT = {"kind": "receipt", "lines": [{"product": "CHAIR", "lots": ["SN9"]}]}


def _receipts(api: Api) -> int:
    return len(api.ok("GET", "/transfers", params={"kind": "receipt"})["items"])


def test_the_same_key_and_body_replays_the_answer_and_writes_nothing(stocked: Api) -> None:
    before = _receipts(stocked)
    key = {"Idempotency-Key": "scan-0001"}
    first = stocked.post("/transfers", RECEIPT, role="operator", headers=key)
    second = stocked.post("/transfers", RECEIPT, role="operator", headers=key)
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert _receipts(stocked) == before + 1


def test_the_same_key_with_another_body_is_refused(stocked: Api) -> None:
    key = {"Idempotency-Key": "scan-0002"}
    assert stocked.post("/transfers", RECEIPT, headers=key).status_code == 201
    other = {"kind": "receipt", "lines": [{"product": "CHAIR", "lots": ["SN10"]}]}
    refused = stocked.post("/transfers", other, headers=key)
    assert refused.status_code == 422 and refused.json()["code"] == "idempotency_key_reused"


def test_keys_belong_to_their_user(stocked: Api) -> None:
    key = {"Idempotency-Key": "shared"}
    assert stocked.post("/transfers", RECEIPT, role="operator", headers=key).status_code == 201
    mine = stocked.post(
        "/transfers",
        {"kind": "receipt", "lines": [{"product": "CHAIR", "lots": ["SN11"]}]},
        role="manager",
        headers=key,
    )
    assert mine.status_code == 201 and "Idempotent-Replayed" not in mine.headers


def test_a_refusal_is_replayed_too_and_holds_across_a_restart(stocked: Api) -> None:
    key = {"Idempotency-Key": "twice"}
    serial_again = {"kind": "receipt", "lines": [{"product": "CHAIR", "lots": ["SN1"]}]}
    receipt = stocked.post("/transfers", serial_again, headers=key).json()
    validate_key = {"Idempotency-Key": "validate-1"}
    refused = stocked.post(f"/transfers/{receipt['id']}/validate", headers=validate_key)
    assert refused.status_code == 409
    with TestClient(create_app(stocked.url)) as restarted:
        again = restarted.post(
            f"{V1}/transfers/{receipt['id']}/validate",
            headers={**stocked.headers(), **validate_key},
        )
    assert again.status_code == 409 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == refused.json()


def test_two_identical_requests_at_once_make_one_receipt(stocked: Api) -> None:
    before = _receipts(stocked)
    answers: list[Any] = []
    start = threading.Barrier(2)

    def send() -> None:
        start.wait()
        answers.append(
            stocked.post(
                "/transfers", RECEIPT, role="operator", headers={"Idempotency-Key": "race"}
            )
        )

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json() == answers[1].json()
    assert sum(a.headers.get("Idempotent-Replayed") == "true" for a in answers) == 1
    assert _receipts(stocked) == before + 1


def test_a_key_that_is_not_printable_ascii_is_refused(stocked: Api) -> None:
    refused = stocked.post("/transfers", RECEIPT, headers={"Idempotency-Key": "x" * 256})
    assert refused.status_code == 422
