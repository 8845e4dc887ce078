"""The notifications of rules.md §11, each written to the outbox by the change causing it.

Every message says no more than the page it stands for: the site manager's portal (visit
date and window, ETA, the report they signed), the completion notice (the pack's customer)
and the coordinator's queue (the digest). Nothing else from the records goes out.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app
from sqlalchemy import select

from dispatch import clock
from dispatch.domain.call_decision import Decision
from dispatch.domain.call_status import CallStatus
from dispatch.domain.notices_text import arrival_window
from dispatch.domain.outbox import MessageKind
from dispatch.domain.products import PackStatus
from dispatch.domain.roles import Role
from dispatch.domain.visit_status import VisitStatus
from dispatch.extensions import db
from dispatch.models import (
    Application,
    Device,
    Pack,
    RepairCall,
    Site,
    User,
    Visit,
    WorkReport,
)
from dispatch.services.notify.outbox import Draft, enqueue, enqueue_many, is_queued

SIGNATURE = ("OXT オンサイト保守サービス窓口", "OXT onsite service desk")
RESULT_LABELS = {"resolved": ("解決", "resolved"), "follow_up": ("継続対応", "follow-up visit"),
                 "unresolved": ("未解決", "unresolved")}


def _hm(value: datetime) -> str:
    return clock.to_tokyo(value).strftime("%H:%M")


def _site_of(call: RepairCall) -> Site | None:
    return call.device.site if call.device is not None else None


def _body(ja: list[str], en: list[str]) -> tuple[str, str]:
    return ("\n".join([*ja, "", SIGNATURE[0]]), "\n".join([*en, "", SIGNATURE[1]]))


def _to_site_manager(kind: MessageKind, key: str, call: RepairCall,
                     subject: tuple[str, str], body: tuple[str, str], now: datetime,
                     attachment: dict[str, int] | None = None) -> None:
    site = _site_of(call)
    if site is None or not site.manager_email:
        return
    enqueue(Draft(kind, key, site.manager_email, subject, body, site.customer_id, attachment),
            now)


def visit_scheduled(visit: Visit, now: datetime) -> None:
    """To the site manager: the visit's date and arrival window, once per date and window."""
    site = _site_of(visit.call)
    if site is not None:
        draft = _visit_scheduled_draft(visit.id, visit.service_date, visit.eta,
                                       visit.call.serial, site.manager_email, site.customer_id)
        if draft is not None:
            enqueue(draft, now)


def _visit_scheduled_draft(visit_id: int, service_date: date, eta: datetime | None,
                           serial: str, manager_email: str | None,
                           customer_id: int | None) -> Draft | None:
    if not manager_email:
        return None
    day = service_date.isoformat()
    if eta is not None:
        start, end = arrival_window(eta)
        window = f"{_hm(start)}–{_hm(end)}"
    else:
        window = ""
    subject = (f"訪問日のお知らせ（{day}）", f"Visit scheduled ({day})")
    body = _body(
        [f"製品 {serial} の修理に技術者がお伺いします。",
         f"訪問日: {day}", f"到着予定時間帯: {window or '調整中'}"],
        [f"A technician will visit for device {serial}.",
         f"Date: {day}", f"Arrival window: {window or 'being arranged'}"])
    return Draft(MessageKind.VISIT_SCHEDULED, f"visit_scheduled:{visit_id}:{day}:{window}",
                 manager_email, subject, body, customer_id)


def technician_en_route(visit: Visit, now: datetime) -> None:
    """To the site manager when the technician taps 移動開始: the expected arrival."""
    call = visit.call
    eta = visit.eta if visit.eta is not None and visit.eta > now else None
    eta_text = _hm(eta) if eta else "—"
    subject = ("技術者が移動を開始しました", "The technician is on the way")
    body = _body([f"製品 {call.serial} の修理に、技術者がそちらへ向かっています。",
                  f"到着予定: {eta_text}"],
                 [f"The technician is on the way for device {call.serial}.",
                  f"Expected arrival: {eta_text}"])
    _to_site_manager(MessageKind.TECHNICIAN_EN_ROUTE, f"en_route:{visit.id}:{now.isoformat()}",
                     call, subject, body, now)


