"""The create/read endpoints of rules.md §9.1 and the API's error contract."""

from __future__ import annotations

import pytest
from factories import base_payload, device_payload, model_payload, site_payload, technician_payload

PROBLEM = "application/problem+json"


def test_openapi_document_lists_the_catalogue_endpoints(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    for path in ("/api/v1/models", "/api/v1/bases", "/api/v1/customers", "/api/v1/sites",
                 "/api/v1/devices", "/api/v1/devices/{serial}/options", "/api/v1/technicians"):
        assert path in doc["paths"], path
    assert "ModelIn" in doc["components"]["schemas"]


def test_request_without_token_is_401_problem(client):
    resp = client.post("/api/v1/models", json=model_payload())
    assert resp.status_code == 401
    assert resp.mimetype == PROBLEM
    assert resp.get_json()["codes"] == []


def test_revoked_or_garbage_token_is_401(client):
    resp = client.get("/api/v1/models/x", headers={"Authorization": "Bearer nope"})
    assert resp.status_code == 401


@pytest.mark.parametrize("role", ["technician", "site_manager"])
def test_non_staff_cannot_create_models(api_as, role):
    resp = api_as(role).post("/models", json=model_payload())
    assert resp.status_code == 403
    assert resp.mimetype == PROBLEM


def test_model_round_trip(coordinator):
    resp = coordinator.post("/models", json=model_payload())
    assert resp.status_code == 201
    body = resp.get_json()
    assert body["code"] == "C844dnw" and body["lifetime_years"] == 7
    assert coordinator.get("/models/C844dnw").get_json()["packs_offered"][0] == "std1"


def test_duplicate_model_code_is_409(coordinator):
    coordinator.post("/models", json=model_payload())
    resp = coordinator.post("/models", json=model_payload())
    assert resp.status_code == 409


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (model_payload(colour="red"), "colour"),  # unknown field is refused, not ignored
        (model_payload(lifetime_years="seven"), "lifetime_years"),  # wrong type
        (model_payload(series="LASER"), "series"),  # not one of the series
        (model_payload(packs_offered=["std2"]), "packs_offered.0"),  # no such pack product
        ({k: v for k, v in model_payload().items() if k != "name"}, "name"),  # missing
    ],
)
def test_bad_model_payload_is_422_naming_the_field(coordinator, payload, field):
    resp = coordinator.post("/models", json=payload)
    assert resp.status_code == 422
    assert resp.mimetype == PROBLEM
    assert field in resp.get_json()["errors"]


def test_unknown_model_is_404(coordinator):
    resp = coordinator.get("/models/NOPE")
    assert resp.status_code == 404
    assert resp.mimetype == PROBLEM


def test_base_same_day_area_cannot_exceed_service_area(coordinator):
    resp = coordinator.post("/bases", json=base_payload(same_day_radius_km=200.0))
    assert resp.status_code == 422
    assert "same_day_radius_km" in resp.get_json()["errors"]


def test_customer_site_device_chain(coordinator):
    coordinator.post("/models", json=model_payload())
    customer = coordinator.post("/customers", json={"name": "株式会社テスト商事"})
    assert customer.status_code == 201
    site = coordinator.post("/sites", json=site_payload(customer.get_json()["id"]))
    assert site.status_code == 201
    assert site.get_json()["remote_island"] is False
    device = coordinator.post("/devices", json=device_payload(site.get_json()["id"]))
    assert device.status_code == 201
    assert device.get_json() | {} == device.get_json()
    body = device.get_json()
    # 7-year lifetime counted from 2026-04-10 ends the day before the 2033 anniversary
    assert body["lifetime_end"] == "2033-04-09"
    assert body["purchase_date_source"] == "receipt"


def test_device_without_purchase_date_uses_factory_ship_date(coordinator):
    coordinator.post("/models", json=model_payload())
    cust = coordinator.post("/customers", json={"name": "顧客"}).get_json()
    site = coordinator.post("/sites", json=site_payload(cust["id"])).get_json()
    payload = device_payload(site["id"], purchase_date=None, factory_ship_date="2025-02-28")
    body = coordinator.post("/devices", json=payload).get_json()
    assert body["purchase_date"] == "2025-02-28"
    assert body["purchase_date_source"] == "factory_ship"
    assert body["lifetime_end"] == "2032-02-27"


