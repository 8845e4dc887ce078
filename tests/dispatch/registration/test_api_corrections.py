"""Corrections of a device's facts through the API (issue 14, rules.md §4.8): a receipt found
later moves the purchase date, `in_japan` can be corrected; audited, periods derived again."""

from __future__ import annotations

import pytest
from factories import device_payload, installed_device, model_payload
from registration_factories import Flow
from sqlalchemy import select

from dispatch.extensions import db
from dispatch.models import AuditEvent


@pytest.fixture
def shipped(coordinator):
    """A printer whose purchase date is unknown: the factory ship date 2026-03-01 stands in."""
    return installed_device(coordinator, purchase_date=None, factory_ship_date="2026-03-01")


@pytest.mark.parametrize(("product", "purchased_on", "end_before", "end_after"), [
    # Seed §14: 「購入日」 unknown → OKI's factory ship date; std5 runs 5 years from it
    # (2026-03-01 → 2031-02-28); the receipt found later says 2026-04-10 → 2031-04-09.
    ("std5", "2026-05-01", "2031-02-28", "2031-04-09"),
    # std1 from the ship date ends 2027-02-28; from the receipt date 2027-04-09.
    ("std1", "2026-05-01", "2027-02-28", "2027-04-09"),
])
def test_receipt_found_later_moves_the_standard_pack_period(
        coordinator, shipped, product, purchased_on, end_before, end_after):
    pack = Flow(coordinator).pack(product=product, purchased_on=purchased_on)
    assert pack["coverage_end"] == end_before
    resp = coordinator.patch(f"/devices/{shipped['serial']}", json={
        "purchase_date": "2026-04-10", "purchase_proof": "receipt",
        "reason": "領収書が見つかった"})
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert (body["purchase_date"], body["purchase_date_source"], body["purchase_proof"]) == (
        "2026-04-10", "receipt", "receipt")
    assert [p["coverage_end"] for p in body["packs"]] == [end_after]


def test_extension_follows_the_corrected_standard_pack(coordinator, shipped):
    flow = Flow(coordinator)
    flow.pack(product="std1", purchased_on="2026-05-01")  # ends 2027-02-28 from the ship date
    ext = flow.pack(product="ext1", purchased_on="2026-12-01")  # continuous: 2027-03-01…
    assert (ext["nominal_start"], ext["coverage_end"]) == ("2027-03-01", "2028-02-29")
    body = coordinator.patch(f"/devices/{shipped['serial']}", json={
        "purchase_date": "2026-04-10", "purchase_proof": "delivery_note",
        "reason": "納品書で確認"}).get_json()
    # rules.md §4: an extension bought while covered starts the day after the coverage end.
    assert [(p["product"], p["nominal_start"], p["coverage_end"]) for p in body["packs"]] == [
        ("std1", "2026-04-10", "2027-04-09"), ("ext1", "2027-04-10", "2028-04-09")]


def test_registered_pack_keeps_its_service_start_after_a_correction(coordinator, shipped):
    registered = Flow(coordinator).registered(product="std5", purchased_on="2026-05-01")
    assert registered["coverage_start"] == "2026-05-19"
    body = coordinator.patch(f"/devices/{shipped['serial']}", json={
        "purchase_date": "2026-04-10", "reason": "receipt"}).get_json()
    # Seed §4(1): service runs from the completion notice, never before the period's start.
    assert (body["packs"][0]["coverage_start"], body["packs"][0]["coverage_end"]) == (
        "2026-05-19", "2031-04-09")
    # Covered on a day that was past the end the factory ship date gave (2031-02-28).
    coverage = coordinator.get(f"/devices/{shipped['serial']}/coverage?on=2031-03-15").get_json()
    assert (coverage["covered"], coverage["end"]) == (True, "2031-04-09")


def test_proof_without_any_purchase_date_is_refused(coordinator, shipped):
    resp = coordinator.patch(f"/devices/{shipped['serial']}", json={
        "purchase_proof": "receipt", "reason": "x"})
    assert resp.status_code == 422
    assert "purchase_proof" in resp.get_json()["errors"]


