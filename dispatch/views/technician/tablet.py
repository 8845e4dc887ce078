"""The technician's tablet page (rules.md §6): today's stops in order, status buttons."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from dispatch import clock
from dispatch.domain.codes import RuleCode
from dispatch.domain.roles import Role
from dispatch.domain.visit_status import REPORTABLE, VisitStatus, next_statuses
from dispatch.errors import DispatchError
from dispatch.extensions import db
from dispatch.i18n import add_messages, translate
from dispatch.models import Pack, Visit, WorkReport
from dispatch.services.day import visits as visit_control
from dispatch.services.day.board import with_site
from dispatch.services.unit_of_work import unit_of_work
from dispatch.views.access import current_actor, role_required

bp = Blueprint("tablet", __name__, url_prefix="/tablet")

# What the report forms need besides the pages, kept on the device for an offline start.
OFFLINE_FILES = ("app.css", "tablet.css", "css/reports.css", "js/offline.js", "js/signpad.js",
                 "js/photos.js", "js/reports.js", "vendor/signature_pad/signature_pad.umd.min.js",
                 "manifest.webmanifest")

add_messages({
    "tablet.title": ("本日の訪問", "Today's visits"),
    "tablet.none": ("本日の訪問はありません", "No visits today"),
    "tablet.no_tech": ("技術者として登録されていません", "You are not registered as a technician"),
    "tablet.open_map": ("地図アプリで開く", "Open in maps"),
    "tablet.google": ("Google マップ", "Google Maps"),
    "tablet.en_route": ("移動開始", "En route"),
    "tablet.arrived": ("到着", "Arrived"),
    "tablet.done": ("作業完了", "Done"),
    "tablet.report": ("作業報告票", "Work report"),
    "tablet.symptom": ("症状", "Symptom"),
    "tablet.device": ("対象製品", "Device"),
    "tablet.coverage": ("保守", "Coverage"),
    "tablet.status.planned": ("予定", "Planned"),
    "tablet.status.en_route": ("移動中", "En route"),
    "tablet.status.arrived": ("作業中", "On site"),
    "tablet.status.done": ("完了", "Done"),
    "tablet.current": ("現在の訪問", "Current visit"),
    "tablet.contact": ("連絡先", "Contact"),
    "tablet.manager": ("現場責任者", "Site manager"),
    "tablet.report_state": ("作業報告票", "Work report"),
    "tablet.report_none": ("未作成", "not started"),
    "tablet.done_needs_report": (
        "作業完了は、作業報告票の署名（または署名拒否の記録）の後に押せます。",
        "Done becomes available once the work report is signed or its refusal recorded."),
    "tablet.error": ("操作できませんでした。画面を更新してもう一度お試しください。",
                     "That did not work. Reload the page and try again."),
})

@bp.get("")
@role_required(Role.TECHNICIAN)
def today() -> Any:
    tech = visit_control.technician_of(current_user)
    day = clock.today_tokyo()
    visits: Sequence[Visit] = []
    if tech is not None:
        visits = db.session.scalars(select(Visit).where(
            Visit.technician_id == tech.id, Visit.service_date == day,
            Visit.status != VisitStatus.CANCELLED).options(with_site())
            .order_by(Visit.sequence, Visit.id)).unique().all()
    packs = {p.id: p for p in db.session.scalars(select(Pack).where(
        Pack.id.in_([v.call.pack_id for v in visits if v.call.pack_id])))} if visits else {}
    current = next((v for v in visits if v.status != VisitStatus.DONE), None)
    report_status = {visit_id: status for visit_id, status in db.session.execute(
        select(WorkReport.visit_id, WorkReport.status).where(
            WorkReport.visit_id.in_([v.id for v in visits])))} if visits else {}
    return render_template("technician/today.html", day=day, tech=tech, visits=visits,
                           packs=packs, current=current, next_statuses=next_statuses,
                           report_status=report_status, error=_error_message(),
                           offline_files=[url_for("static", filename=f) for f in OFFLINE_FILES])


def _error_message() -> str | None:
    """The Japanese (or English) sentence for the rule code a refused tap came back with."""
    code = request.args.get("error")
    if not code:
        return None
    return translate(f"code.{code}") if code in RuleCode.__members__ else translate("tablet.error")


@bp.post("/visits/<int:visit_id>/status")
@role_required(Role.TECHNICIAN)
def status(visit_id: int) -> Any:
    new = request.form.get("status", "")
    version = request.form.get("version", "")
    if new not in REPORTABLE or not version.isascii() or not version.isdigit() \
            or len(version) > 9:
        abort(400)  # the form always sends both; anything else is not our form
    actor = current_actor()
    try:
        with unit_of_work():
            visit_control.set_status(visit_id, new, int(version),
                                     current_user, actor, clock.now())
    except DispatchError as error:
        if error.status == 403:
            abort(403)
        return redirect(url_for("tablet.today", error=error.codes[0] if error.codes else "other"))
    return redirect(url_for("tablet.today") + f"#visit-{visit_id}")
