"""GET coverage / eligibility and POST relocations (rules.md §9)."""

from __future__ import annotations

import pytest
from factories import site_payload


@pytest.mark.parametrize(("on", "covered", "codes"), [
    ("2026-05-18", False, ["NOT_STARTED"]),  # day before the completion notice
    ("2026-05-19", True, []),  # completion day: coverage starts
    ("2031-04-09", True, []),  # last day of std5 counted from 2026-04-10
    ("2031-04-10", False, ["EXPIRED"]),  # the day after
    ("2033-04-10", False, ["EXPIRED", "LIFETIME_EXCEEDED"]),  # past the 7-year lifetime
])
def test_coverage_of_a_registered_pack(flow, coordinator, on, covered, codes):
    done = flow.registered()
    body = coordinator.get(f"/devices/AK12345678/coverage?on={on}").get_json()
    assert (body["covered"], body["codes"]) == (covered, codes)
    assert body["lifetime_end"] == "2033-04-09"
    assert body["support_pack_id"] == done["support_pack_id"]


def test_bought_but_unregistered_pack_is_not_registered(flow, coordinator):
    flow.pack()
    body = coordinator.get("/devices/AK12345678/coverage?on=2026-06-01").get_json()
    assert (body["covered"], body["codes"], body["pack_id"]) == (False, ["NOT_REGISTERED"], None)


def test_print_count_over_the_limit_ends_coverage(flow, coordinator):
    flow.registered()
    body = coordinator.get("/devices/AK12345678/coverage?on=2027-01-05&print_count=600001")
    assert body.get_json()["codes"] == ["PRINT_LIMIT_EXCEEDED"]


def test_site_manager_reads_coverage_of_own_sites_only(flow, api_as):
    flow.registered()
    own = api_as("site_manager", "sato@example.co.jp")  # the site's manager_email
    assert own.get("/devices/AK12345678/coverage?on=2026-06-01").status_code == 200
    other = api_as("site_manager", "someone@example.co.jp")
    assert other.get("/devices/AK12345678/coverage?on=2026-06-01").status_code == 403


def test_coverage_needs_a_date(coordinator, installed):
    assert coordinator.get("/devices/AK12345678/coverage").status_code == 422


def test_relocation_moves_device_options_and_coverage(flow, coordinator, installed):
    from factories import model_payload

    coordinator.post("/models", json=model_payload(code="TRAY1", name="トレイ", kind="option",
                                                   print_limit=None))
    coordinator.post("/devices/AK12345678/options", json={
        "serial": "OP0001", "model_code": "TRAY1", "purchase_date": "2026-04-10"})
    done = flow.registered()
    # A site on Sado island (a registered remote island).
    new_site = coordinator.post("/sites", json=site_payload(
        installed["customer_id"], name="佐渡営業所", address="新潟県佐渡市両津湊",
        lat=38.0805, lon=138.4383)).get_json()
    resp = coordinator.post("/devices/AK12345678/relocations", json={
        "to_site_id": new_site["id"], "notified_on": "2026-08-01", "moved_on": "2026-08-20"})
    assert resp.status_code == 201
    body = resp.get_json()
    assert body["moved_serials"] == ["AK12345678", "OP0001"]
    assert body["remote_island"] is True and body["area_code"] == "REMOTE_ISLAND"
    device = coordinator.get("/devices/OP0001").get_json()
    assert device["site_id"] == new_site["id"]
    cov = coordinator.get("/devices/AK12345678/coverage?on=2026-09-01").get_json()
    assert cov["covered"] and cov["support_pack_id"] == done["support_pack_id"]


def test_relocation_must_be_notified_in_advance(coordinator, installed):
    site = coordinator.post("/sites", json=site_payload(installed["customer_id"])).get_json()
    resp = coordinator.post("/devices/AK12345678/relocations", json={
        "to_site_id": site["id"], "notified_on": "2026-08-21", "moved_on": "2026-08-20"})
    assert resp.status_code == 422 and "moved_on" in resp.get_json()["errors"]


def _other_customers_site(coordinator) -> int:
    other = coordinator.post("/customers", json={"name": "株式会社譲渡先"}).get_json()
    site = coordinator.post("/sites", json=site_payload(other["id"], name="譲渡先本社"))
    return site.get_json()["id"]


@pytest.mark.parametrize(("consent", "status"), [
    # No consent on record: the pack would pass to a third party unseen (seed §14).
    (None, 422),
    # Consent dated after the move is not prior consent.
    ({"consented_on": "2026-08-21", "reference": "OXT-承-0042"}, 422),
])
def test_relocation_to_another_customer_without_prior_consent_is_refused(
        coordinator, installed, consent, status):
    resp = coordinator.post("/devices/AK12345678/relocations", json={
        "to_site_id": _other_customers_site(coordinator), "notified_on": "2026-08-01",
        "moved_on": "2026-08-20", "transfer_consent": consent})
    assert resp.status_code == status
    assert resp.content_type == "application/problem+json"
    assert resp.get_json()["codes"] == ["TRANSFER_WITHOUT_CONSENT"]
    assert coordinator.get("/devices/AK12345678").get_json()["site_id"] == installed["site_id"]


def test_relocation_to_another_customer_records_the_written_consent(coordinator, installed):
    from dispatch.extensions import db
    from dispatch.models import Relocation

    resp = coordinator.post("/devices/AK12345678/relocations", json={
        "to_site_id": _other_customers_site(coordinator), "notified_on": "2026-08-01",
        "moved_on": "2026-08-20",
        "transfer_consent": {"consented_on": "2026-08-10", "reference": "OXT-承-0042"}})
    assert resp.status_code == 201 and resp.get_json()["transferred"] is True
    row = db.session.get(Relocation, resp.get_json()["id"])
    assert (row.transfer_consented_on.isoformat(), row.transfer_consent_ref) \
        == ("2026-08-10", "OXT-承-0042")