def test_correction_is_audited_with_its_reason_and_the_changed_periods(coordinator, shipped):
    pack = Flow(coordinator).pack(product="std5", purchased_on="2026-05-01")
    coordinator.patch(f"/devices/{shipped['serial']}", json={
        "purchase_date": "2026-04-10", "purchase_proof": "warranty_card",
        "reason": "製品保証書を確認"})
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "device.correct")).one()
    assert event.entity_id == shipped["serial"]
    assert event.before == {"purchase_date": None, "purchase_proof": None, "in_japan": True}
    assert event.after["purchase_date"] == "2026-04-10"
    assert event.after["purchase_proof"] == "warranty_card"
    assert event.after["reason"] == "製品保証書を確認"
    assert [(c["pack_id"], c["before"]["coverage_end"], c["after"]["coverage_end"])
            for c in event.after["packs"]] == [(pack["id"], "2031-02-28", "2031-04-09")]


def test_in_japan_correction_changes_what_can_be_bought(coordinator, installed):
    ok = coordinator.get(f"/devices/{installed['serial']}/eligibility?product=std5&on=2026-05-01")
    assert ok.get_json()["eligible"] is True
    body = coordinator.patch(f"/devices/{installed['serial']}", json={
        "in_japan": False, "reason": "海外拠点へ移設済み"}).get_json()
    assert body["in_japan"] is False
    # Seed §16: 日本国内で購入、使用されている対象ハードウェア製品にのみ適用 → OUTSIDE_JAPAN.
    refused = coordinator.get(
        f"/devices/{installed['serial']}/eligibility?product=std5&on=2026-05-01").get_json()
    assert "OUTSIDE_JAPAN" in refused["codes"]


def test_option_period_follows_its_parents_correction(coordinator, shipped):
    coordinator.post("/models", json=model_payload(code="OPT1", name="Tray", kind="option",
                                                   packs_offered=["std5"]))
    coordinator.post(f"/devices/{shipped['serial']}/options", json=device_payload(
        shipped["site_id"], serial="OP0000001", model_code="OPT1",
        purchase_date="2026-04-20"))
    flow = Flow(coordinator)
    flow.pack(product="std5", purchased_on="2026-05-01")  # parent: ends 2031-02-28
    option_pack = flow.pack(target_serial="OP0000001", product="std5",
                            purchased_on="2026-05-01")
    # Seed §4(2): an option's period ends with its parent's.
    assert option_pack["coverage_end"] == "2031-02-28"
    coordinator.patch(f"/devices/{shipped['serial']}", json={
        "purchase_date": "2026-04-10", "reason": "領収書"})
    option = coordinator.get("/devices/OP0000001").get_json()
    assert option["packs"][0]["coverage_end"] == "2031-04-09"


@pytest.mark.parametrize(("payload", "field"), [
    ({"reason": "x"}, "purchase_date"),  # nothing to correct
    ({"in_japan": False}, "reason"),  # a reason is required
    ({"in_japan": False, "reason": "  "}, "reason"),  # …and not blank
    ({"purchase_date": None, "reason": "x"}, "purchase_date"),  # no date and no ship date
    ({"purchase_proof": "invoice", "purchase_date": "2026-04-10", "reason": "x"},
     "purchase_proof"),  # not one of 製品保証書・領収書・納品書
    ({"serial": "X", "reason": "x"}, "serial"),  # not correctable
])
def test_bad_correction_is_422_storing_nothing(coordinator, installed, payload, field):
    resp = coordinator.patch(f"/devices/{installed['serial']}", json=payload)
    assert resp.status_code == 422
    assert field in resp.get_json()["errors"]
    assert coordinator.get(f"/devices/{installed['serial']}").get_json()["purchase_date"] == (
        "2026-04-10")


@pytest.mark.parametrize("role", ["technician", "site_manager"])
def test_only_staff_correct_devices(api_as, installed, role):
    resp = api_as(role).patch(f"/devices/{installed['serial']}",
                              json={"in_japan": False, "reason": "x"})
    assert resp.status_code == 403
