"""POST /packs runs §4 eligibility in record mode; every refusal code comes back as a 422."""

from __future__ import annotations

import pytest
from factories import device_payload, model_payload
from registration_factories import HOURS, pack_payload
from sqlalchemy import func, select

from dispatch.extensions import db
from dispatch.models import Pack


def _codes(resp) -> list[str]:
    return resp.get_json()["codes"]


def test_recorded_pack_is_purchased_with_its_coverage_end(coordinator, installed):
    resp = coordinator.post("/packs", json=pack_payload())
    assert resp.status_code == 201
    body = resp.get_json()
    # std5 counted from the device purchase 2026-04-10 → last day 2031-04-09 (rules.md §2).
    assert (body["status"], body["coverage_end"], body["warnings"]) == (
        "purchased", "2031-04-09", [])
    got = coordinator.get(f"/packs/{body['id']}").get_json()
    assert got["target_serial"] == "AK12345678" and got["product"] == "std5"
    assert got["coverage_start"] is None and got["support_pack_id"] is None


@pytest.mark.parametrize(("purchased_on", "status"), [
    ("2026-10-09", 201),  # last day of 6 months counted from 2026-04-10
    ("2026-10-10", 422),  # one day later: STANDARD_PACK_WINDOW_CLOSED
])
def test_standard_pack_window_is_six_months(coordinator, installed, purchased_on, status):
    resp = coordinator.post("/packs", json=pack_payload(product="std1",
                                                        purchased_on=purchased_on))
    assert resp.status_code == status
    if status == 422:
        assert _codes(resp) == ["STANDARD_PACK_WINDOW_CLOSED"]


def test_refused_pack_stores_nothing(coordinator, installed):
    before = db.session.scalar(select(func.count(Pack.id)))
    resp = coordinator.post("/packs", json=pack_payload(purchased_on="2027-01-05"))
    assert resp.status_code == 422
    assert resp.mimetype == "application/problem+json"
    assert db.session.scalar(select(func.count(Pack.id))) == before


def test_extension_after_std7_is_refused(flow, coordinator):
    flow.pack(product="std7")
    resp = coordinator.post("/packs", json=pack_payload(product="ext1",
                                                        purchased_on="2027-03-01"))
    assert resp.status_code == 422
    assert "EXTENSION_AFTER_STD7" in _codes(resp)


def test_nothing_to_extend_once_coverage_reaches_lifetime_end(flow, coordinator):
    flow.pack(product="std6")  # ends 2032-04-09
    capped = flow.pack(product="ext2", purchased_on="2027-06-01")  # would end 2034-04-09
    assert capped["coverage_end"] == "2033-04-09"  # the lifetime end
    assert capped["warnings"] == ["CAPPED_AT_LIFETIME"]
    resp = coordinator.post("/packs", json=pack_payload(product="ext1",
                                                        purchased_on="2028-01-01"))
    assert _codes(resp) == ["NOTHING_TO_EXTEND"]


def test_advice_says_exceeds_lifetime_where_record_caps(flow, coordinator):
    flow.pack(product="std6")
    resp = coordinator.get("/devices/AK12345678/eligibility?product=ext2&on=2027-06-01")
    assert resp.status_code == 200
    assert resp.get_json() == {
        "serial": "AK12345678", "product": "ext2", "on": "2027-06-01", "eligible": False,
        "codes": ["EXCEEDS_LIFETIME"], "coverage_start": "2032-04-10",
        "coverage_end": "2033-04-09"}


def test_eligible_advice_gives_the_coverage_end(coordinator, installed):
    body = coordinator.get("/devices/AK12345678/eligibility?product=std3&on=2026-06-01")
    assert body.get_json()["eligible"] is True
    assert body.get_json()["coverage_end"] == "2029-04-09"


def test_pack_not_offered_by_the_model(coordinator, installed, other_model):
    coordinator.post("/devices", json=device_payload(installed["site_id"], serial="BB0001",
                                                     model_code="B432dn"))
    resp = coordinator.post("/packs", json=pack_payload(target_serial="BB0001",
                                                        product="std4"))
    assert _codes(resp) == ["PACK_NOT_OFFERED"]


def test_lifetime_exceeded_on_the_purchase_date(coordinator, installed):
    # The lifetime ends 2033-04-09; an extension bought the day after is refused.
    resp = coordinator.post("/packs", json=pack_payload(product="ext1",
                                                        purchased_on="2033-04-10"))
    assert "LIFETIME_EXCEEDED" in _codes(resp)


@pytest.mark.parametrize(("print_count", "product", "code"), [
    (600_001, "std1", "PRINT_LIMIT_EXCEEDED"),  # over the model's 600,000 limit
    (200_000, "std5", "PRINT_LIMIT_PROJECTED"),  # ~1,100/day reaches the limit before 2031
])
def test_print_count_refusals(coordinator, installed, print_count, product, code):
    resp = coordinator.post("/packs", json=pack_payload(
        product=product, purchased_on="2026-10-09", print_count=print_count))
    assert _codes(resp) == [code]


