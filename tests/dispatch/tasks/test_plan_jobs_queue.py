"""Plans as jobs through the real queue (rules.md §9): a consumer thread plans the day
while the request waits (`Prefer: wait`) or the client polls the job."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from conftest import ApiClient
from day_rows import Day

from dispatch.services.unit_of_work import unit_of_work

pytestmark = pytest.mark.committing


@pytest.fixture
def planned_day(app, monkeypatch, clean_tables, make_user):
    monkeypatch.setattr("dispatch.clock.now", lambda: datetime(2026, 11, 26, 1, 0, tzinfo=UTC))
    monkeypatch.setitem(app.config, "DISPATCH_PLAN_SECONDS", 1)
    monkeypatch.setitem(app.config, "DISPATCH_SOLUTION_LIMIT", 40)
    with app.app_context():
        with unit_of_work():
            day = Day()
            day.tech(day.base())
            visit_id = day.call().id
        _, token = make_user("coordinator")
    return visit_id, token


def test_prefer_wait_returns_the_plan_a_worker_made(client, planned_day, live_queue):
    visit_id, token = planned_day
    api = ApiClient(client, token)
    answer = api.post("/plans", json={"date": "2026-11-26"}, headers={"Prefer": "wait=60"})
    assert answer.status_code == 201, answer.get_json()
    stops = [s["visit_id"] for r in answer.get_json()["routes"] for s in r["stops"]]
    assert stops == [visit_id]


def test_polling_the_location_sees_the_job_finish(client, planned_day, live_queue):
    visit_id, token = planned_day
    api = ApiClient(client, token)
    answer = api.post("/plans", json={"date": "2026-11-26"})
    assert answer.status_code == 202
    location = answer.headers["Location"].removeprefix("/api/v1")
    seen = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job = api.get(location).get_json()
        seen.append(job["status"])
        if job["status"] in ("done", "failed"):
            break
        time.sleep(0.2)
    assert seen[-1] == "done"
    assert set(seen) <= {"queued", "running", "done"}
    assert job["plan"]["routes"][0]["stops"][0]["visit_id"] == visit_id
