"""The coordinator's board (rules.md §6): map, timelines, unassigned visits, plan on demand."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, current_app, jsonify, render_template, request, url_for
from sqlalchemy import select

from dispatch import clock
from dispatch.domain.job_status import JobStatus
from dispatch.domain.roles import Role
from dispatch.errors import InvalidInput
from dispatch.extensions import db
from dispatch.i18n import add_messages, translate
from dispatch.models import ServiceBase
from dispatch.services.day import plan_jobs, replanning
from dispatch.services.day.board import board_data
from dispatch.services.unit_of_work import unit_of_work
from dispatch.tasks.plans import enqueue_plan_job
from dispatch.views.access import current_actor, role_required

bp = Blueprint("board", __name__, url_prefix="/board")

add_messages({
    "board.title": ("配車ボード", "Dispatch board"),
    "board.plan": ("計画を作成／再計画", "Plan / re-plan"),
    "board.planning": ("計画を計算中です…（数秒かかります）", "Planning… (takes a few seconds)"),
    "board.plan_failed": ("計画できませんでした：", "Planning failed: "),
    "board.all_bases": ("全拠点", "All bases"),
    "board.base": ("拠点", "Base"),
    "board.map": ("地図", "Map"),
    "board.timeline": ("技術者タイムライン", "Technician timeline"),
    "board.unassigned": ("未割当の訪問", "Unassigned visits"),
    "board.none_unassigned": ("未割当の訪問はありません", "No unassigned visits"),
    "board.cutoff": ("当日対応の受付締切（標準）まで", "Until the same-day cutoff (standard)"),
    "board.unplanned": ("未計画", "Not planned yet"),
    "board.no_plan": ("まだ計画がありません。「計画を作成」を押してください。",
                      "No plan yet. Press “Plan”."),
})


def _with_reasons(data: dict[str, Any]) -> dict[str, Any]:
    """The board data with each unassigned or moved visit's rule codes as labels."""
    for item in data["unassigned"]:
        item["reasons"] = ([translate(f"code.{c}") for c in item["codes"]]
                           or [translate("board.unplanned")])
    data["moved"] = [{**m, "reasons": [translate(f"code.{m['reason']}")]} for m in data["moved"]]
    return data


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
    return render_template("board/board.html", day=_day(), bases=bases,
                           tile_url=current_app.config.get("DISPATCH_TILE_URL") or "")


@bp.get("/data.json")
@role_required(Role.COORDINATOR, Role.ADMIN)
def data() -> Any:
    return jsonify(_with_reasons(board_data(_day())))


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
        poll = url_for("board.plan_job", job_id=job.id)
        return jsonify({"plan_job": body, "poll": poll}), 202, {"Location": poll}
    return jsonify({**_with_reasons(board_data(day)), "plan_job": body})


@bp.get("/plan-jobs/<int:job_id>")
@role_required(Role.COORDINATOR, Role.ADMIN)
def plan_job(job_id: int) -> Any:
    """The board's view of a plan job (the API's job document, on the page session)."""
    return jsonify({"plan_job": plan_jobs.job_json(plan_jobs.get(job_id), clock.now())})


@bp.post("/insert/<int:visit_id>")
@role_required(Role.COORDINATOR, Role.ADMIN)
def insert(visit_id: int) -> Any:
    with unit_of_work():
        replanning.insert_call(visit_id, current_actor())
    return jsonify(_with_reasons(board_data(_day())))
