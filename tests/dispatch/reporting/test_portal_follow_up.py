"""The portal shows the follow-up visit a `follow_up` report created (issue 17, rules.md §7):
its date, stage and arrival window with the report, and on its own row the report it follows.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from conftest import PASSWORD
from reporting_rows import NOW, data_url, report_payload

from dispatch import clock
from dispatch.domain.follow_up import FollowUpStage
from dispatch.domain.visit_status import VisitStatus
from dispatch.extensions import db
from dispatch.models import Visit
from dispatch.services.reporting.portal import portal_view

MANAGER = "sato@example.co.jp"
# The follow-up's planned arrival, 10:40 JST on Friday 2026-11-27 → window 10:30–12:30.
ETA = datetime(2026, 11, 27, 1, 40, tzinfo=UTC)


@pytest.fixture
def first_report(tech, visit, monkeypatch) -> int:
    """The Thursday visit signed at 11:30 JST with result follow_up."""
    monkeypatch.setattr(clock, "now", lambda: NOW + timedelta(minutes=90))
    rid = tech.put(f"/visits/{visit.visit_id}/report",
                   json=report_payload(result="follow_up")).get_json()["id"]
    signed = tech.post(f"/reports/{rid}/signature",
                       json={"signer_name": "佐藤 花子", "image": data_url()})
    assert signed.status_code == 200, signed.get_json()
    return rid


def _follow_up(visit) -> Visit:
    return db.session.query(Visit).filter_by(follow_up_of_id=visit.visit_id).one()


def _portal(app, make_user) -> str:
    make_user("site_manager", MANAGER)
    browser = app.test_client()
    browser.post("/login", data={"email": MANAGER, "password": PASSWORD})
    page = browser.get("/customer/")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def _row(html: str, row_id: str) -> str:
    start = html.index(f'id="{row_id}"')
    return html[start:html.index("</tr>", start)]


def test_a_new_follow_up_shows_its_date_and_that_a_technician_is_being_arranged(
        app, make_user, visit, first_report):
    follow = _follow_up(visit)
    html = _portal(app, make_user)
    row = _row(html, f"follow-up-{follow.id}")
    assert "2026年11月27日（金）" in row and "訪問日決定・技術者調整中" in row
    assert "調整中" in row and visit.serial in row
    # The follow-up's own row names the report it follows, and links to it.
    assert f'href="#report-{first_report}"' in row
    assert "2026年11月26日（木） 署名の作業報告票" in row
    # The report's row carries the visit it created.
    report = _row(html, f"report-{first_report}")
    assert "要再訪" in report and f'href="#follow-up-{follow.id}"' in report
    assert "継続訪問</a>: 2026年11月27日（金） · 訪問日決定・技術者調整中" in report


def test_an_assigned_follow_up_shows_the_technician_and_the_arrival_window(
        app, make_user, visit, first_report):
    follow = _follow_up(visit)
    follow.technician_id, follow.status, follow.eta = visit.technician_id, "planned", ETA
    db.session.flush()
    html = _portal(app, make_user)
    row = _row(html, f"follow-up-{follow.id}")
    assert "技術者手配済み" in row and "10:30–12:30" in row
    assert "技術者手配済み · 10:30–12:30" in _row(html, f"report-{first_report}")


def test_the_follow_ups_own_report_says_which_report_it_follows(
        app, make_user, tech, visit, first_report, monkeypatch):
    follow = _follow_up(visit)
    follow.technician_id, follow.status = visit.technician_id, "arrived"
    db.session.flush()
    # Friday's visit, signed at 11:30 JST that day with the job resolved.
    monkeypatch.setattr(clock, "now", lambda: NOW + timedelta(days=1, minutes=90))
    friday = {"arrived_at": "2026-11-27T10:05:00+09:00",
              "departed_at": "2026-11-27T11:20:00+09:00"}
    rid = tech.put(f"/visits/{follow.id}/report", json=report_payload(**friday)).get_json()["id"]
    assert tech.post(f"/reports/{rid}/signature", json={
        "signer_name": "佐藤 花子", "image": data_url()}).status_code == 200
    html = _portal(app, make_user)
    assert "訪問済み" in _row(html, f"follow-up-{follow.id}")
    second = _row(html, f"report-{rid}")
    assert f'href="#report-{first_report}"' in second
    assert "継続訪問（元の報告: 2026年11月26日（木） 署名）" in second
    # The resolved report created no visit of its own.
    assert "follow-up-of-report" not in second


def test_the_follow_up_reads_in_english(app, make_user, visit, first_report):
    make_user("site_manager", MANAGER)
    browser = app.test_client()
    browser.post("/login", data={"email": MANAGER, "password": PASSWORD})
    browser.get("/lang/en")
    html = browser.get("/customer/").get_data(as_text=True)
    row = _row(html, f"follow-up-{_follow_up(visit).id}")
    assert "Fri 27 Nov 2026" in row and "Date set, technician being arranged" in row
    assert "Report signed Thu 26 Nov 2026" in row


def test_portal_view_pairs_each_follow_up_with_its_report(visit, first_report):
    view = portal_view(MANAGER, NOW.date())
    [line] = view.follow_ups
    assert (line.follows_report_id, line.service_date.isoformat(), line.state.stage) == (
        first_report, "2026-11-27", FollowUpStage.SCHEDULED)
    [report] = view.reports
    assert report.follow_up == line and report.follows_report_id is None


def test_another_managers_portal_shows_no_follow_up(visit, first_report):
    view = portal_view("other@example.co.jp", NOW.date())
    assert (view.follow_ups, view.reports) == ([], [])
    assert _follow_up(visit).status == VisitStatus.UNASSIGNED
