"""The list endpoints the audit missed (issue 14): models, a device with its packs and options,
packs by serial, reminders and SLA breaches; one pagination scheme for all (rules.md §9)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from factories import device_payload, model_payload

from dispatch.extensions import db
from dispatch.models import Application
from dispatch.services.registration import lifecycle
from dispatch.services.unit_of_work import unit_of_work


def _pagination(resp) -> dict:
    return json.loads(resp.headers["X-Pagination"])


def test_models_list_is_paginated_with_total_and_links(coordinator):
    for n in range(5):
        coordinator.post("/models", json=model_payload(code=f"M{n}", name=f"M{n}"))
    resp = coordinator.get("/models?page=2&page_size=2")
    assert resp.status_code == 200
    assert [m["code"] for m in resp.get_json()] == ["M2", "M3"]  # ordered by code
    assert _pagination(resp) == {"total": 5, "total_pages": 3, "first_page": 1, "last_page": 3,
                                 "page": 2, "previous_page": 1, "next_page": 3}
    assert resp.headers["X-Total-Count"] == "5"
    assert resp.headers["Link"] == (
        '</api/v1/models?page=1&page_size=2>; rel="first", '
        '</api/v1/models?page=1&page_size=2>; rel="prev", '
        '</api/v1/models?page=3&page_size=2>; rel="next", '
        '</api/v1/models?page=3&page_size=2>; rel="last"')


@pytest.mark.parametrize(("query", "status"), [
    ("page=0", 422),  # pages count from 1
    ("page_size=201", 422),  # at most 200 a page
    ("page_size=0", 422),
    ("page=9", 200),  # past the end: an empty page, not an error
])
def test_page_arguments_are_validated(coordinator, query, status):
    coordinator.post("/models", json=model_payload())
    resp = coordinator.get(f"/models?{query}")
    assert resp.status_code == status
    if status == 200:
        assert resp.get_json() == [] and _pagination(resp)["total"] == 1


def test_technician_reads_models_site_manager_does_not(api_as, coordinator):
    coordinator.post("/models", json=model_payload())
    assert api_as("technician").get("/models").status_code == 200
    assert api_as("site_manager").get("/models").status_code == 403


def test_device_read_carries_its_packs_and_options(coordinator, installed, flow):
    coordinator.post("/models", json=model_payload(code="OPT1", name="Tray", kind="option",
                                                   packs_offered=["std5"]))
    coordinator.post(f"/devices/{installed['serial']}/options", json=device_payload(
        installed["site_id"], serial="OP0000001", model_code="OPT1"))
    pack = flow.pack()
    body = coordinator.get(f"/devices/{installed['serial']}").get_json()
    assert [p["id"] for p in body["packs"]] == [pack["id"]]
    assert body["packs"][0]["coverage_end"] == "2031-04-09"
    assert [(o["serial"], o["parent_serial"]) for o in body["options"]] == [
        ("OP0000001", installed["serial"])]


def test_packs_by_serial_lists_only_that_devices_packs(coordinator, installed, flow):
    coordinator.post("/devices", json=device_payload(installed["site_id"], serial="AK99999999"))
    first = flow.pack()
    flow.pack(target_serial="AK99999999")
    second = flow.pack(product="ext1", purchased_on="2026-06-01")
    resp = coordinator.get(f"/packs?serial={installed['serial']}&page_size=1")
    assert [p["id"] for p in resp.get_json()] == [first["id"]]
    assert _pagination(resp)["total"] == 2
    nxt = coordinator.get(f"/packs?serial={installed['serial']}&page_size=1&page=2").get_json()
    assert [p["id"] for p in nxt] == [second["id"]]


def test_packs_by_serial_needs_a_known_serial(coordinator, installed):
    assert coordinator.get("/packs").status_code == 422
    assert coordinator.get("/packs?serial=NOPE").status_code == 404


def test_reminders_are_readable_with_filters(coordinator, installed, flow):
    # rules.md §4: a pack still `purchased` 10 days after it arrived gets one reminder.
    pack = flow.pack(received_on="2026-05-01")
    with unit_of_work():
        assert lifecycle.remind_late_applications(date(2026, 5, 12)) == 1
    body = coordinator.get("/notices?kind=application_reminder").get_json()
    assert body == [{"id": body[0]["id"], "kind": "application_reminder", "pack_id": pack["id"],
                     "target_serial": installed["serial"], "anchor_on": "2026-05-01",
                     "sent_on": "2026-05-12"}]
    assert coordinator.get("/notices?kind=coverage_end_reminder").get_json() == []
    assert coordinator.get("/notices?sent_from=2026-05-13").get_json() == []
    assert coordinator.get("/notices?serial=OTHER").get_json() == []


def test_sla_breaches_are_readable(coordinator, installed, flow):
    # rules.md §4: an application not registered within 7 business days is flagged.
    pack = flow.pack()
    application_id = flow.apply(pack["id"], applied_on="2026-05-01")
    with unit_of_work():
        assert lifecycle.flag_sla_breaches(date(2026, 5, 20)) == 1
    breached = db.session.get_one(Application, application_id).sla_breached_on
    body = coordinator.get("/applications/sla-breaches").get_json()
    assert [(b["id"], b["pack_id"], b["target_serial"], b["sla_breached_on"], b["status"])
            for b in body] == [(application_id, pack["id"], installed["serial"],
                                breached.isoformat(), "applied")]
    flow.complete(application_id, "2026-05-21")
    assert coordinator.get("/applications/sla-breaches").get_json() == []
    assert len(coordinator.get("/applications/sla-breaches?all=true").get_json()) == 1


@pytest.mark.parametrize("path", ["/notices", "/applications/sla-breaches"])
def test_reminders_and_breaches_are_staff_only(api_as, path):
    assert api_as("technician").get(path).status_code == 403
    assert api_as("site_manager").get(path).status_code == 403


def test_openapi_documents_the_lists_and_their_pagination(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    for path in ("/api/v1/models", "/api/v1/packs", "/api/v1/calls", "/api/v1/notices",
                 "/api/v1/applications/sla-breaches"):
        get = doc["paths"][path]["get"]
        names = {p["name"] for p in get["parameters"]}
        assert {"page", "page_size"} <= names, path
        assert "X-Pagination" in get["responses"]["200"]["headers"], path
    assert "patch" in doc["paths"]["/api/v1/devices/{serial}"]

