"""Non-conformity claims and their free rework calls (seed §17.1, rules.md §7)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from conftest import PASSWORD
from reporting_rows import data_url, make_visit, report_payload

from dispatch import clock
from dispatch.domain.visit_status import VisitStatus
from dispatch.extensions import db
from dispatch.models import NonConformity, RepairCall, Visit

# Monday 2026-11-30, 10:00 JST: before the 15:00 cutoff of Mon–Fri 9:00–17:30 hours.
MONDAY_MORNING = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
# Monday 16:00 JST: after the cutoff.
MONDAY_EVENING = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
CLAIM = {"description": "交換後も同じ紙詰まりが再発している"}


@pytest.fixture
def manager(api_as):
    return api_as("site_manager", "sato@example.co.jp")


@pytest.fixture
def at_monday_morning(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: MONDAY_MORNING)


def _sign(client, visit_id: int, **payload) -> int:
    # rules.md §7: the times fall on the visit's own day, before a Monday-morning signature.
    day = db.session.get(Visit, visit_id).service_date.isoformat()
    times = {"arrived_at": f"{day}T08:30:00+09:00", "departed_at": f"{day}T09:30:00+09:00"}
    rid = client.put(f"/visits/{visit_id}/report",
                     json=report_payload(**{**times, **payload})).get_json()["id"]
    response = client.post(f"/reports/{rid}/signature",
                           json={"signer_name": "佐藤 花子", "image": data_url()})
    assert response.status_code == 200, response.get_json()
    return rid


def _on_route(call_id: int, technician_id: int) -> Visit:
    # The planner is not under test: put the rework visit on the technician's route.
    visit = db.session.query(Visit).filter_by(call_id=call_id).order_by(Visit.id.desc()).first()
    visit.technician_id, visit.status = technician_id, VisitStatus.ARRIVED
    db.session.flush()
    return visit


def test_claim_on_a_signed_job_opens_a_free_rework_call(manager, signed, visit,
                                                        at_monday_morning):
    # Seed §17.1: a non-conformity is repaired by maintenance OXT repeats; decided by the
    # pack's same-day cutoff (10:00 < 15:00 → same day), never by coverage.
    response = manager.post(f"/reports/{signed}/non-conformities", json=CLAIM)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["status"], body["codes"], body["reason"]) == ("open", [], None)
    rework = body["rework_call"]
    assert (rework["decision"], rework["service_date"]) == ("same_day", "2026-11-30")
    call = db.session.get(RepairCall, rework["id"])
    assert call.non_conformity_id == body["id"]
    assert call.device_id == db.session.get(RepairCall, visit.call_id).device_id
    assert "作業報告票" in call.symptom and CLAIM["description"] in call.symptom
    visits = db.session.query(Visit).filter_by(call_id=call.id).all()
    assert [(v.service_date.isoformat(), v.status) for v in visits] == [
        ("2026-11-30", "unassigned")]


def test_claim_after_the_cutoff_is_reworked_the_next_support_day(manager, signed, monkeypatch):
    # rules.md §5 applies to the rework call as to any call: 16:00 is past the 15:00 cutoff.
    monkeypatch.setattr(clock, "now", lambda: MONDAY_EVENING)
    rework = manager.post(f"/reports/{signed}/non-conformities",
                          json=CLAIM).get_json()["rework_call"]
    assert (rework["decision"], rework["service_date"], rework["codes"]) == (
        "next_business_day", "2026-12-01", ["AFTER_CUTOFF"])


def test_claim_is_refused_when_the_report_names_an_out_of_scope_cause(manager, tech, visit,
                                                                      at_monday_morning):
    # Seed §17.1 (2): no duty when the non-conformity is not OXT's doing; the signed report
    # recorded a network fault (seed §10 (5)).
    rid = _sign(tech, visit.visit_id, exclusion_cause="network")
    response = manager.post(f"/reports/{rid}/non-conformities", json=CLAIM)
    assert response.status_code == 201
    body = response.get_json()
    assert (body["status"], body["codes"], body["rework_call"]) == (
        "refused", ["OUT_OF_SCOPE_CAUSE"], None)
    assert body["reason"] == "ネットワークおよびその設定に起因する障害"
    assert db.session.query(RepairCall).filter(
        RepairCall.non_conformity_id.is_not(None)).count() == 0


@pytest.mark.parametrize("description", [
    "",  # nothing said
    "   ",  # only spaces
    "x" * 2001,  # longer than the 2,000-character bound
])
def test_claim_needs_a_description(manager, signed, description):
    response = manager.post(f"/reports/{signed}/non-conformities",
                            json={"description": description})
    assert response.status_code == 422
    assert "description" in response.get_json()["errors"]
    assert db.session.query(NonConformity).count() == 0


def test_claim_on_an_unsigned_report_is_a_conflict(manager, draft):
    # The job is still open: there is nothing delivered to be non-conforming yet.
    assert manager.post(f"/reports/{draft}/non-conformities", json=CLAIM).status_code == 409


def test_a_second_claim_while_one_is_reworked_is_a_conflict(manager, signed, at_monday_morning):
    assert manager.post(f"/reports/{signed}/non-conformities", json=CLAIM).status_code == 201
    again = manager.post(f"/reports/{signed}/non-conformities", json=CLAIM)
    assert again.status_code == 409
    assert db.session.query(NonConformity).count() == 1


def test_only_the_sites_manager_or_staff_may_claim(api_as, tech, signed, at_monday_morning):
    other = api_as("site_manager", "someone@else.example.jp")
    assert other.post(f"/reports/{signed}/non-conformities", json=CLAIM).status_code == 404
    assert tech.post(f"/reports/{signed}/non-conformities", json=CLAIM).status_code == 403
    coordinator = api_as("coordinator", "desk@oxt.example.jp")
    assert coordinator.post(f"/reports/{signed}/non-conformities",
                            json=CLAIM).status_code == 201


@pytest.mark.parametrize(("result", "status", "rework_calls"), [
    ("resolved", "resolved", 1),  # settled: the later report is signed resolved
    ("unresolved", "open", 2),  # seed §17.1 "繰り返し実施": the next rework call opens
    ("follow_up", "open", 1),  # the follow-up visit of the same rework call carries on
])
def test_signing_a_rework_report_settles_or_repeats_the_rework(
        manager, tech, signed, visit, at_monday_morning, result, status, rework_calls):
    claim = manager.post(f"/reports/{signed}/non-conformities", json=CLAIM).get_json()
    rework = _on_route(claim["rework_call"]["id"], visit.technician_id)
    rework_report = _sign(tech, rework.id, result=result)
    stored = db.session.get(NonConformity, claim["id"])
    assert stored.status == status
    assert stored.resolved_by_report_id == (rework_report if status == "resolved" else None)
    calls = db.session.query(RepairCall).filter_by(non_conformity_id=claim["id"]).count()
    assert calls == rework_calls
    listed = manager.get(f"/reports/{signed}/non-conformities").get_json()
    assert [c["status"] for c in listed] == [status]


def test_a_rework_call_at_a_remote_island_site_is_still_onsite(manager, api_as, at_monday_morning):
    # The original job was done onsite (an overridden island call): its rework is too.
    ids = make_visit(serial="AK10000099", manager_email="island@example.co.jp")
    tech = api_as("technician", "suzuki@oxt.example.jp")
    rid = _sign(tech, ids.visit_id)
    site_call = db.session.get(RepairCall, ids.call_id)
    site_call.device.site.lat, site_call.device.site.lon = 26.2124, 127.6809  # Naha, far away
    db.session.flush()
    islander = api_as("site_manager", "island@example.co.jp")
    rework = islander.post(f"/reports/{rid}/non-conformities", json=CLAIM).get_json()
    call = db.session.get(RepairCall, rework["rework_call"]["id"])
    assert call.decision in ("same_day", "next_business_day")
    assert call.override_reason is not None and "作業報告票" in call.override_reason


def test_site_manager_claims_from_the_portal_and_sees_the_rework_date(client, make_user, signed,
                                                                      at_monday_morning):
    # The portal form runs the same use case as the API (seed §17.1).
    make_user("site_manager", "sato@example.co.jp")
    client.post("/login", data={"email": "sato@example.co.jp", "password": PASSWORD})
    response = client.post("/customer/non-conformities", data={
        "report_id": signed, "description": "トレイ2の紙詰まりが再発"}, follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "お申し出を受け付けました。" in page
    assert "再作業の予定日: 2026-11-30" in page
    assert db.session.query(NonConformity).one().status == "open"
