"""Prefer: respond-async -> 202, a job with progress, its events, and recovery on start."""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient

import lotline
from lotline.api import create_app
from lotline.services.users import Jobs
from tests.api.conftest import V1, Api

ASYNC = {"Prefer": "respond-async"}


def wait_for(api: Api, location: str) -> dict[str, Any]:
    for _ in range(200):
        job = api.client.get(location, headers=api.headers()).json()
        if job["state"] != "running":
            return dict(job)
        time.sleep(0.05)
    raise AssertionError("the job did not finish")


def test_validate_in_the_background_answers_202_and_the_job_keeps_the_result(stocked: Api) -> None:
    receipt = stocked.ok(
        "POST",
        "/transfers",
        {"kind": "receipt", "lines": [{"product": "CHAIR", "first": "B1", "count": 50}]},
        201,
    )
    accepted = stocked.post(f"/transfers/{receipt['id']}/validate", headers=ASYNC)
    assert accepted.status_code == 202
    location = accepted.headers["Location"]
    assert location == f"{V1}/jobs/{accepted.json()['id']}"
    assert accepted.json()["kind"] == "validate"
    job = wait_for(stocked, location)
    assert (job["state"], job["done"], job["total"], job["status"]) == ("done", 1, 1, 200)
    assert job["result"]["state"] == "done" and job["result"]["id"] == receipt["id"]
    assert job["user"] == "admin"
    events = stocked.client.get(location + "/events", headers=stocked.headers())
    assert events.headers["content-type"].startswith("text/event-stream")
    assert "event: done" in events.text and '"done": 1' in events.text


def test_a_failed_job_keeps_the_problem(stocked: Api) -> None:
    again = stocked.ok(
        "POST",
        "/transfers",
        {"kind": "receipt", "lines": [{"product": "CHAIR", "lots": ["SN1"]}]},
        201,
    )
    accepted = stocked.post(f"/transfers/{again['id']}/validate", headers=ASYNC)
    job = wait_for(stocked, accepted.headers["Location"])
    assert (job["state"], job["status"]) == ("failed", 409)
    assert job["error"]["code"] == "serial_already_in_stock" and job["result"] is None


def test_batch_production_and_a_serial_import_run_as_jobs(stocked: Api) -> None:
    stocked.ok("POST", "/products", {"code": "STOOL", "name": "Stool", "tracking": "serial"}, 201)
    stocked.ok("POST", "/boms", {"product": "STOOL", "components": {"WOOD": 1}}, 201)
    order = stocked.ok("POST", "/manufacturing-orders", {"product": "STOOL", "quantity": 4}, 201)
    accepted = stocked.post(
        f"/manufacturing-orders/{order['id']}/batch-produce", {"first": "ST01"}, headers=ASYNC
    )
    job = wait_for(stocked, accepted.headers["Location"])
    assert [o["lot"] for o in job["result"]["items"]] == ["ST01", "ST02", "ST03", "ST04"]
    text = "\n".join(f"IMP{i:03}" for i in range(20))
    imported = stocked.post(
        "/transfers",
        {"kind": "receipt", "lines": [{"product": "CHAIR", "serials_text": text}]},
        headers=ASYNC,
    )
    job = wait_for(stocked, imported.headers["Location"])
    assert job["status"] == 201 and job["result"]["lines"][0]["quantity"] == "20"


def test_a_job_of_another_user_is_not_shown(stocked: Api) -> None:
    receipt = stocked.ok(
        "POST",
        "/transfers",
        {"kind": "receipt", "lines": [{"product": "CHAIR", "lots": ["Z1"]}]},
        201,
    )
    accepted = stocked.post(f"/transfers/{receipt['id']}/validate", headers=ASYNC)
    wait_for(stocked, accepted.headers["Location"])
    assert (
        stocked.client.get(
            accepted.headers["Location"], headers=stocked.headers("viewer")
        ).status_code
        == 404
    )


def test_jobs_left_running_are_marked_interrupted_when_the_server_starts(api: Api) -> None:
    with lotline.open(api.url, user="admin") as app:
        left = Jobs(app.db, "admin").start("validate")
    with TestClient(create_app(api.url)) as restarted:
        job = restarted.get(f"{V1}/jobs/{left.id}", headers=api.headers()).json()
    assert job["state"] == "interrupted" and job["finished_at"]
