"""Each notification of rules.md §11 written by its state change and delivered through a
real SMTP server (aiosmtpd): who gets it and what it says."""

from __future__ import annotations

from datetime import UTC, date, datetime

from day_rows import DAY, Day
from factories import installed_device
from registration_factories import Flow
from reporting_rows import BEFORE_NOW, NOW, make_visit, report_payload
from sqlalchemy import select

from dispatch.clock import TOKYO
from dispatch.domain.notices_text import arrival_window
from dispatch.extensions import db
from dispatch.models import Application, Customer, RepairCall, Visit, WorkReport
from dispatch.services.day import planning
from dispatch.services.notify import delivery, messages
from dispatch.services.registration.lifecycle import (
    remind_late_applications,
    send_morning_digest,
)
from dispatch.services.trust.audit import SYSTEM
from dispatch.services.unit_of_work import unit_of_work


def _delivered(mailbox) -> list:
    assert delivery.deliver_due(NOW)["smtp"] is True
    return mailbox.parsed()


def _text(mail) -> str:
    return mail.get_body(preferencelist=("plain",)).get_content()


def test_visit_scheduled_tells_the_site_manager_the_date_and_window(app, mailbox, monkeypatch):
    monkeypatch.setitem(app.config, "DISPATCH_PLAN_SECONDS", 1)
    monkeypatch.setitem(app.config, "DISPATCH_SOLUTION_LIMIT", 40)
    day = Day()
    day.tech(day.base())
    visit = day.call(35.69, 139.70)
    with unit_of_work():
        planning.plan_day(DAY, SYSTEM)
    db.session.refresh(visit)
    assert visit.eta is not None
    (mail,) = _delivered(mailbox)
    assert mail["To"] == visit.call.device.site.manager_email
    assert mail["Subject"] == "訪問日のお知らせ（2026-11-26）"
    start, end = (t.astimezone(TOKYO) for t in arrival_window(visit.eta))
    assert f"到着予定時間帯: {start:%H:%M}–{end:%H:%M}" in _text(mail)
    # Planning again with the same window writes nothing new.
    with unit_of_work():
        planning.plan_day(DAY, SYSTEM)
    assert len(_delivered(mailbox)) == 1


def test_technician_on_the_way_sends_the_eta(api_as, mailbox):
    ids = make_visit()
    visit = db.session.get(Visit, ids.visit_id)
    visit.status, visit.eta = "planned", datetime(2026, 11, 26, 2, 15, tzinfo=UTC)
    db.session.flush()
    tech = api_as("technician", "suzuki@oxt.example.jp")
    answer = tech.post(f"/visits/{ids.visit_id}/status",
                       json={"status": "en_route", "version": visit.version})
    assert answer.status_code == 200, answer.get_json()
    (mail,) = _delivered(mailbox)
    assert (mail["To"], mail["Subject"]) == ("sato@example.co.jp", "技術者が移動を開始しました")
    assert "到着予定: 11:15" in _text(mail)  # 02:15 UTC


def test_remote_signing_link_goes_to_the_site_manager(api_as, mailbox, app, monkeypatch):
    monkeypatch.setitem(app.config, "DISPATCH_EXTERNAL_URL", "https://dispatch.oxt.example.jp")
    ids = make_visit()
    tech = api_as("technician", "suzuki@oxt.example.jp")
    rid = tech.put(f"/visits/{ids.visit_id}/report",
                   json=report_payload(**BEFORE_NOW)).get_json()["id"]
    link = tech.post(f"/reports/{rid}/signing-link").get_json()["url"]
    token = link.rsplit("/", 1)[1]
    (mail,) = _delivered(mailbox)
    assert mail["Subject"] == "作業報告票への署名のお願い"
    assert f"https://dispatch.oxt.example.jp/sign/{token}" in _text(mail)


def test_rework_call_notice_for_a_non_conformity(mailbox):
    ids = make_visit()
    call = db.session.get(RepairCall, ids.call_id)
    report = WorkReport(visit_id=ids.visit_id, status="signed", content={"result": "resolved"},
                        updated_at=NOW)
    db.session.add(report)
    db.session.flush()
    with unit_of_work():
        messages.rework_opened(call, report, NOW)
    (mail,) = _delivered(mailbox)
    assert mail["Subject"] == "再作業を受け付けました"
    assert f"受付番号: {call.id}" in _text(mail) and "無償" in _text(mail)


def test_registration_completion_notice_goes_to_the_packs_customer(coordinator, mailbox):
    device = installed_device(coordinator)
    db.session.get(Customer, device["customer_id"]).email = "soumu@test-shoji.example.jp"
    db.session.flush()
    done = Flow(coordinator).registered()
    (mail,) = _delivered(mailbox)
    assert (mail["To"], mail["Subject"]) == ("soumu@test-shoji.example.jp",
                                              "登録処理完了について（御通知）")
    text = _text(mail)
    assert f"サポートパックID: {done['support_pack_id']}" in text
    assert "サービス提供期間: 2026-05-19 〜 2031-04-09" in text


def test_ten_day_application_reminder_once(coordinator, mailbox):
    device = installed_device(coordinator)
    db.session.get(Customer, device["customer_id"]).email = "soumu@test-shoji.example.jp"
    db.session.flush()
    Flow(coordinator).pack(received_on="2026-05-01")
    with unit_of_work():
        assert remind_late_applications(date(2026, 5, 12)) == 1
        assert remind_late_applications(date(2026, 5, 13)) == 0
    (mail,) = _delivered(mailbox)
    assert mail["Subject"] == "サポートパック登録申請のお願い"
    assert "製品 AK12345678" in _text(mail)


def test_a_stopped_customer_is_not_even_written_to(coordinator, mailbox):
    device = installed_device(coordinator)
    customer = db.session.get(Customer, device["customer_id"])
    customer.email, customer.use_stopped_at = "soumu@test-shoji.example.jp", NOW
    db.session.flush()
    Flow(coordinator).pack(received_on="2026-05-01")
    with unit_of_work():
        remind_late_applications(date(2026, 5, 12))
    assert _delivered(mailbox) == []


def test_morning_digest_lists_sla_breaches_and_unassigned_same_day_calls(
        coordinator, make_user, mailbox):
    coordinator_email, _ = make_user("coordinator", "desk@oxt.example.jp")
    installed_device(coordinator)
    flow = Flow(coordinator)
    application_id = flow.apply(flow.pack()["id"], "2026-05-10")
    db.session.get(Application, application_id).sla_breached_on = date(2026, 5, 20)
    visit = Day().call(on=DAY)
    db.session.flush()
    with unit_of_work():
        assert send_morning_digest(DAY) == 2  # the fixture's coordinator and desk@
    mails = {m["To"]: m for m in _delivered(mailbox)}
    text = _text(mails["desk@oxt.example.jp"])
    assert "登録SLA超過（未登録）: 1 件" in text and f"申請 {application_id}" in text
    assert "当日対応で未割当の受付: 1 件" in text and f"受付 {visit.call_id}" in text
    assert db.session.scalar(select(Application.id)) == application_id
