"""The coordinator's board (SPEC §6): map, timelines, unassigned visits, plan on demand."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, current_app, jsonify, render_template, request
from flask_login import current_user
from sqlalchemy import select

from dispatch import clock
from dispatch.domain.cutoff import cutoff_on
from dispatch.domain.support_hours import STANDARD
from dispatch.errors import InvalidInput
from dispatch.extensions import db
from dispatch.i18n import add_messages
from dispatch.models import ServiceBase, Technician, Visit
from dispatch.services import planning, replanning
from dispatch.services.audit import Actor
from dispatch.services.plan_result import iso
from dispatch.views.pages import role_required

bp = Blueprint("board", __name__, url_prefix="/board")

add_messages({
    "board.title": ("配車ボード", "Dispatch board"),
    "board.plan": ("計画を作成／再計画", "Plan / re-plan"),
    "board.planning": ("計画を計算中です…（数秒かかります）", "Planning… (takes a few seconds)"),
    "board.all_bases": ("全拠点", "All bases"),
    "board.base": ("拠点", "Base"),
    "board.map": ("地図", "Map"),
    "board.timeline": ("技術者タイムライン", "Technician timeline"),
    "board.unassigned": ("未割当の訪問", "Unassigned visits"),
    "board.none_unassigned": ("未割当の訪問はありません", "No unassigned visits"),
    "board.cutoff": ("当日対応の受付締切（標準）まで", "Until the same-day cutoff (standard)"),
    "board.no_plan": ("まだ計画がありません。「計画を作成」を押してください。",
                      "No plan yet. Press “Plan”."),
})

# Unassigned reasons shown to coordinators (SPEC rule codes → Japanese first).
REASONS_JA = {
    "CANNOT_ARRIVE_IN_HOURS": "対応時間内に到着できないため翌対応日へ移動",
    "NO_SKILLED_TECHNICIAN": "対応できる技術者（シリーズ）がいないため翌対応日へ移動",
    "NO_CAPACITY": "当日の技術者の空きがないため翌対応日へ移動",
}


def _actor() -> Actor:
    return Actor(label=current_user.email, user_id=current_user.id, role=current_user.role)


def _day() -> date:
    raw = request.args.get("date") or (request.get_json(silent=True) or {}).get("date")
    try:
        return date.fromisoformat(raw) if raw else clock.today_tokyo()
    except ValueError:
        raise InvalidInput("date must be YYYY-MM-DD") from None


@bp.get("")
@role_required("coordinator", "admin")
def board() -> Any:
    bases = db.session.scalars(select(ServiceBase).order_by(ServiceBase.code)).all()
    return render_template("board/board.html", day=_day(), bases=bases,
                           tile_url=current_app.config.get("DISPATCH_TILE_URL") or "")


@bp.get("/data.json")
@role_required("coordinator", "admin")
def data() -> Any:
    return jsonify(board_data(_day()))


@bp.post("/plan")
@role_required("coordinator", "admin")
def plan() -> Any:
    day = _day()
    planning.plan_day(day, _actor())
    return jsonify(board_data(day))


@bp.post("/insert/<int:visit_id>")
@role_required("coordinator", "admin")
def insert(visit_id: int) -> Any:
    replanning.insert_call(visit_id, _actor())
    return jsonify(board_data(_day()))


def _site(visit: Visit) -> dict[str, Any]:
    site = visit.call.device.site
    return {"visit_id": visit.id, "call_id": visit.call_id, "lat": site.lat, "lon": site.lon,
            "site": site.name, "address": site.address, "symptom": visit.call.symptom,
            "status": visit.status, "eta": iso(visit.eta), "start": iso(visit.start_at),
            "end": iso(visit.end_at), "pinned": visit.pinned, "codes": visit.drop_codes,
            "decision": visit.call.decision}


def board_data(day: date) -> dict[str, Any]:
    """Everything the board draws for one day."""
    bases = db.session.scalars(select(ServiceBase).order_by(ServiceBase.code)).all()
    techs = db.session.scalars(select(Technician).where(Technician.is_active.is_(True))
                               .order_by(Technician.id)).all()
    visits = db.session.scalars(select(Visit).where(
        Visit.service_date == day, Visit.status != "cancelled")
        .order_by(Visit.technician_id, Visit.sequence, Visit.id)).all()
    routes = {t.id: {"technician_id": t.id, "name": t.name, "base_code": t.base.code,
                     "start": [t.base.lat, t.base.lon], "stops": []} for t in techs}
    unassigned = []
    for visit in visits:
        if visit.technician_id in routes:
            routes[visit.technician_id]["stops"].append(_site(visit))
        else:
            item = _site(visit)
            item["reasons"] = [REASONS_JA.get(c, c) for c in visit.drop_codes] or ["未計画"]
            unassigned.append(item)
    current = db.session.scalar(select(planning.Plan).where(
        planning.Plan.service_date == day, planning.Plan.is_current.is_(True)))
    moved = (current.solution.get("moved", []) if current else [])
    cutoff = cutoff_on(STANDARD, day)
    return {"date": day.isoformat(), "plan_id": current.id if current else None,
            "cutoff_at": iso(cutoff) if cutoff else None, "now": iso(clock.now()),
            "bases": [{"code": b.code, "name": b.name, "lat": b.lat, "lon": b.lon}
                      for b in bases],
            "routes": list(routes.values()), "unassigned": unassigned,
            "moved": [{**m, "reasons": [REASONS_JA.get(m["reason"], m["reason"])]}
                      for m in moved]}
