"""rules.md §8 roles on reports: own visits, own sites, staff everything."""

from __future__ import annotations

import pytest
from reporting_rows import data_url, report_payload


@pytest.mark.parametrize("path", [
    "/reports/{id}",  # JSON
    "/reports/{id}.pdf",  # PDF
    "/reports/{id}/verify",  # verification
])
def test_another_technician_cannot_see_the_report(api_as, draft, path):
    other = api_as("technician", "tanaka@oxt.example.jp")
    assert other.get(path.format(id=draft)).status_code == 404


def test_another_technician_cannot_write_the_report(api_as, visit, draft):
    other = api_as("technician", "tanaka@oxt.example.jp")
    assert other.put(f"/visits/{visit.visit_id}/report",
                     json=report_payload()).status_code == 404
    assert other.post(f"/reports/{draft}/signature",
                      json={"signer_name": "x", "image": data_url()}).status_code == 404


@pytest.mark.parametrize(("role", "email", "status"), [
    ("site_manager", "sato@example.co.jp", 200),  # the manager of the visit's site
    ("site_manager", "other@example.co.jp", 404),  # a manager of other sites
    ("coordinator", None, 200),  # staff see everything
    ("admin", None, 200),
])
def test_who_reads_a_report(api_as, draft, role, email, status):
    assert api_as(role, email).get(f"/reports/{draft}").status_code == status


def test_site_manager_cannot_write_a_report(api_as, visit):
    manager = api_as("site_manager", "sato@example.co.jp")
    assert manager.put(f"/visits/{visit.visit_id}/report",
                       json=report_payload()).status_code == 403


def test_coordinator_may_write_any_report(api_as, visit):
    desk = api_as("coordinator")
    assert desk.put(f"/visits/{visit.visit_id}/report",
                    json=report_payload()).get_json()["status"] == "draft"


def test_api_needs_a_token(client, draft):
    assert client.get(f"/api/v1/reports/{draft}").status_code == 401
