"""Demo reports: one signed and verifiable, one draft, created once."""

from __future__ import annotations

from datetime import UTC, date, datetime

from reporting_rows import make_visit
from sqlalchemy import select

from dispatch import clock
from dispatch.demo_data import reporting as demo
from dispatch.extensions import db
from dispatch.models import WorkReport
from dispatch.services.reporting.verify import verify_report


def test_demo_creates_a_signed_report_and_a_draft_once(app):
    make_visit(serial="AK30000001")
    make_visit(serial="AK30000002", tech_email="suzuki@oxt.example.jp")
    demo.load(date(2026, 11, 26))
    demo.load(date(2026, 11, 26))
    rows = db.session.scalars(select(WorkReport).order_by(WorkReport.id)).all()
    assert [r.status for r in rows] == ["signed", "draft"]
    assert verify_report(rows[0])["valid"] is True


def test_demo_makes_minimal_visits_on_the_demo_base_when_none_exist(app):
    from dispatch.demo import load_demo

    list(load_demo(date(2026, 11, 26)))
    demo.load(date(2026, 11, 26))
    rows = db.session.scalars(select(WorkReport).order_by(WorkReport.id)).all()
    assert [r.status for r in rows] == ["signed", "draft"]
    assert verify_report(rows[0])["valid"] is True


def test_demo_site_manager_sees_the_signed_demo_report_in_the_portal(app, client):
    from dispatch.demo import DEMO_PASSWORD, load_demo

    list(load_demo(date(2026, 11, 26)))
    demo.load(date(2026, 11, 26))
    signed = db.session.scalar(select(WorkReport).where(WorkReport.status == "signed"))
    email = signed.visit.call.device.site.manager_email
    client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
    html = client.get("/customer/").get_data(as_text=True)
    assert f"/customer/reports/{signed.id}.pdf" in html
    assert client.get(f"/customer/reports/{signed.id}.pdf").data.startswith(b"%PDF")


def test_demo_built_early_in_the_morning_still_signs_its_report(app, monkeypatch):
    # 08:00 in Tokyo on the demo day: the usual 10:05–11:20 visit would end after the
    # signature, which rules.md §7 refuses; the demo visit ends by the time it is built.
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 25, 23, 0, tzinfo=UTC))
    make_visit(serial="AK30000001")
    make_visit(serial="AK30000002", tech_email="suzuki@oxt.example.jp")
    demo.load(date(2026, 11, 26))
    rows = db.session.scalars(select(WorkReport).order_by(WorkReport.id)).all()
    assert [r.status for r in rows] == ["signed", "draft"]
    assert rows[0].content["departed_at"] == "2026-11-26T08:00:00+09:00"