def test_outside_japan(coordinator, installed):
    coordinator.post("/devices", json=device_payload(installed["site_id"], serial="EX0001",
                                                     in_japan=False))
    resp = coordinator.post("/packs", json=pack_payload(target_serial="EX0001"))
    assert _codes(resp) == ["OUTSIDE_JAPAN"]


def test_option_pack_needs_parent_with_same_pack_and_hours(flow, coordinator):
    coordinator.post("/models", json=model_payload(code="TRAY1", name="増設トレイ",
                                                   kind="option", print_limit=None))
    coordinator.post("/devices/AK12345678/options",
                     json={"serial": "OP0001", "model_code": "TRAY1",
                           "purchase_date": "2026-04-10"})
    resp = coordinator.post("/packs", json=pack_payload(target_serial="OP0001"))
    assert _codes(resp) == ["OPTION_PARENT_PACK_MISMATCH"]
    flow.pack()  # the parent's std5 with the same hours
    other_hours = {**HOURS, "end": "17:00"}
    resp = coordinator.post("/packs", json=pack_payload(target_serial="OP0001",
                                                        support_hours=other_hours))
    assert _codes(resp) == ["OPTION_PARENT_PACK_MISMATCH"]
    ok = coordinator.post("/packs", json=pack_payload(target_serial="OP0001"))
    assert ok.status_code == 201 and ok.get_json()["coverage_end"] == "2031-04-09"


def test_refusal_by_a_person_with_a_note_stores_refused(flow, coordinator):
    pack = flow.pack()
    resp = coordinator.post(f"/packs/{pack['id']}/refusal",
                            json={"note": "転売品と判明", "refused_on": "2026-05-12"})
    assert resp.status_code == 200
    body = resp.get_json()
    assert (body["status"], body["refusal_codes"], body["refusal_note"]) == (
        "refused", ["REFUSED_OTHER"], "転売品と判明")
    again = coordinator.post(f"/packs/{pack['id']}/refusal", json={"note": "再度"})
    assert again.status_code == 409


@pytest.mark.parametrize(("payload", "field"), [
    ({"note": "x", "codes": ["EXPIRED"]}, "codes"),  # not a refusal code
    ({"note": "  "}, "note"),  # a refusal needs a reason
])
def test_refusal_input_is_checked(flow, coordinator, payload, field):
    pack = flow.pack()
    resp = coordinator.post(f"/packs/{pack['id']}/refusal", json=payload)
    assert resp.status_code == 422
    assert field in resp.get_json()["errors"]


def test_refused_pack_does_not_count_for_coverage(flow, coordinator):
    pack = flow.pack(product="std7")
    coordinator.post(f"/packs/{pack['id']}/refusal", json={"note": "虚偽申告"})
    ok = coordinator.post("/packs", json=pack_payload(product="ext1",
                                                      purchased_on="2027-03-01"))
    assert ok.status_code == 201


@pytest.mark.parametrize(("role", "status"), [
    ("technician", 403),  # technicians do not record packs
    ("site_manager", 403),  # nor do customers
])
def test_only_staff_record_packs(api_as, installed, role, status):
    assert api_as(role).post("/packs", json=pack_payload()).status_code == status


def test_unknown_serial_is_404(coordinator, installed):
    assert coordinator.post("/packs", json=pack_payload(target_serial="NOPE1")).status_code == 404


def test_bad_support_hours_are_422(coordinator, installed):
    resp = coordinator.post("/packs", json=pack_payload(
        support_hours={**HOURS, "start": "18:00"}))
    assert resp.status_code == 422


def test_refusal_keeps_the_given_codes_after_refused_other(flow, coordinator):
    pack = flow.pack()
    resp = coordinator.post(f"/packs/{pack['id']}/refusal", json={
        "note": "カウンター値の申告が虚偽", "codes": ["PRINT_LIMIT_EXCEEDED"]})
    assert resp.get_json()["refusal_codes"] == ["REFUSED_OTHER", "PRINT_LIMIT_EXCEEDED"]


def test_openapi_documents_the_registration_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/packs", "/api/v1/packs/{pack_id}", "/api/v1/packs/{pack_id}/refusal",
                 "/api/v1/packs/{pack_id}/applications",
                 "/api/v1/applications/{application_id}/inquiries",
                 "/api/v1/applications/{application_id}/inquiries/{inquiry_id}/answer",
                 "/api/v1/applications/{application_id}/complete",
                 "/api/v1/devices/{serial}/coverage", "/api/v1/devices/{serial}/eligibility",
                 "/api/v1/devices/{serial}/relocations"):
        assert path in paths, path


@pytest.mark.parametrize(("email", "status"), [
    ("sato@example.co.jp", 200),  # the manager of the pack's site
    ("other@example.co.jp", 403),  # someone else's site
])
def test_site_manager_reads_packs_of_own_sites_only(flow, api_as, email, status):
    pack = flow.pack()
    assert api_as("site_manager", email).get(f"/packs/{pack['id']}").status_code == status
