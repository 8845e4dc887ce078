"""PUT /visits/{id}/report, signature, refusal, GET JSON and PDF (rules.md §7, §9.1)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from reporting_rows import NOW, data_url, make_visit, report_payload

from dispatch import clock
from dispatch.extensions import db
from dispatch.models import RepairCall, Visit
from dispatch.models import WorkReport as ReportRow


def test_technician_saves_a_draft_of_their_visit(tech, visit):
    response = tech.put(f"/visits/{visit.visit_id}/report", json=report_payload())
    assert response.status_code == 200
    body = response.get_json()
    assert body == {"id": body["id"], "status": "draft"}


def test_saving_again_replaces_the_draft(tech, visit, draft):
    again = tech.put(f"/visits/{visit.visit_id}/report",
                     json=report_payload(work_done="清掃のみ"))
    assert again.get_json() == {"id": draft, "status": "draft"}
    assert tech.get(f"/reports/{draft}").get_json()["work_done"] == "清掃のみ"


def test_invalid_payload_is_422_with_field_errors(tech, visit):
    response = tech.put(f"/visits/{visit.visit_id}/report",
                        json=report_payload(result="fixed", attendee_name=""))
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"result", "attendee_name"}


def test_unknown_field_is_refused(tech, visit):
    response = tech.put(f"/visits/{visit.visit_id}/report", json=report_payload(colour="red"))
    assert response.status_code == 422


def test_exclusion_cause_makes_the_report_chargeable(tech, visit):
    body = tech.put(f"/visits/{visit.visit_id}/report",
                    json=report_payload(exclusion_cause="network")).get_json()
    report = tech.get(f"/reports/{body['id']}").get_json()
    assert (report["exclusion_cause"], report["chargeable"]) == ("network", True)


def test_report_json_carries_the_frozen_context(tech, draft, visit):
    report = tech.get(f"/reports/{draft}").get_json()
    assert report["status"] == "draft"
    assert report["device_serial"] == visit.serial
    assert report["site_name"] == "本社 3階 総務部"
    assert report["technician_name"] == "鈴木 一郎"
    assert report["seal"] is None


def test_signing_seals_and_completes_the_job(tech, draft, visit):
    response = tech.post(f"/reports/{draft}/signature",
                         json={"signer_name": "佐藤 花子", "image": data_url()})
    assert response.get_json() == {"id": draft, "status": "signed"}
    assert db.session.get(Visit, visit.visit_id).status == "done"
    assert db.session.get(RepairCall, visit.call_id).status == "done"
    assert tech.get(f"/reports/{draft}/verify").get_json() == {
        "valid": True, "problems": [], "erased": []}


def test_follow_up_creates_the_next_visit_on_the_packs_next_support_day(tech, visit, monkeypatch):
    # The visit is on Thursday 2026-11-26; the pack works Mon–Fri, so Friday 11-27 is next.
    # Signed that morning (11:30 JST, after the 11:20 departure): the follow-up counts from
    # the later of the visit day and the signing day, so the real clock would move it once
    # Japan reaches 11-27.
    monkeypatch.setattr(clock, "now", lambda: NOW + timedelta(minutes=90))
    rid = tech.put(f"/visits/{visit.visit_id}/report",
                   json=report_payload(result="follow_up")).get_json()["id"]
    tech.post(f"/reports/{rid}/signature", json={"signer_name": "佐藤 花子", "image": data_url()})
    follow = db.session.query(Visit).filter_by(follow_up_of_id=visit.visit_id).one()
    assert (follow.service_date.isoformat(), follow.status) == ("2026-11-27", "unassigned")
    call = db.session.get(RepairCall, visit.call_id)
    assert (call.status, call.service_date.isoformat()) == ("scheduled", "2026-11-27")


def test_a_signed_report_never_changes(tech, signed, visit):
    again = tech.put(f"/visits/{visit.visit_id}/report", json=report_payload())
    assert again.status_code == 409
    resign = tech.post(f"/reports/{signed}/signature",
                       json={"signer_name": "別人", "image": data_url()})
    assert resign.status_code == 409
    refusal = tech.post(f"/reports/{signed}/refusal", json={"signer_name": "x", "reason": "y"})
    assert refusal.status_code == 409


def test_refusal_is_recorded_and_leaves_the_job_open(tech, draft, visit):
    response = tech.post(f"/reports/{draft}/refusal",
                         json={"signer_name": "佐藤 花子", "reason": "作業内容に納得できない"})
    assert response.get_json() == {"id": draft, "status": "refused"}
    report = tech.get(f"/reports/{draft}").get_json()
    assert report["refusal_reason"] == "作業内容に納得できない"
    assert db.session.get(Visit, visit.visit_id).status == "arrived"
    assert db.session.get(RepairCall, visit.call_id).status == "scheduled"
    # The technician corrects the report, which is a draft again and can then be signed.
    assert tech.put(f"/visits/{visit.visit_id}/report",
                    json=report_payload()).get_json()["status"] == "draft"


def test_signature_image_must_be_a_png_data_url(tech, draft):
    response = tech.post(f"/reports/{draft}/signature",
                         json={"signer_name": "佐藤 花子", "image": "data:image/png;base64,AAAA"})
    assert response.status_code == 422
    assert "image" in response.get_json()["errors"]


def test_idempotent_signature_is_sealed_once(tech, draft):
    headers = {"Idempotency-Key": "6f1c1d9e-0000-4000-8000-000000000001"}
    body = {"signer_name": "佐藤 花子", "image": data_url()}
    first = tech.post(f"/reports/{draft}/signature", json=body, headers=headers)
    second = tech.post(f"/reports/{draft}/signature", json=body, headers=headers)
    assert first.get_json() == second.get_json() == {"id": draft, "status": "signed"}
    assert second.status_code == 200


def test_idempotent_draft_save_returns_the_same_answer(tech, visit):
    headers = {"Idempotency-Key": "6f1c1d9e-0000-4000-8000-000000000002"}
    first = tech.put(f"/visits/{visit.visit_id}/report", json=report_payload(), headers=headers)
    second = tech.put(f"/visits/{visit.visit_id}/report", json=report_payload(), headers=headers)
    assert first.get_json() == second.get_json()


def test_pdf_is_a_japanese_pdf_download(tech, signed):
    response = tech.get(f"/reports/{signed}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")


def test_chain_links_each_report_to_the_previous_one(tech, signed):
    other = make_visit(serial="AK10000002")
    rid = tech.put(f"/visits/{other.visit_id}/report", json=report_payload()).get_json()["id"]
    tech.post(f"/reports/{rid}/signature", json={"signer_name": "佐藤 花子", "image": data_url()})
    first, second = db.session.get(ReportRow, signed), db.session.get(ReportRow, rid)
    assert second.chain_index == first.chain_index + 1
    assert second.seal["prev_hash"] == first.seal_hash
    assert tech.get(f"/reports/{rid}/verify").get_json()["valid"] is True


def test_openapi_lists_the_report_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/visits/{visit_id}/report", "/api/v1/reports/{report_id}",
                 "/api/v1/reports/{report_id}/signature", "/api/v1/reports/{report_id}/refusal",
                 "/api/v1/reports/{report_id}.pdf", "/api/v1/reports/{report_id}/verify"):
        assert path in paths, path


def test_report_json_shape(tech, signed):
    report = tech.get(f"/reports/{signed}").get_json()
    assert set(report) == {
        "id", "visit_id", "call_id", "status", "arrived_at", "departed_at", "work_done",
        "result", "parts", "technical_changes", "data_initialized", "counter_reading",
        "attendee_name", "exclusion_cause", "chargeable", "device_serial", "device_model",
        "site_name", "site_address", "customer_name", "support_pack_id", "technician_name",
        "company_name", "checklist",
        "signer_name", "signed_at", "refusal_reason", "seal", "photos"}
    assert report["seal"]["algorithm"] == "ed25519+sha256/v1"
    assert report["signer_name"] == "佐藤 花子"


def test_idempotency_key_of_another_user_replays_nothing(api_as, tech, draft):
    # Keys are scoped per user: the coordinator's request is judged on its own (a report
    # that is already signed), never answered with the technician's stored answer.
    headers = {"Idempotency-Key": "6f1c1d9e-0000-4000-8000-000000000003"}
    body = {"signer_name": "佐藤 花子", "image": data_url()}
    assert tech.post(f"/reports/{draft}/signature", json=body, headers=headers).status_code == 200
    desk = api_as("coordinator")
    again = desk.post(f"/reports/{draft}/signature", json=body, headers=headers)
    assert again.status_code == 409 and "Idempotency-Key" not in again.get_json().get("errors", {})


@pytest.mark.parametrize(("changes", "field"), [
    # rules.md §7: arrival the evening before the visit's day (2026-11-26 in Tokyo)
    ({"arrived_at": "2026-11-25T23:50:00+09:00"}, "arrived_at"),
    # departure after midnight Tokyo, although still 2026-11-26 in UTC
    ({"departed_at": "2026-11-27T00:05:00+09:00"}, "departed_at"),
    # year 1: no visit then, and no date the PDF or the chain should carry
    ({"arrived_at": "0001-01-01T10:05:00+09:00", "departed_at": "0001-01-01T11:20:00+09:00"},
     "arrived_at"),
])
def test_report_times_off_the_visit_day_are_422(tech, visit, changes, field):
    response = tech.put(f"/visits/{visit.visit_id}/report", json=report_payload(**changes))
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_a_late_report_of_a_past_visit_is_still_accepted(tech, visit, monkeypatch):
    # Back-dated entry keeps working: the visit was on 2026-11-26, typed in a week later.
    monkeypatch.setattr(clock, "now", lambda: NOW + timedelta(days=7))
    response = tech.put(f"/visits/{visit.visit_id}/report", json=report_payload())
    assert response.status_code == 200, response.get_json()


def test_a_departure_after_the_signature_is_refused_at_signing(tech, draft, monkeypatch):
    # The draft says 11:20 Tokyo; a signature at 10:30 cannot confirm a visit not yet over.
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 26, 1, 30, tzinfo=UTC))
    response = tech.post(f"/reports/{draft}/signature",
                         json={"signer_name": "佐藤 花子", "image": data_url()})
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"departed_at"}
    assert db.session.get(ReportRow, draft).status == "draft"


def test_a_work_description_beyond_its_bound_is_422_not_a_slow_pdf(tech, visit):
    response = tech.put(f"/visits/{visit.visit_id}/report",
                        json=report_payload(work_done="紙" * 350_000))
    assert response.status_code == 422
    assert "work_done" in response.get_json()["errors"]


def test_a_visit_closes_by_hand_only_with_a_signed_or_refused_report(tech, draft, visit):
    # rules.md §7: "done" before the signature (or a recorded refusal) would close the job
    # with no report; the API refuses it with the rule code, the tablet hides the button.
    version = db.session.get(Visit, visit.visit_id).version
    early = tech.post(f"/visits/{visit.visit_id}/status",
                      json={"status": "done", "version": version})
    assert early.status_code == 409
    assert early.get_json()["codes"] == ["REPORT_NOT_SIGNED"]
    assert db.session.get(Visit, visit.visit_id).status == "arrived"
    refused = tech.post(f"/reports/{draft}/refusal",
                        json={"signer_name": "佐藤 花子", "reason": "内容を確認してから署名したい"})
    assert refused.status_code == 200
    closed = tech.post(f"/visits/{visit.visit_id}/status",
                       json={"status": "done", "version": version})
    assert closed.status_code == 200
    assert db.session.get(Visit, visit.visit_id).status == "done"
