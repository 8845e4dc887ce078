"""Anti-social-forces termination (rules.md §8, seed §19): service ends at once."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from trust_rows import make_world

from dispatch.extensions import db
from dispatch.models import AuditEvent, Visit
from dispatch.services.trust.termination import is_service_terminated


def test_termination_cancels_open_calls_and_future_visits(app, api_as) -> None:
    world = make_world(service_date=date(2099, 1, 5))
    done = Visit(call=world.call, service_date=date(2026, 1, 5), status="done")
    db.session.add(done)
    db.session.flush()
    response = api_as("admin").post(f"/customers/{world.customer.id}/termination",
                                    json={"reason": "反社会的勢力に該当する事実が判明"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["calls_cancelled"] == [world.call.id]
    assert body["visits_cancelled"] == [world.visit.id]
    assert world.customer.terminated_at is not None
    assert world.customer.termination_reason == "反社会的勢力に該当する事実が判明"
    assert (world.call.status, world.visit.status, done.status) == (
        "cancelled", "cancelled", "done")
    assert world.pack.status == "registered"  # packs keep their status; coverage asks below
    assert is_service_terminated(world.device)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "customer.terminate"))
    assert event.after["reason"] == "反社会的勢力に該当する事実が判明"


def test_a_customer_in_good_standing_is_not_terminated(app) -> None:
    assert not is_service_terminated(make_world().device)


def test_termination_twice_is_a_conflict(app, api_as) -> None:
    world = make_world()
    admin = api_as("admin")
    admin.post(f"/customers/{world.customer.id}/termination", json={"reason": "判明"})
    again = admin.post(f"/customers/{world.customer.id}/termination", json={"reason": "再"})
    assert again.status_code == 409


def test_termination_needs_a_reason(app, api_as) -> None:
    world = make_world()
    response = api_as("admin").post(f"/customers/{world.customer.id}/termination",
                                    json={"reason": ""})
    assert response.status_code == 422
    assert world.customer.terminated_at is None


def test_only_administrators_terminate(app, api_as) -> None:
    world = make_world()
    response = api_as("coordinator").post(f"/customers/{world.customer.id}/termination",
                                          json={"reason": "判明"})
    assert response.status_code == 403
    assert world.customer.terminated_at is None
