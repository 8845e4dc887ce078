"""Seed §13 on the tablet: the checklist goes into the sealed report; with nobody attending
the technician reschedules instead of working (rules.md §7)."""

from __future__ import annotations

from browser_steps import TECH, _draw_signature, _fill_report, _login, _setup

from dispatch.extensions import db
from dispatch.models import Visit
from dispatch.models import WorkReport as ReportRow


def test_checklist_answers_are_signed_with_the_report(app, page, live_server):
    visit_id = _setup(app)
    _login(page, TECH)
    _fill_report(page, visit_id)
    page.uncheck("input[data-item=backup_kept]")  # recorded as it was on site
    page.click("text=保存して署名へ")
    assert "バックアップ" in page.locator("#summary").inner_text()
    _draw_signature(page)
    page.click("#pad-sign")
    page.wait_for_url("**/done")
    with app.app_context():
        row = db.session.query(ReportRow).filter_by(visit_id=visit_id).one()
        assert row.status == "signed"
        assert row.content["checklist"] == {"attendant_present": True, "environment_ok": True,
                                            "backup_kept": False, "software_licensed": True}


def test_no_attendant_reschedules_the_visit_from_the_tablet(app, page, live_server):
    visit_id = _setup(app)
    _login(page, TECH)
    page.goto(f"/visits/{visit_id}/report")
    assert page.locator("#no-attendant-form").is_hidden()
    page.uncheck("input[data-item=attendant_present]")
    assert page.locator("#no-attendant-note").is_visible()
    assert page.locator("#save-draft").is_disabled()  # no report of work that was not done
    page.fill("#no_attendant_reason", "ご担当者が急用で外出")
    page.check("#no-attendant-form input[name=confirm]")
    page.click("#no-attendant-form button[type=submit]")
    page.wait_for_url("**/tablet**")
    assert "2026-11-27" in page.locator("p[role=status]").inner_text()
    with app.app_context():
        visit = db.session.get(Visit, visit_id)
        assert (visit.service_date.isoformat(), visit.status, visit.drop_codes) == (
            "2026-11-27", "unassigned", ["NO_ATTENDANT"])
