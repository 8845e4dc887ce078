"""One site-manager rule everywhere (rules.md §8 roles): the portal, the API's site check and
the report access all ask `manages_site`/`Site.managed_by`, so they agree, case-insensitively.

E-mails are lower-cased when accounts and sites are written, but rows written before that
(or by hand) keep their capitals; the rule must hold for them as well.
"""

from __future__ import annotations

import pytest
from conftest import PASSWORD, ApiClient
from reporting_rows import data_url, make_visit, report_payload
from sqlalchemy import update

from dispatch.extensions import db
from dispatch.models import Site, User, Visit
from dispatch.services.reporting.access import can_see_visit
from dispatch.services.trust.audit import Actor

SITE_NAME = "本社 3階 総務部"  # make_visit's site
OTHER_MANAGER = "sato@example.jp"


@pytest.fixture
def signed_report(api_as):
    """A report signed at a site; its manager e-mail is set per test."""
    ids = make_visit(serial="AK30000001", manager_email="tanaka@example.jp")
    tech = api_as("technician", "suzuki@oxt.example.jp")
    saved = tech.put(f"/visits/{ids.visit_id}/report", json=report_payload())
    assert saved.status_code == 200, saved.get_json()
    report_id = saved.get_json()["id"]
    signed = tech.post(f"/reports/{report_id}/signature",
                       json={"signer_name": "田中 一郎", "image": data_url()})
    assert signed.status_code == 200, signed.get_json()
    return ids, report_id


@pytest.fixture
def manager(app, make_user):
    """manager(stored_email) → (portal client, API client) of a site manager whose account row
    holds `stored_email` exactly as given."""

    def sign_in(stored_email: str):
        email, token = make_user("site_manager", stored_email)
        portal = app.test_client()
        response = portal.post("/login", data={"email": email, "password": PASSWORD})
        assert response.status_code == 302
        # Keep the capitals the way an older row would (add_user lower-cases new ones).
        db.session.execute(update(User).where(User.email == email).values(email=stored_email))
        db.session.commit()
        return portal, ApiClient(app.test_client(), token)

    return sign_in


@pytest.mark.parametrize(
    ("account_email", "site_email"),
    [
        ("Tanaka@Example.jp", "tanaka@example.jp"),  # account with capitals, site lower-case
        ("tanaka@example.jp", "Tanaka@Example.JP"),  # site with capitals, account lower-case
    ],
)
def test_manager_sees_their_site_whatever_the_case_and_another_manager_does_not(
        signed_report, manager, account_email, site_email):
    ids, report_id = signed_report
    _set_site_email(ids.site_id, site_email)
    portal, api = manager(account_email)
    other_portal, other_api = manager(OTHER_MANAGER)

    # The portal lists the site and its signed report, and hands out the PDF.
    assert SITE_NAME in portal.get("/customer/").get_data(True)
    assert portal.get(f"/customer/reports/{report_id}.pdf").status_code == 200
    assert SITE_NAME not in other_portal.get("/customer/").get_data(True)
    assert other_portal.get(f"/customer/reports/{report_id}.pdf").status_code == 404

    # The API's site check (views/api/access.py).
    assert api.get(f"/sites/{ids.site_id}").status_code == 200
    assert other_api.get(f"/sites/{ids.site_id}").status_code == 403

    # The report access (services/reporting/access.py), through the API and directly.
    assert api.get(f"/reports/{report_id}").status_code == 200
    assert other_api.get(f"/reports/{report_id}").status_code == 404
    visit = db.session.get(Visit, ids.visit_id)
    assert can_see_visit(Actor(label=account_email, role="site_manager"), visit)
    assert not can_see_visit(Actor(label=OTHER_MANAGER, role="site_manager"), visit)


def _set_site_email(site_id: int, email: str) -> None:
    db.session.execute(update(Site).where(Site.id == site_id).values(manager_email=email))
    db.session.commit()
