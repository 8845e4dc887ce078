"""GET /reports/{id}/verify recomputes everything: any change made in the database is found."""

from __future__ import annotations

import pytest
from reporting_rows import data_url, make_visit, report_payload, tiny_png
from sqlalchemy import update

from dispatch.extensions import db
from dispatch.models import SigningKey
from dispatch.models import WorkReport as ReportRow


def _tamper(report_id: int, **values) -> None:
    # Straight UPDATEs, bypassing the ORM and its version counter, like an attacker with SQL.
    db.session.execute(update(ReportRow).where(ReportRow.id == report_id).values(**values))
    db.session.expire_all()


def _content_with(report_id: int, **changes) -> dict:
    row = db.session.get(ReportRow, report_id)
    return {**row.content, **changes}


@pytest.mark.parametrize(("field", "value", "problem"), [
    ("work_done", "何もしていない", "content_altered"),  # the work description
    ("result", "unresolved", "content_altered"),  # the outcome
    ("counter_reading", 1, "content_altered"),  # the counter
    ("departed_at", "2026-11-26T12:20:00+09:00", "content_altered"),  # the times
    ("site_name", "別の場所", "content_altered"),  # the frozen context
    ("exclusion_cause", "network", "content_altered"),  # made chargeable afterwards
    ("attendee_name", "山田 太郎", "personal_altered:attendee_name"),  # a person's name
    ("technician_name", "田中", "personal_altered:technician_name"),
    ("result", "fixed", "content_invalid"),  # not even a valid report any more
])
def test_altered_content_is_detected(tech, signed, field, value, problem):
    _tamper(signed, content=_content_with(signed, **{field: value}))
    body = tech.get(f"/reports/{signed}/verify").get_json()
    assert body["valid"] is False
    assert problem in body["problems"]


def test_altered_parts_are_detected(tech, signed):
    parts = [{"part_no": "45531503", "qty": 2, "condition": "new", "removed_returned": True}]
    _tamper(signed, content=_content_with(signed, parts=parts))
    assert "content_altered" in tech.get(f"/reports/{signed}/verify").get_json()["problems"]


def test_altered_signer_name_is_detected(tech, signed):
    _tamper(signed, signer_name="山田 太郎")
    assert tech.get(f"/reports/{signed}/verify").get_json()["problems"] == [
        "personal_altered:signer_name"]


def test_replaced_signature_image_is_detected(tech, signed):
    _tamper(signed, signature_png=tiny_png(shade=40))
    assert tech.get(f"/reports/{signed}/verify").get_json()["problems"] == ["image_altered"]


def test_altered_seal_is_detected(tech, signed):
    row = db.session.get(ReportRow, signed)
    _tamper(signed, seal={**row.seal, "sealed_at": "2026-01-01T00:00:00+09:00"})
    problems = tech.get(f"/reports/{signed}/verify").get_json()["problems"]
    assert "seal_altered" in problems and "signed_at_altered" in problems


def test_altered_signed_at_column_is_detected(tech, signed):
    row = db.session.get(ReportRow, signed)
    _tamper(signed, signed_at=row.signed_at.replace(year=2025))
    assert tech.get(f"/reports/{signed}/verify").get_json()["problems"] == ["signed_at_altered"]


def test_report_set_back_to_draft_does_not_verify(tech, signed):
    _tamper(signed, status="draft")
    assert "status_altered" in tech.get(f"/reports/{signed}/verify").get_json()["problems"]


def test_swapped_chain_order_is_detected(tech, signed):
    other = make_visit(serial="AK10000002")
    rid = tech.put(f"/visits/{other.visit_id}/report", json=report_payload()).get_json()["id"]
    tech.post(f"/reports/{rid}/signature", json={"signer_name": "佐藤 花子", "image": data_url()})
    first, second = (db.session.get(ReportRow, i).chain_index for i in (signed, rid))
    _tamper(signed, chain_index=-1)
    _tamper(rid, chain_index=first)
    _tamper(signed, chain_index=second)
    assert "chain_broken" in tech.get(f"/reports/{signed}/verify").get_json()["problems"]
    assert "chain_broken" in tech.get(f"/reports/{rid}/verify").get_json()["problems"]


def test_deleted_predecessor_breaks_the_chain(tech, signed):
    other = make_visit(serial="AK10000003")
    rid = tech.put(f"/visits/{other.visit_id}/report", json=report_payload()).get_json()["id"]
    tech.post(f"/reports/{rid}/signature", json={"signer_name": "佐藤 花子", "image": data_url()})
    _tamper(signed, chain_index=None)
    assert "chain_broken" in tech.get(f"/reports/{rid}/verify").get_json()["problems"]


def test_the_signing_keys_table_is_not_what_verification_trusts(tech, signed):
    # The table is a record only (rules.md §7): keys are trusted from configuration, so
    # rewriting it neither breaks an honest seal nor could vouch for a forged one.
    db.session.execute(update(SigningKey).values(public_key_b64="A" * 43 + "="))
    db.session.expire_all()
    assert tech.get(f"/reports/{signed}/verify").get_json()["valid"] is True


def test_a_draft_is_not_valid(tech, draft):
    assert tech.get(f"/reports/{draft}/verify").get_json() == {
        "valid": False, "problems": ["not_signed"], "erased": []}
