"""The customer's obligations checked before work, and no attendant → no work (seed §13,
rules.md §7)."""

from __future__ import annotations

import pytest
from reporting_rows import data_url, report_payload

from dispatch.extensions import db
from dispatch.models import AuditEvent, RepairCall, Visit

ALL_KEPT = {"attendant_present": True, "environment_ok": True, "backup_kept": True,
            "software_licensed": True}


def test_checklist_is_saved_sealed_and_read_back(tech, visit):
    checklist = ALL_KEPT | {"backup_kept": False}  # recorded as it was, not refused
    rid = tech.put(f"/visits/{visit.visit_id}/report",
                   json=report_payload(checklist=checklist)).get_json()["id"]
    assert tech.get(f"/reports/{rid}").get_json()["checklist"] == checklist
    tech.post(f"/reports/{rid}/signature", json={"signer_name": "佐藤 花子", "image": data_url()})
    body = tech.get(f"/reports/{rid}").get_json()
    assert body["status"] == "signed" and body["checklist"] == checklist
    assert tech.get(f"/reports/{rid}/verify").get_json()["valid"] is True


def test_report_without_a_checklist_is_still_accepted(tech, visit):
    # The §9.1 payload does not require it: API clients of before keep working.
    response = tech.put(f"/visits/{visit.visit_id}/report", json=report_payload())
    assert response.status_code == 200
    assert tech.get(f"/reports/{response.get_json()['id']}").get_json()["checklist"] is None


@pytest.mark.parametrize(("checklist", "field"), [
    # seed §13: the customer's person attends; no attendant → no work to report
    (ALL_KEPT | {"attendant_present": False}, "checklist.attendant_present"),
    # every obligation answered, none left out
    ({"attendant_present": True}, "checklist"),
    # answers are true or false, not text
    (ALL_KEPT | {"environment_ok": "yes"}, "checklist"),
    # unknown obligations are refused, not stored
    (ALL_KEPT | {"coffee": True}, "checklist"),
    # an object, not a list
    ([True, True, True, True], "checklist"),
])
def test_checklist_rules(tech, visit, checklist, field):
    response = tech.put(f"/visits/{visit.visit_id}/report",
                        json=report_payload(checklist=checklist))
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_no_attendant_moves_the_visit_to_the_next_support_day(tech, visit):
    # The visit is on Thursday 2026-11-26 under Mon–Fri hours: Friday 11-27 is next.
    response = tech.post(f"/visits/{visit.visit_id}/no-attendant",
                         json={"reason": "ご担当者が外出中で不在"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["service_date"], body["codes"]) == ("2026-11-27", ["NO_ATTENDANT"])
    moved = db.session.get(Visit, visit.visit_id)
    assert (moved.service_date.isoformat(), moved.status, moved.technician_id,
            moved.drop_codes) == ("2026-11-27", "unassigned", None, ["NO_ATTENDANT"])
    call = db.session.get(RepairCall, visit.call_id)
    assert (call.service_date.isoformat(), call.decision) == ("2026-11-27", "same_day")
    event = db.session.query(AuditEvent).filter_by(action="visit.no_attendant").one()
    assert event.after["reason"] == "ご担当者が外出中で不在"
    assert event.before["technician_id"] == visit.technician_id


@pytest.mark.parametrize("reason", ["", "  ", "x" * 501])
def test_no_attendant_needs_a_reason(tech, visit, reason):
    response = tech.post(f"/visits/{visit.visit_id}/no-attendant", json={"reason": reason})
    assert response.status_code == 422
    assert db.session.get(Visit, visit.visit_id).service_date.isoformat() == "2026-11-26"


def test_no_attendant_after_signing_is_a_conflict(tech, signed, visit):
    response = tech.post(f"/visits/{visit.visit_id}/no-attendant", json={"reason": "不在"})
    assert response.status_code == 409


def test_another_technician_cannot_reschedule_the_visit(api_as, visit):
    other = api_as("technician", "tanaka@oxt.example.jp")
    response = other.post(f"/visits/{visit.visit_id}/no-attendant", json={"reason": "不在"})
    assert response.status_code == 404
    assert db.session.get(Visit, visit.visit_id).status == "arrived"
