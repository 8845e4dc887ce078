"""POST /calls with an Idempotency-Key: one call per key, also under concurrent requests."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
from factories import call_payload
from sqlalchemy import func, select

from dispatch.errors import Conflict
from dispatch.extensions import db
from dispatch.models import RepairCall, Visit
from dispatch.services.intake import calls as intake
from dispatch.services.trust.audit import Actor
from dispatch.services.unit_of_work import unit_of_work


def _count() -> int:
    return db.session.scalar(select(func.count(RepairCall.id)))


def test_same_key_returns_the_same_call_and_stores_one(world, coordinator):
    world.covered()
    headers = {"Idempotency-Key": "call-0001"}
    first = coordinator.post("/calls", json=call_payload(), headers=headers)
    again = coordinator.post("/calls", json=call_payload(), headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.get_json() == again.get_json()
    assert _count() == 1
    assert db.session.scalar(select(func.count(Visit.id))) == 1


def test_same_instant_in_another_offset_is_the_same_request(world, coordinator):
    world.covered()
    headers = {"Idempotency-Key": "call-0002"}
    first = coordinator.post("/calls", json=call_payload(), headers=headers).get_json()
    again = coordinator.post("/calls", json=call_payload(received_at="2026-11-26T01:00:00Z"),
                             headers=headers)
    assert again.status_code == 201
    assert again.get_json()["id"] == first["id"]


def test_same_key_with_another_body_is_a_conflict(world, coordinator):
    world.covered()
    headers = {"Idempotency-Key": "call-0003"}
    coordinator.post("/calls", json=call_payload(), headers=headers)
    res = coordinator.post("/calls", json=call_payload(symptom="異音"), headers=headers)
    assert res.status_code == 409
    assert res.headers["Content-Type"] == "application/problem+json"
    assert _count() == 1


def test_without_a_key_every_post_is_a_new_call(world, coordinator):
    world.covered()
    coordinator.post("/calls", json=call_payload())
    coordinator.post("/calls", json=call_payload())
    assert _count() == 2


@pytest.mark.committing
def test_concurrent_requests_with_one_key_store_one_call(app, committed_world):
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            pytest.skip("SQLite serialises writers; real concurrency needs PostgreSQL")
    data = call_payload()
    data["received_at"] = datetime.fromisoformat(data["received_at"])
    barrier = threading.Barrier(8)
    ids: list[int] = []
    errors: list[BaseException] = []

    def take() -> None:
        with app.app_context():
            barrier.wait()
            try:
                with unit_of_work():
                    call = intake.take_repair_call(dict(data), "race-1", Actor("t"))
                ids.append(call.id)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=take) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert len(ids) == 8 and len(set(ids)) == 1
    with app.app_context():
        assert _count() == 1
        assert db.session.scalar(select(func.count(Visit.id))) == 1


@pytest.mark.committing
def test_concurrent_reuse_of_a_key_with_another_body_conflicts(app, committed_world):
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            pytest.skip("SQLite serialises writers; real concurrency needs PostgreSQL")
    bodies = [call_payload(symptom=f"症状 {i}") for i in range(4)]
    for body in bodies:
        body["received_at"] = datetime.fromisoformat(body["received_at"])
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def take(body: dict) -> None:
        with app.app_context():
            barrier.wait()
            try:
                with unit_of_work():
                    intake.take_repair_call(body, "race-2", Actor("t"))
                outcomes.append("stored")
            except Conflict:
                outcomes.append("conflict")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=take, args=(b,)) for b in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["conflict", "conflict", "conflict", "stored"]