def test_device_on_unknown_site_is_404_and_stores_nothing(coordinator):
    coordinator.post("/models", json=model_payload())
    resp = coordinator.post("/devices", json=device_payload(999))
    assert resp.status_code == 404
    assert coordinator.get("/devices/AK12345678").status_code == 404


def test_option_attaches_to_its_parent_device_and_site(coordinator):
    coordinator.post("/models", json=model_payload())
    coordinator.post("/models", json=model_payload(code="TRAY-C8", name="増設トレイ",
                                                   kind="option", print_limit=None))
    cust = coordinator.post("/customers", json={"name": "顧客"}).get_json()
    site = coordinator.post("/sites", json=site_payload(cust["id"])).get_json()
    coordinator.post("/devices", json=device_payload(site["id"]))
    resp = coordinator.post("/devices/AK12345678/options",
                            json={"serial": "OPT0001", "model_code": "TRAY-C8",
                                  "purchase_date": "2026-05-01"})
    assert resp.status_code == 201
    assert resp.get_json()["parent_serial"] == "AK12345678"
    assert resp.get_json()["site_id"] == site["id"]


def test_printer_model_cannot_be_an_option(coordinator):
    coordinator.post("/models", json=model_payload())
    cust = coordinator.post("/customers", json={"name": "顧客"}).get_json()
    site = coordinator.post("/sites", json=site_payload(cust["id"])).get_json()
    coordinator.post("/devices", json=device_payload(site["id"]))
    resp = coordinator.post("/devices/AK12345678/options",
                            json={"serial": "OPT0001", "model_code": "C844dnw",
                                  "purchase_date": "2026-05-01"})
    assert resp.status_code == 422


def test_technician_needs_a_known_base_and_a_sane_shift(coordinator):
    assert coordinator.post("/technicians", json=technician_payload()).status_code == 404
    coordinator.post("/bases", json=base_payload())
    bad = coordinator.post("/technicians", json=technician_payload(shift_end="07:00"))
    assert bad.status_code == 422
    ok = coordinator.post("/technicians", json=technician_payload())
    assert ok.status_code == 201
    assert ok.get_json()["id"] > 0
    assert coordinator.get("/technicians").get_json()[0]["shift_start"] == "08:30"


def test_site_manager_sees_only_their_own_site(coordinator, api_as):
    cust = coordinator.post("/customers", json={"name": "顧客"}).get_json()
    mine = coordinator.post("/sites", json=site_payload(cust["id"],
                                                        manager_email="me@example.jp"))
    other = coordinator.post("/sites", json=site_payload(cust["id"],
                                                         manager_email="other@example.jp"))
    manager = api_as("site_manager", "me@example.jp")
    assert manager.get(f"/sites/{mine.get_json()['id']}").status_code == 200
    assert manager.get(f"/sites/{other.get_json()['id']}").status_code == 403


def test_every_change_is_audited(app, coordinator):
    from sqlalchemy import select

    from dispatch.extensions import db
    from dispatch.models import AuditEvent

    coordinator.post("/models", json=model_payload())
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "model.create" in actions


@pytest.mark.parametrize(
    ("lat", "lon", "island"),
    [
        (38.0803, 138.4378, True),  # Ryōtsu on Sado: remote island
        (37.9161, 139.0364, False),  # Niigata city across the strait: mainland
        (24.3386, 124.1572, True),  # Ishigaki: Yaeyama islands
        (26.2125, 127.6811, False),  # Naha on Okinawa Hontō: treated as mainland
    ],
)
def test_site_on_a_remote_island_is_marked(coordinator, lat, lon, island):
    cust = coordinator.post("/customers", json={"name": "顧客"}).get_json()
    body = coordinator.post("/sites", json=site_payload(cust["id"], lat=lat, lon=lon)).get_json()
    assert body["remote_island"] is island
    assert (body["island_area_code"] is not None) is island


def test_site_without_coordinates_and_no_geocoder_is_422_asking_for_them(coordinator):
    cust = coordinator.post("/customers", json={"name": "顧客"}).get_json()
    resp = coordinator.post("/sites", json=site_payload(cust["id"], lat=None, lon=None))
    assert resp.status_code == 422
    assert set(resp.get_json()["errors"]) >= {"lat", "lon"}


def test_openapi_schema_names_are_unique(app, recwarn):
    # apispec renames clashing schemas with a warning; clients would see "RefusalIn1".
    with app.test_request_context():
        from dispatch.extensions import api

        names = list(api.spec.to_dict()["components"]["schemas"])
    assert not [n for n in names if n[-1].isdigit()], names
