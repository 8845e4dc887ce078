"""Visits for onsite calls, resolving by phone, overriding phone-only, the board, roles."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from factories import call_payload
from sqlalchemy import select

from dispatch.extensions import db
from dispatch.models import AuditEvent, Visit
from dispatch.services.intake import call_handling
from dispatch.services.trust.audit import Actor


def _visits(call_id: int) -> list[tuple[str, str]]:
    rows = db.session.scalars(select(Visit).where(Visit.call_id == call_id).order_by(Visit.id))
    return [(v.service_date.isoformat(), v.status) for v in rows]


@pytest.mark.parametrize(("site", "received_at", "visits"), [
    # same day → one unassigned visit today
    ("tokyo", "2026-11-26T10:00:00+09:00", [("2026-11-26", "unassigned")]),
    # after the cutoff → one unassigned visit on the next support day
    ("tokyo", "2026-11-26T16:00:00+09:00", [("2026-11-27", "unassigned")]),
    # phone only → no visit
    ("izu_oshima", "2026-11-26T10:00:00+09:00", []),
])
def test_onsite_decisions_open_an_unassigned_visit(world, coordinator, site, received_at,
                                                   visits):
    world.covered(site=site)
    body = coordinator.post("/calls", json=call_payload(received_at=received_at)).get_json()
    assert _visits(body["id"]) == visits


def test_not_covered_call_opens_no_visit(world, coordinator):
    body = coordinator.post("/calls", json=call_payload("ZZ404")).get_json()
    assert _visits(body["id"]) == []


def test_resolve_by_phone_closes_the_call_and_cancels_its_visit(world, coordinator):
    world.covered()
    call = coordinator.post("/calls", json=call_payload()).get_json()
    res = coordinator.post(f"/calls/{call['id']}/resolve-by-phone")
    assert res.status_code == 200
    assert res.get_json()["status"] == "resolved_by_phone"
    assert _visits(call["id"]) == [("2026-11-26", "cancelled")]
    # a second press changes nothing
    assert coordinator.post(f"/calls/{call['id']}/resolve-by-phone").status_code == 200


def test_phone_only_call_can_be_resolved_by_phone(world, coordinator):
    world.covered(site="sapporo")
    call = coordinator.post("/calls", json=call_payload()).get_json()
    res = coordinator.post(f"/calls/{call['id']}/resolve-by-phone")
    assert res.get_json()["status"] == "resolved_by_phone"


def test_not_covered_call_cannot_be_resolved_by_phone(world, coordinator):
    call = coordinator.post("/calls", json=call_payload("ZZ404")).get_json()
    res = coordinator.post(f"/calls/{call['id']}/resolve-by-phone")
    assert res.status_code == 409
    assert res.get_json()["codes"] == ["UNKNOWN_SERIAL"]


def test_visit_already_under_way_blocks_resolving_by_phone(world, coordinator):
    world.covered()
    call = coordinator.post("/calls", json=call_payload()).get_json()
    visit = db.session.scalar(select(Visit).where(Visit.call_id == call["id"]))
    visit.status = "en_route"
    db.session.commit()
    assert coordinator.post(f"/calls/{call['id']}/resolve-by-phone").status_code == 409


@pytest.mark.parametrize(("site", "codes"), [
    # island: the original area code stays on record
    ("izu_oshima", ["REMOTE_ISLAND"]),
    ("sapporo", ["OUTSIDE_SERVICE_AREA"]),
])
def test_override_sends_a_phone_only_call_onsite_the_next_support_day(world, coordinator,
                                                                     site, codes):
    world.covered(site=site)
    call = coordinator.post("/calls", json=call_payload(
        received_at="2026-11-27T10:00:00+09:00")).get_json()
    res = coordinator.post(f"/calls/{call['id']}/override",
                           json={"reason": "定期便の船で部品と同行可能"})
    body = res.get_json()
    assert res.status_code == 200
    # Friday's call → Monday 11/30, counted from the call (issue 14)
    assert (body["decision"], body["service_date"]) == ("next_business_day", "2026-11-30")
    assert body["codes"] == codes
    assert body["override_reason"] == "定期便の船で部品と同行可能"
    assert _visits(call["id"])[-1][1] == "unassigned"
    audit = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "call.override_phone_only"))
    assert audit.after["override_reason"] == "定期便の船で部品と同行可能"


@pytest.mark.parametrize(("received_at", "service_date", "cutoff_at", "codes"), [
    # Friday morning on the island → Monday 11/30 (サービス仕様書 §8: phone only in
    # principle; the override is served on the next support day after the call)
    ("2026-11-27T10:00:00+09:00", "2026-11-30", "2026-11-27T15:00:00+09:00", []),
    # Friday after the cutoff → still Monday 11/30, the cutoff on record (§7(1) 2時間30分前)
    ("2026-11-27T16:00:00+09:00", "2026-11-30", "2026-11-27T15:00:00+09:00", ["AFTER_CUTOFF"]),
    # Saturday: counts at Monday's opening (§7(1) 対応時間) → the support day after, Tue 12/1
    ("2026-11-28T11:00:00+09:00", "2026-12-01", "2026-11-30T15:00:00+09:00", []),
    # year end: Tue 12/29 → Mon 1/4 (12/30–1/3 closed on the pack's hours)
    ("2026-12-29T10:00:00+09:00", "2027-01-04", "2026-12-29T15:00:00+09:00", []),
])
def test_override_computes_the_service_date_from_the_calls_received_at(
        world, received_at, service_date, cutoff_at, codes):
    # Issue 14: the override is typed in whenever (here: on the real today, weeks or months
    # away from the call); the date comes from the call's acceptance, not from today.
    world.covered(site="izu_oshima")
    from factories import call_payload as payload

    from dispatch.services.intake import calls as intake

    data = payload(received_at=received_at)
    data["received_at"] = datetime.fromisoformat(data["received_at"])
    actor = Actor("test")
    call = intake.take_repair_call(data, None, actor)
    done = call_handling.override_phone_only(call.id, "離島便あり", actor)
    assert (done.decision, done.service_date.isoformat(), done.codes) == (
        "next_business_day", service_date, ["REMOTE_ISLAND", *codes])
    assert done.cutoff_at.astimezone(UTC) == datetime.fromisoformat(cutoff_at).astimezone(UTC)
    assert _visits(call.id)[-1] == (service_date, "unassigned")


@pytest.mark.parametrize(("site", "reason", "status"), [
    # a same-day call is no phone-only call
    ("tokyo", "理由", 409),
    # a reason is required
    ("sapporo", "   ", 422),
])
def test_override_needs_a_phone_only_call_and_a_reason(world, coordinator, site, reason,
                                                       status):
    world.covered(site=site)
    call = coordinator.post("/calls", json=call_payload()).get_json()
    assert coordinator.post(f"/calls/{call['id']}/override",
                            json={"reason": reason}).status_code == status


def test_board_lists_the_calls_received_that_tokyo_day(world, coordinator):
    world.covered()
    first = coordinator.post("/calls", json=call_payload(
        received_at="2026-11-26T00:10:00+09:00")).get_json()  # 11/25 15:10 UTC
    coordinator.post("/calls", json=call_payload(received_at="2026-11-25T23:59:59+09:00"))
    last = coordinator.post("/calls", json=call_payload(
        received_at="2026-11-26T23:00:00+09:00")).get_json()
    board = coordinator.get("/calls?date=2026-11-26").get_json()
    assert [c["id"] for c in board] == [first["id"], last["id"]]


def test_board_is_paginated_like_every_list(world, coordinator):
    world.covered()
    ids = [coordinator.post("/calls", json=call_payload(
        received_at=f"2026-11-26T1{n}:00:00+09:00")).get_json()["id"] for n in range(3)]
    resp = coordinator.get("/calls?date=2026-11-26&page=2&page_size=2")
    assert [c["id"] for c in resp.get_json()] == ids[2:]
    assert resp.headers["X-Total-Count"] == "3"
    assert 'rel="prev"' in resp.headers["Link"] and 'rel="next"' not in resp.headers["Link"]


@pytest.mark.parametrize("role", ["technician", "site_manager"])
def test_only_staff_take_and_read_calls(world, api_as, coordinator, role):
    world.covered()
    call = coordinator.post("/calls", json=call_payload()).get_json()
    other = api_as(role)
    assert other.post("/calls", json=call_payload()).status_code == 403
    assert other.get(f"/calls/{call['id']}").status_code == 403
    assert other.get("/calls?date=2026-11-26").status_code == 403
    assert other.post(f"/calls/{call['id']}/resolve-by-phone").status_code == 403


def test_admin_may_take_calls(world, api_as):
    world.covered()
    assert api_as("admin").post("/calls", json=call_payload()).status_code == 201


def test_unknown_call_is_404(world, coordinator):
    assert coordinator.get("/calls/999999").status_code == 404


def test_api_needs_no_csrf_token_even_when_pages_do(app, world, coordinator, monkeypatch):
    # Production runs with CSRF on; the bearer-token API must still accept JSON posts.
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    world.covered()
    assert coordinator.post("/calls", json=call_payload()).status_code == 201


def test_after_hours_consent_is_recorded_with_who_agreed(world, coordinator):
    world.covered()
    call = coordinator.post("/calls", json=call_payload()).get_json()
    res = coordinator.post(f"/calls/{call['id']}/after-hours-consent",
                           json={"consented_by": " 佐藤 花子 "})
    body = res.get_json()
    assert res.status_code == 200
    assert (body["after_hours_consent"], body["after_hours_consented_by"]) == (True, "佐藤 花子")
    # The decision and its cutoff stay as the rules gave them.
    assert (body["decision"], body["cutoff_at"]) == (call["decision"], call["cutoff_at"])
    audit = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "call.after_hours_consent"))
    assert audit.after["after_hours_consented_by"] == "佐藤 花子"


@pytest.mark.parametrize(("site", "body", "status"), [
    # Nobody named: who agreed is the whole point of the record.
    (None, {"consented_by": "   "}, 422),
    # A phone-only call has no visit to run late.
    ("sapporo", {"consented_by": "佐藤 花子"}, 409),
])
def test_after_hours_consent_needs_a_name_and_a_visit_to_come(world, coordinator, site, body,
                                                               status):
    world.covered(**({"site": site} if site else {}))
    call = coordinator.post("/calls", json=call_payload()).get_json()
    res = coordinator.post(f"/calls/{call['id']}/after-hours-consent", json=body)
    assert res.status_code == status and res.content_type == "application/problem+json"
    assert coordinator.get(f"/calls/{call['id']}").get_json()["after_hours_consent"] is False
