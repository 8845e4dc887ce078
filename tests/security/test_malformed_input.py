"""Malformed input answers 4xx, never 500 (rules.md §9 "errors"): problem+json in the API,
an error page on pages. One global handler for the classes of error that come from the
input itself (too deep, not encodable, too large), and checks in the views for the rest."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dispatch.models import IslandArea
from dispatch.services.accounts import admin as accounts_admin
from dispatch.services.trust.audit import Actor
from dispatch.services.unit_of_work import unit_of_work

PROBLEM = "application/problem+json"
DEEP = "[" * 20000  # the probe: deeper than Python's recursion limit


def test_a_json_body_nested_too_deep_is_a_400_problem(app, api_as):
    response = api_as("admin").client.post(
        "/api/v1/customers", data=DEEP, content_type="application/json",
        headers={"Authorization": f"Bearer {api_as('admin').token}"})
    assert response.status_code == 400
    assert response.mimetype == PROBLEM


def test_a_lone_surrogate_in_a_text_field_is_a_422_problem(app, api_as):
    admin = api_as("admin")
    # Valid JSON (an escaped code unit), but no UTF-8 text: the database cannot store it.
    response = admin.client.post("/api/v1/customers", data=b'{"name": "a\\ud800b"}',
                                 content_type="application/json",
                                 headers={"Authorization": f"Bearer {admin.token}"})
    assert response.status_code == 422
    assert response.mimetype == PROBLEM


@pytest.mark.parametrize("day", [
    "0001-01-01",  # the probe: year 1, outside the system's years
    "9999-12-31",  # the other end: no plan or board for year 9999
])
def test_a_board_date_outside_the_system_years_is_a_422_problem(app, coordinator, day):
    response = coordinator.get(f"/calls?date={day}")
    assert response.status_code == 422
    assert response.mimetype == PROBLEM


def test_a_non_numeric_version_on_the_tablet_form_is_a_400(app, login_as):
    client = login_as("technician")
    response = client.post("/tablet/visits/1/status", data={"status": "en_route",
                                                            "version": "abc"})
    assert response.status_code == 400


@pytest.mark.parametrize("key", [
    "site-abc-manager_name",  # the probe: a site id that is no number
    "site--manager_name",  # no id at all
])
def test_unknown_keys_in_the_privacy_correction_form_are_a_400(app, login_as, key):
    client = login_as("admin")
    response = client.post("/admin/customers/1/correction", data={key: "佐藤"})
    assert response.status_code == 400


def test_deeply_nested_island_geometry_is_a_form_error(app, login_as):
    with unit_of_work():
        accounts_admin.import_packaged_islands(Actor(label="test"))
    area_id = app.extensions["sqlalchemy"].session.scalar(select(IslandArea.id).limit(1))
    client = login_as("admin")
    response = client.post(f"/admin/islands/{area_id}",
                           data={"geometry": '{"shapes": ' + DEEP + "}"})
    assert response.status_code == 422
    assert "JSON" in response.get_data(as_text=True)


def test_a_request_body_beyond_the_size_limit_is_a_413_problem(app, coordinator):
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = coordinator.post("/calls", data=b"x" * (limit + 1),
                                headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.mimetype == PROBLEM


@pytest.mark.parametrize("value", [
    "10",  # a number written as text is not read as 10
    1.5,  # a fraction is not truncated to 1
])
def test_a_print_count_that_is_no_integer_is_a_422(app, coordinator, value):
    response = coordinator.post("/calls", json={
        "serial": "AK10000001", "support_pack_id": "SP-AK10000001",
        "received_at": "2026-11-26T10:00:00+09:00", "symptom": "紙詰まり",
        "print_count": value})
    assert response.status_code == 422
    assert "print_count" in response.get_json()["errors"]


@pytest.mark.parametrize("path", [
    "/plans/0001-01-01",  # year 1 in the path
    "/plans/9999-12-31/explain?visit_id=1",  # year 9999
])
def test_a_plan_day_outside_the_system_years_is_a_422(app, coordinator, path):
    response = coordinator.get(path)
    assert response.status_code == 422
