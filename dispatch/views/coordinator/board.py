"""The coordinator's board (rules.md §6): map, timelines, unassigned visits, plan on demand,
dispatch by hand (drag or the assign control) and live updates by short polling with ETags."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for
from sqlalchemy import select

from dispatch import clock
from dispatch.domain.job_status import JobStatus
from dispatch.domain.roles import Role
from dispatch.errors import Conflict, InvalidInput, NotFound
from dispatch.extensions import db
from dispatch.i18n import add_messages, current_locale, translate
from dispatch.models import ServiceBase
from dispatch.services.day import plan_jobs, replanning
from dispatch.services.day import visits as visit_control
from dispatch.services.day.board import board_data, board_version, last_change, visit_detail
from dispatch.services.unit_of_work import unit_of_work
from dispatch.tasks.plans import enqueue_follow_up, enqueue_plan_job
from dispatch.views.access import current_actor, role_required

bp = Blueprint("board", __name__, url_prefix="/board")

add_messages({
    "board.title": ("配車ボード", "Dispatch board"),
    "board.plan": ("計画を作成／再計画", "Plan / re-plan"),
    "board.planning": ("計画を計算中です…（ボードはそのまま使えます）",
                       "Planning… (the board stays usable)"),
    "board.planned": ("計画を更新しました", "Plan updated"),
    "board.plan_failed": ("計画を作成できませんでした", "The plan could not be made"),
    "board.all_bases": ("全拠点", "All bases"),
    "board.base": ("拠点", "Base"),
    "board.map": ("地図", "Map"),
    "board.timeline": ("技術者タイムライン", "Technician timeline"),
    "board.unassigned": ("未割当の訪問", "Unassigned visits"),
    "board.none_unassigned": ("未割当の訪問はありません", "No unassigned visits"),
    "board.cutoff": ("当日対応の受付締切（標準）まで", "Until the same-day cutoff (standard)"),
    "board.cutoff_passed": ("締切済", "Passed"),
    "board.cutoff_line": ("当日締切", "Same-day cutoff"),
    "board.unplanned": ("未計画", "Not planned yet"),
    "board.no_plan": ("まだ計画がありません。「計画を作成」を押してください。",
                      "No plan yet. Press “Plan”."),
    "board.kpis": ("本日の指標", "Today's figures"),
    "board.kpi_same_day": ("当日対応の約束（完了／件数）", "Same-day promises kept"),
    "board.kpi_done": ("訪問 完了／計画", "Visits done / planned"),
    "board.kpi_at_risk": ("対応時間超過のおそれ", "At risk (ETA after hours)"),
    "board.kpi_km": ("計画走行距離", "Distance planned"),
    "board.alerts": ("要対応のアラート", "Alerts"),
    "board.alert.moved_repeatedly": ("再計画で{n}回 翌日以降へ移動しています",
                                     "Moved to a later day by re-planning {n} times"),
    "board.alert.override_unroutable": ("訪問に切替えた受付を計画に組み込めません",
                                        "An overridden call that no plan can route"),
    "board.alert_action": ("手動で割り当てる", "Assign by hand"),
    "board.assign": ("割当", "Assign"),
    "board.assign_to": ("担当技術者", "Technician"),
    "board.assign_open": ("割当…", "Assign…"),
    "board.pin": ("固定する", "Pin"),
    "board.unpin": ("固定を外す", "Unpin"),
    "board.pinned": ("固定", "Pinned"),
    "board.assigned": ("割り当てました", "Assigned"),
    "board.conflict": ("他の人が先に変更しました：{who}（{at}）{what}。"
                       "最新の状態を表示しています。",
                       "Someone changed this first: {who} ({at}) {what}. The board now "
                       "shows the latest state."),
    "board.detail": ("訪問の詳細", "Visit detail"),
    "board.close": ("閉じる", "Close"),
    "board.customer": ("お客様", "Customer"),
    "board.site": ("設置場所", "Site"),
    "board.device": ("製品", "Device"),
    "board.pack": ("サポートパック", "Support pack"),
    "board.hours": ("対応時間", "Support hours"),
    "board.symptom": ("症状", "Symptom"),
    "board.codes": ("理由コード", "Codes"),
    "board.history": ("履歴", "History"),
    "board.eta": ("到着予定", "ETA"),
    "board.status": ("状態", "Status"),
    "board.decision": ("判定", "Decision"),
    "board.untimed": ("時刻未定（次の計画で決定）", "Time set by the next plan"),
    "board.lunch": ("昼休憩", "Lunch"),
    "board.travel": ("移動", "Travel"),
    "board.support_band": ("対応時間帯", "Support hours"),
    "board.now": ("現在", "Now"),
    "board.live": ("自動更新中", "Live"),
    "board.updated": ("· 更新", "· updated"),
    "board.legend": ("凡例", "Legend"),
    "board.drag_hint": ("訪問を技術者の行へドラッグ、または訪問を選んで「割当」",
                        "Drag a visit onto a technician's row, or select it and use Assign"),
    "board.group": ("{n}件（同じ設置場所）", "{n} visits at this site"),
    "board.status.unassigned": ("未割当", "Unassigned"),
    "board.status.planned": ("予定", "Planned"),
    "board.status.en_route": ("移動中", "En route"),
    "board.status.arrived": ("作業中", "On site"),
    "board.status.done": ("完了", "Done"),
    "board.status.cancelled": ("取消", "Cancelled"),
    "board.moved_to": ("{to} へ移動", "Moved to {to}"),
    # The detail panel's history: audit actions in words (services/day, services/intake).
    "board.action.visit.assign": ("手動で割当", "Assigned by hand"),
    "board.action.visit.moved": ("再計画で別の日へ移動", "Moved to another day by re-planning"),
    "board.action.visit.en_route": ("移動開始", "En route"),
    "board.action.visit.arrived": ("到着", "Arrived"),
    "board.action.visit.done": ("完了", "Done"),
    "board.action.call.take": ("受付", "Call taken"),
    "board.action.call.add_report": ("受付に追記", "Report added to the call"),
    "board.action.call.resolve_by_phone": ("電話で解決", "Resolved by phone"),
    "board.action.call.override_phone_only": ("訪問に切替", "Sent onsite (override)"),
    "board.action.visit.no_attendant": ("立会者不在のため再訪問へ", "No attendant: rescheduled"),
    "board.action.plan.insert": ("計画に差し込み", "Inserted into the plan"),
    # The fields an audited change touched (services/day/visits.py FIELDS, intake CALL_FIELDS,
    # the moves' and no-attendant's extra keys), named as the desk says them.
    "board.field.status": ("状態", "status"),
    "board.field.technician_id": ("担当技術者", "technician"),
    "board.field.sequence": ("訪問順", "order on the route"),
    "board.field.eta": ("到着予定", "ETA"),
    "board.field.start_at": ("作業開始予定", "planned start"),
    "board.field.end_at": ("作業終了予定", "planned end"),
    "board.field.pinned": ("固定", "pinned"),
    "board.field.serial": ("シリアル番号", "serial"),
    "board.field.support_pack_id": ("サポートパックID", "support pack ID"),
    "board.field.received_at": ("受付日時", "received at"),
    "board.field.decision": ("判定", "decision"),
    "board.field.service_date": ("訪問日", "service date"),
    "board.field.visit_service_date": ("訪問日", "service date"),
    "board.field.cutoff_at": ("当日受付の締切", "same-day cutoff"),
    "board.field.codes": ("理由コード", "codes"),
    "board.field.override_reason": ("切替の理由", "override reason"),
    "board.field.symptom": ("症状", "symptom"),
    "board.field.reason": ("理由", "reason"),
    "board.field.method": ("差し込み方法", "insertion method"),
    "board.field.plan": ("計画", "plan"),
})

# The labels board.js needs, in the page's language (board.* keys above plus decisions).
JS_LABELS = [k for k in (
    "cutoff_passed", "cutoff_line", "kpi_same_day", "kpi_done", "kpi_at_risk", "kpi_km",
    "alert.moved_repeatedly", "alert.override_unroutable", "alert_action", "assign",
    "assign_to", "assign_open", "pin", "unpin", "pinned", "assigned", "conflict", "close",
    "customer", "site", "device", "pack", "hours", "symptom", "codes", "history", "eta",
    "status", "decision", "untimed", "lunch", "travel", "support_band", "now", "updated",
    "group", "moved_to", "planning", "planned", "plan_failed", "detail", "unplanned",
    "status.unassigned", "status.planned", "status.en_route", "status.arrived",
    "status.done", "status.cancelled")]


def _with_reasons(data: dict[str, Any]) -> dict[str, Any]:
    """The board data with each unassigned or moved visit's rule codes as labels."""
    for item in data["unassigned"]:
        item["reasons"] = ([translate(f"code.{c}") for c in item["codes"]]
                           or [translate("board.unplanned")])
    data["moved"] = [{**m, "reasons": [translate(f"code.{m['reason']}")]} for m in data["moved"]]
    for alert in data["alerts"]:
        alert["reasons"] = [translate(f"code.{c}") for c in alert["codes"]]
    return data