def report_signed(report: WorkReport, now: datetime) -> None:
    """To the site manager: the signed report, its PDF attached (built when sending)."""
    call = report.visit.call
    result = RESULT_LABELS.get(str(report.content.get("result")), ("", ""))
    signed_on = clock.to_tokyo(report.signed_at or now).date().isoformat()
    subject = (f"作業報告票（{signed_on} 署名）", f"Signed work report ({signed_on})")
    body = _body([f"製品 {call.serial} の作業報告票をお送りします（PDF 添付）。",
                  f"署名日: {signed_on}", f"結果: {result[0]}"],
                 [f"Attached is the signed work report for device {call.serial} (PDF).",
                  f"Signed on: {signed_on}", f"Result: {result[1]}"])
    _to_site_manager(MessageKind.REPORT_SIGNED, f"report_signed:{report.id}", call, subject,
                     body, now, attachment={"report_pdf": report.id})


def signing_link_created(report: WorkReport, token: str, url: str, now: datetime) -> None:
    """To the site manager: the one-time remote signing link (valid 72 hours).

    `url` is built by the signing-link service from DISPATCH_EXTERNAL_URL, never the Host.
    """
    call = report.visit.call
    subject = ("作業報告票への署名のお願い", "Please sign the work report")
    body = _body([f"製品 {call.serial} の作業報告票をご確認のうえ、署名をお願いします。",
                  url, "このリンクは一度だけ、72 時間有効です。"],
                 [f"Please check and sign the work report for device {call.serial}.",
                  url, "The link works once and for 72 hours."])
    _to_site_manager(MessageKind.SIGNING_LINK, f"signing_link:{report.id}:{token[:16]}", call,
                     subject, body, now)


def rework_opened(call: RepairCall, report: WorkReport, now: datetime) -> None:
    """To the site manager: a rework call opened for a reported non-conformity (§7).

    Called by the service that opens the rework call, in its unit of work.
    """
    day = call.service_date.isoformat() if call.service_date else "—"
    subject = ("再作業を受け付けました", "Rework call opened")
    body = _body([f"製品 {call.serial} の作業内容についてのご指摘を受け、再作業を手配します"
                  "（無償）。", f"受付番号: {call.id}", f"訪問予定日: {day}"],
                 [f"Following your report about the work on device {call.serial}, a rework "
                  "visit is arranged free of charge.", f"Call number: {call.id}",
                  f"Planned date: {day}"])
    _to_site_manager(MessageKind.REWORK_OPENED, f"rework:{call.id}:{report.id}", call,
                     subject, body, now)


def _pack_customer(pack: Pack) -> tuple[str | None, int]:
    customer = pack.device.site.customer
    return customer.email, customer.id


def registration_completed(pack: Pack, now: datetime) -> None:
    """To the pack's customer: what the completion notice page shows (rules.md §4)."""
    from dispatch.services.registration.notices import registration_notice

    notice = registration_notice(pack)
    email, customer_id = _pack_customer(pack)
    if not email:
        return
    line = current_app.config["DISPATCH_REPAIR_LINE"]
    subject = ("登録処理完了について（御通知）", "Support pack registration completed")
    body = _body([f"{notice.customer_name} 様", "", "サポートパックの登録が完了しました。",
                  f"サポートパック: {notice.product_label}",
                  f"製品: {notice.model_name} {notice.serial}",
                  f"サポートパックID: {notice.support_pack_id}",
                  f"サービス提供期間: {notice.coverage_start} 〜 {notice.coverage_end}",
                  f"対応時間: {notice.support_hours_label}", f"修理受付: {line}"],
                 ["Your support pack is registered.",
                  f"Device: {notice.model_name} {notice.serial}",
                  f"Support pack ID: {notice.support_pack_id}",
                  f"Service period: {notice.coverage_start} to {notice.coverage_end}",
                  f"Repair line: {line}"])
    enqueue(Draft(MessageKind.REGISTRATION_COMPLETED, f"registered:{pack.id}", email, subject,
                  body, customer_id), now)


