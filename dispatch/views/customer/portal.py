"""Customer portal for site managers: their sites, devices with coverage, signed reports
(rules.md §8: a site manager sees only their own sites, devices and reports)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from dispatch import clock
from dispatch.domain.roles import Role
from dispatch.errors import DispatchError, NotFound
from dispatch.i18n import add_messages, translate
from dispatch.services.reporting import non_conformity
from dispatch.services.reporting.documents import report_pdf
from dispatch.services.reporting.portal import own_signed_reports, own_sites, portal_view
from dispatch.services.unit_of_work import unit_of_work
from dispatch.views.access import current_actor, role_required
from dispatch.views.customer.verify import public_verify_url
from reports.document import EXCLUSION_CAUSE_LABELS

bp = Blueprint("customer", __name__, url_prefix="/customer")

add_messages({
    "customer.title": ("お客様ポータル", "Customer portal"),
    "customer.coverage": ("保守対象", "Coverage"),
    "customer.covered": ("対象（〜{end}）", "Covered (until {end})"),
    "customer.not_covered": ("対象外", "Not covered"),
    "customer.liability_cap": ("損害賠償の上限（1年分相当のパック料金）",
                               "Liability cap (one year's pack fee)"),
    "customer.cap_unknown": ("パック価格の登録なし", "pack price not recorded"),
    "customer.reports": ("署名済みの作業報告票", "Signed work reports"),
    "customer.no_reports": ("署名済みの作業報告票はまだありません。", "No signed reports yet."),
    "customer.no_devices": ("この設置場所に対象製品はありません。", "No devices at this site."),
    "customer.signed_at": ("署名日時", "Signed at"),
    "customer.portal_link": ("お客様ポータルを開く", "Open the customer portal"),
    "customer.nc.title": ("作業内容の不適合のお申し出", "Report work that does not meet the spec"),
    "customer.nc.hint": (
        "署名済みの作業がサービス仕様書の内容と異なる場合は、お申し出ください。修復のための"
        "作業を無償で繰り返し実施します（お客様側の原因による場合を除きます）。",
        "If signed work does not meet the service specification, tell us: we repeat the "
        "work needed to put it right, free of charge (unless the cause is on the customer's "
        "side)."),
    "customer.nc.which": ("対象の作業報告票", "Which work report"),
    "customer.nc.description": ("内容", "What is wrong"),
    "customer.nc.submit": ("申し出る", "Report"),
    "customer.nc.report": ("作業報告票", "Report"),
    "customer.nc.status.open": ("対応中", "Being reworked"),
    "customer.nc.status.resolved": ("修復済み", "Put right"),
    "customer.nc.status.refused": ("対象外", "Not covered"),
    "customer.nc.rework_on": ("再作業の予定日: {date}", "Rework planned for {date}"),
    "customer.nc.refused_because": ("理由:", "Reason:"),
    "customer.nc.done": ("お申し出を受け付けました。", "Your report was received."),
    "customer.follow_ups": ("継続訪問の予定", "Follow-up visits"),
    "customer.follow_up": ("継続訪問", "Follow-up visit"),
    "customer.follow_up.date": ("訪問日", "Visit date"),
    "customer.follow_up.stage": ("状況", "Status"),
    "customer.follow_up.window": ("到着予定時間帯", "Arrival window"),
    "customer.follow_up.follows": ("元の作業報告票", "Follows the report"),
    "customer.follow_up.window_pending": ("調整中", "being arranged"),
    "customer.follow_up.stage.scheduled": ("訪問日決定・技術者調整中",
                                           "Date set, technician being arranged"),
    "customer.follow_up.stage.assigned": ("技術者手配済み", "Technician assigned"),
    "customer.follow_up.stage.done": ("訪問済み", "Done"),
    "customer.follow_up.stage.cancelled": ("中止", "Cancelled"),
    "customer.follow_up.report_of": ("{date} 署名の作業報告票", "Report signed {date}"),
    "customer.follows_report": ("継続訪問（元の報告: {date} 署名）",
                                "Follow-up visit (of the report signed {date})"),
    "customer.report_no": ("作業報告票 #{id}", "Report #{id}"),
})


@bp.get("/")
@role_required(Role.SITE_MANAGER)
def portal() -> str:
    today = clock.today_tokyo()
    view = portal_view(current_user.email, today)
    return render_template("customer/portal.html", view=view, today=today,
                           causes=EXCLUSION_CAUSE_LABELS)


@bp.post("/non-conformities")
@role_required(Role.SITE_MANAGER)
def claim_non_conformity() -> Any:
    """Seed §17.1 from the portal: the same use case as POST /reports/{id}/non-conformities."""
    try:
        with unit_of_work():
            non_conformity.claim_non_conformity(
                request.form.get("report_id", type=int) or 0,
                request.form.get("description", ""), current_actor())
    except DispatchError as error:
        if error.status == 404:
            raise
        flash(error.detail, "error")
    else:
        flash(translate("customer.nc.done"), "success")
    return redirect(url_for("customer.portal") + "#non-conformity")


@bp.get("/reports/<int:report_id>.pdf")
@role_required(Role.SITE_MANAGER)
def report_pdf_download(report_id: int) -> Any:
    own = own_signed_reports([s.id for s in own_sites(current_user.email)])
    row = next((r for r, _, _ in own if r.id == report_id), None)
    if row is None:
        raise NotFound(f"no report {report_id}")
    verify = public_verify_url(row)
    return Response(report_pdf(row, verify), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="report-{row.id}.pdf"'})