def field_labels(fields: list[str]) -> list[str]:
    """The audited field names in the page's language (a name without a label stays as is)."""
    labels = []
    for name in fields:
        label = translate(f"board.field.{name}")
        labels.append(name if label.startswith("board.field.") else label)
    return labels


def _board(day: date) -> dict[str, Any]:
    lunch = int(current_app.config.get("DISPATCH_LUNCH_MINUTES") or 45)
    return _with_reasons(board_data(day, lunch))


def _day() -> date:
    raw = request.args.get("date") or (request.get_json(silent=True) or {}).get("date")
    try:
        return date.fromisoformat(raw) if raw else clock.today_tokyo()
    except ValueError:
        raise InvalidInput("date must be YYYY-MM-DD") from None


@bp.get("")
@role_required(Role.COORDINATOR, Role.ADMIN)
def board() -> Any:
    bases = db.session.scalars(select(ServiceBase).order_by(ServiceBase.code)).all()
    labels = {key: translate(f"board.{key}") for key in JS_LABELS}
    return render_template("board/board.html", day=_day(), bases=bases, labels=labels,
                           tile_url=current_app.config.get("DISPATCH_TILE_URL") or "")


@bp.get("/data.json")
@role_required(Role.COORDINATOR, Role.ADMIN)
def data() -> Any:
    day = _day()
    # The labels are translated: a language switch must not be served a cached body.
    etag = f"{board_version(day)}-{current_locale()}"
    if request.if_none_match.contains(etag):
        unchanged = Response(status=304)
        unchanged.set_etag(etag)
        return unchanged
    response = jsonify(_board(day))
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/visits/<int:visit_id>.json")
@role_required(Role.COORDINATOR, Role.ADMIN)
def visit(visit_id: int) -> Any:
    detail = visit_detail(visit_id, current_locale())
    if detail is None:
        raise NotFound(f"no visit {visit_id}")
    detail["decision_label"] = translate(f"decision.{detail['decision']}")
    for event in detail["history"]:
        label = translate(f"board.action.{event['action']}")
        event["action"] = event["action"] if label.startswith("board.action.") else label
        event["changed_labels"] = field_labels(event["changed"])
    detail["code_labels"] = [translate(f"code.{c}")
                             for c in detail["codes"] + detail["drop_codes"]]
    return jsonify(detail)