def application_reminders(pack_ids: list[int], day: date, now: datetime) -> int:
    """To each pack's customer: the 10-day application reminder (rules.md §4)."""
    written = 0
    for pack in db.session.scalars(select(Pack).where(Pack.id.in_(pack_ids))):
        email, customer_id = _pack_customer(pack)
        if not email:
            continue
        serial = pack.device.serial
        subject = ("サポートパック登録申請のお願い", "Please apply to register your support pack")
        body = _body([f"製品 {serial} のサポートパックの登録申請がまだ届いていません。",
                      "お受け取りから 10 日以内の申請をお願いしております。"],
                     [f"We have not yet received the registration application for the support "
                      f"pack of device {serial}.", "Please apply within 10 days of receiving it."])
        if enqueue(Draft(MessageKind.APPLICATION_REMINDER, f"reminder:{pack.id}:{day}", email,
                         subject, body, customer_id), now):
            written += 1
    return written


def morning_digest(day: date, now: datetime) -> int:
    """To each coordinator: unregistered applications past the SLA and today's calls at risk."""
    breaches = db.session.scalars(
        select(Application).where(Application.status == PackStatus.APPLIED,
                                  Application.sla_breached_on.is_not(None))
        .order_by(Application.applied_on)).all()
    at_risk = db.session.scalars(
        select(RepairCall).join(Visit, Visit.call_id == RepairCall.id)
        .where(RepairCall.decision == Decision.SAME_DAY, Visit.service_date == day,
               RepairCall.status.not_in([CallStatus.CANCELLED, CallStatus.DONE]),
               Visit.status == VisitStatus.UNASSIGNED)
        .order_by(RepairCall.received_at).distinct()).all()
    ja = [f"{day.isoformat()} の朝の確認事項", "",
          f"登録SLA超過（未登録）: {len(breaches)} 件",
          *[f"  申請 {a.id}（申請日 {a.applied_on}、製品 {a.pack.device.serial}）"
            for a in breaches],
          f"当日対応で未割当の受付: {len(at_risk)} 件",
          *[f"  受付 {c.id}（{_hm(c.received_at)} 受付、製品 {c.serial}）" for c in at_risk]]
    en = [f"Morning digest for {day.isoformat()}", "",
          f"Registration SLA breaches (unregistered): {len(breaches)}",
          *[f"  application {a.id} (applied {a.applied_on}, device {a.pack.device.serial})"
            for a in breaches],
          f"Same-day calls not assigned: {len(at_risk)}",
          *[f"  call {c.id} (received {_hm(c.received_at)}, device {c.serial})" for c in at_risk]]
    coordinators = db.session.scalars(
        select(User).where(User.role == Role.COORDINATOR, User.is_enabled.is_(True))).all()
    written = 0
    for user in coordinators:
        subject = (f"朝の確認事項（{day.isoformat()}）", f"Morning digest ({day.isoformat()})")
        key = f"digest:{day}:{user.id}"
        # Counted only when new: the daily jobs report what they changed (a rerun: 0).
        if not is_queued(key) and enqueue(Draft(MessageKind.MORNING_DIGEST, key, user.email,
                                                subject, _body(ja, en)), now):
            written += 1
    return written


def plan_scheduled(plan_id: int, now: datetime) -> int:
    """visit_scheduled for every visit a new plan placed (unchanged windows are not resent)."""
    # One query of plain values, not objects: a national day places 10,000 visits.
    found = db.session.execute(
        select(Visit.id, Visit.service_date, Visit.eta, RepairCall.serial, Site.manager_email,
               Site.customer_id)
        .join(RepairCall, Visit.call_id == RepairCall.id)
        .join(Device, RepairCall.device_id == Device.id)
        .join(Site, Device.site_id == Site.id)
        .where(Visit.plan_id == plan_id, Visit.status == VisitStatus.PLANNED)
        .order_by(Visit.id)).all()
    drafts = [draft for draft in (_visit_scheduled_draft(*row) for row in found)
              if draft is not None]
    # Written together: one message at a time cost ~6 ms each, 10 s for a national day.
    enqueue_many(drafts, now)
    return len(found)
