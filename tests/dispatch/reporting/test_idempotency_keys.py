"""Idempotency keys on the report endpoints name one request: body, target and user."""

from __future__ import annotations

from reporting_rows import data_url, make_visit, report_payload

from dispatch.extensions import db
from dispatch.models import WorkReport as ReportRow

KEY = {"Idempotency-Key": "0b6a7c1e-0000-4000-8000-00000000abcd"}
MISMATCH = {"Idempotency-Key": ["already used with another request body or target"]}


def test_the_same_key_on_another_report_is_409_and_does_not_drop_it(tech, draft):
    other = make_visit(serial="AK10000002")
    second = tech.put(f"/visits/{other.visit_id}/report", json=report_payload()).get_json()["id"]
    body = {"signer_name": "佐藤 花子", "image": data_url()}
    assert tech.post(f"/reports/{draft}/signature", json=body, headers=KEY).status_code == 200
    reused = tech.post(f"/reports/{second}/signature", json=body, headers=KEY)
    assert reused.status_code == 409
    assert reused.get_json()["errors"] == MISMATCH
    assert db.session.get(ReportRow, second).status == "draft"


def test_the_same_key_with_another_body_is_409(tech, visit):
    first = tech.put(f"/visits/{visit.visit_id}/report", json=report_payload(), headers=KEY)
    assert first.status_code == 200
    changed = tech.put(f"/visits/{visit.visit_id}/report",
                       json={**report_payload(), "work_done": "別の作業内容"}, headers=KEY)
    assert changed.status_code == 409
    assert changed.get_json()["errors"] == MISMATCH


def test_the_same_key_on_a_refusal_of_another_report_is_409(tech, draft):
    other = make_visit(serial="AK10000003")
    second = tech.put(f"/visits/{other.visit_id}/report", json=report_payload()).get_json()["id"]
    body = {"signer_name": "佐藤 花子", "reason": "内容に同意できない"}
    assert tech.post(f"/reports/{draft}/refusal", json=body, headers=KEY).status_code == 200
    assert tech.post(f"/reports/{second}/refusal", json=body, headers=KEY).status_code == 409


def test_keys_are_scoped_per_user(api_as, tech, visit):
    other = make_visit(serial="AK10000004", tech_email="takahashi@oxt.example.jp",
                       tech_name="高橋 二郎")
    colleague = api_as("technician", "takahashi@oxt.example.jp")
    mine = tech.put(f"/visits/{visit.visit_id}/report", json=report_payload(), headers=KEY)
    theirs = colleague.put(f"/visits/{other.visit_id}/report", json=report_payload(),
                           headers=KEY)
    assert mine.status_code == theirs.status_code == 200
    assert mine.get_json()["id"] != theirs.get_json()["id"]