@bp.post("/visits/<int:visit_id>/assignment")
@role_required(Role.COORDINATOR, Role.ADMIN)
def assign(visit_id: int) -> Any:
    """The API's assignment (rules.md §9, optimistic version) for the signed-in coordinator:
    a drop on a timeline, the assign control, pin and unpin."""
    body = request.get_json(silent=True) or {}
    try:
        data = {"technician_id": int(body["technician_id"]), "pinned": bool(body["pinned"]),
                "version": int(body["version"]), "start": None}
    except (KeyError, TypeError, ValueError):
        raise InvalidInput("technician_id, pinned and version are required") from None
    try:
        with unit_of_work():
            visit_control.assign(visit_id, data, current_actor())
    except Conflict as error:
        # Who changed what: the coordinator sees whose edit won and reloads it.
        changed_by = last_change(visit_id)
        if changed_by is not None:
            changed_by["changed_labels"] = field_labels(changed_by["changed"])
        return jsonify({"title": "Conflict", "status": 409, "detail": error.detail,
                        "changed_by": changed_by}), 409
    return jsonify(_board(_day()))


# The board waits this long for its plan job before answering 202 and polling the job.
BOARD_WAIT_SECONDS = 2


@bp.post("/plan")
@role_required(Role.COORDINATOR, Role.ADMIN)
def plan() -> Any:
    """Queue a plan job; the board's data when it finished quickly, else 202 and the job."""
    day = _day()
    with unit_of_work():
        job, new = plan_jobs.request_plan(day, current_actor(), clock.now())
    if new:
        enqueue_plan_job(job.id)
    job = plan_jobs.wait_for(job.id, BOARD_WAIT_SECONDS)
    body = plan_jobs.job_json(job, clock.now())
    if job.status != JobStatus.DONE:
        # board.js polls the Location for {status, progress} while the board stays usable.
        poll = url_for("board.plan_job", job_id=job.id)
        return jsonify(body), 202, {"Location": poll}
    return jsonify({**_board(day), "plan_job": body}), 201


@bp.get("/plan-jobs/<int:job_id>")
@role_required(Role.COORDINATOR, Role.ADMIN)
def plan_job(job_id: int) -> Any:
    """The board's view of a plan job (the API's job document, on the page session)."""
    return jsonify(plan_jobs.job_json(plan_jobs.get(job_id), clock.now()))


@bp.post("/insert/<int:visit_id>")
@role_required(Role.COORDINATOR, Role.ADMIN)
def insert(visit_id: int) -> Any:
    with unit_of_work():
        answer = replanning.insert_call(visit_id, current_actor())
    enqueue_follow_up(answer)  # committed: a worker may now run the day's plan job
    return jsonify({**_board(_day()), "insertion": answer["insertion"]})
