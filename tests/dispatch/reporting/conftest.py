"""Fixtures of the report tests: a visit assigned to a technician, API clients per role."""

from __future__ import annotations

import pytest
from reporting_rows import data_url, make_visit, report_payload

from dispatch.extensions import db


@pytest.fixture
def visit(app):
    """A planned visit of suzuki@oxt.example.jp at a site managed by sato@example.co.jp."""
    return make_visit()


@pytest.fixture
def tech(api_as, visit):
    return api_as("technician", "suzuki@oxt.example.jp")


@pytest.fixture
def draft(tech, visit) -> int:
    response = tech.put(f"/visits/{visit.visit_id}/report", json=report_payload())
    assert response.status_code == 200, response.get_json()
    return response.get_json()["id"]


@pytest.fixture
def signed(tech, draft) -> int:
    response = tech.post(f"/reports/{draft}/signature",
                         json={"signer_name": "佐藤 花子", "image": data_url()})
    assert response.status_code == 200, response.get_json()
    return draft


@pytest.fixture
def session():
    return db.session
