"""The day's plan, its explanation and replay, and visit progress/assignment (rules.md §9)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from dispatch import clock
from dispatch.domain.calendar import in_system_years
from dispatch.domain.roles import STAFF, Role
from dispatch.domain.visit_status import REPORTABLE
from dispatch.errors import InvalidInput
from dispatch.services.day import explain as plan_explain
from dispatch.services.day import planning, replanning
from dispatch.services.day import visits as visit_control
from dispatch.services.day.result import iso
from dispatch.services.unit_of_work import unit_of_work
from dispatch.views.api.auth import api_actor, api_user, roles
from dispatch.views.api.schemas import TimeHHMM
from dispatch.views.api.validators import SYSTEM_DATE

blp = Blueprint("plans", __name__, url_prefix="/api/v1", description="Dispatch day")


class PlanIn(Schema):
    date = fields.Date(required=True, validate=SYSTEM_DATE)


class ExplainQuery(Schema):
    visit_id = fields.Integer(required=True)


class InsertIn(Schema):
    visit_id = fields.Integer(strict=True, required=True)


class StatusIn(Schema):
    status = fields.String(required=True,
                           validate=validate.OneOf(list(REPORTABLE)))
    version = fields.Integer(strict=True, required=True)


class AssignmentIn(Schema):
    technician_id = fields.Integer(strict=True, required=True)
    pinned = fields.Boolean(required=True)
    start = TimeHHMM(allow_none=True)
    version = fields.Integer(strict=True, required=True)


def _date(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("date must be YYYY-MM-DD", errors={"date": ["YYYY-MM-DD"]}) from None
    if not in_system_years(day):
        raise InvalidInput("date outside the years 2000–2100",
                           errors={"date": ["must be between 2000-01-01 and 2100-12-31"]})
    return day


def visit_out(visit: Any) -> dict[str, Any]:
    """A visit's place in the plan."""
    return {"id": visit.id, "call_id": visit.call_id,
            "service_date": visit.service_date.isoformat(),
            "technician_id": visit.technician_id, "sequence": visit.sequence,
            "eta": iso(visit.eta), "start": iso(visit.start_at), "end": iso(visit.end_at),
            "status": visit.status, "pinned": visit.pinned, "version": visit.version}


@blp.post("/plans")
@roles(*STAFF)
@blp.arguments(PlanIn)
@blp.response(201)
def create_plan(data: dict[str, Any]) -> dict[str, Any]:
    with unit_of_work():
        return planning.plan_day(data["date"], api_actor())


@blp.get("/plans/<day>")
@roles(*STAFF)
@blp.response(200)
def get_plan(day: str) -> dict[str, Any]:
    return planning.get_plan(_date(day))


@blp.get("/plans/<day>/explain")
@roles(*STAFF)
@blp.arguments(ExplainQuery, location="query")
@blp.response(200)
def explain(query: dict[str, Any], day: str) -> dict[str, Any]:
    return plan_explain.explain(_date(day), query["visit_id"])


@blp.post("/plans/<day>/replay")
@roles(*STAFF)
@blp.response(200)
def replay(day: str) -> dict[str, Any]:
    return planning.replay(planning.current_plan(_date(day)).id)


@blp.post("/plans/<day>/insert")
@roles(*STAFF)
@blp.arguments(InsertIn)
@blp.response(200)
def insert(data: dict[str, Any], day: str) -> dict[str, Any]:
    _date(day)
    with unit_of_work():
        return replanning.insert_call(data["visit_id"], api_actor())


@blp.post("/visits/<int:visit_id>/status")
@roles(*STAFF, Role.TECHNICIAN)
@blp.arguments(StatusIn)
@blp.response(200)
def set_status(data: dict[str, Any], visit_id: int) -> dict[str, Any]:
    with unit_of_work():
        visit = visit_control.set_status(visit_id, data["status"], data["version"],
                                         api_user(), api_actor(), clock.now())
    return visit_out(visit)


@blp.post("/visits/<int:visit_id>/assignment")
@roles(*STAFF)
@blp.arguments(AssignmentIn)
@blp.response(200)
def assign(data: dict[str, Any], visit_id: int) -> dict[str, Any]:
    with unit_of_work():
        visit = visit_control.assign(visit_id, data, api_actor())
    return visit_out(visit)
