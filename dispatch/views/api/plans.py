"""The day's plan, its explanation and replay, and visit progress/assignment (rules.md §9)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import request, url_for
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from dispatch import clock
from dispatch.domain.calendar import in_system_years
from dispatch.domain.job_status import JobStatus
from dispatch.domain.roles import STAFF, Role
from dispatch.domain.visit_status import REPORTABLE
from dispatch.errors import DispatchError, InvalidInput
from dispatch.models import PlanJob
from dispatch.services.day import explain as plan_explain
from dispatch.services.day import plan_jobs, planning, replanning
from dispatch.services.day import visits as visit_control
from dispatch.services.day.result import iso
from dispatch.services.unit_of_work import unit_of_work
from dispatch.tasks.plans import enqueue_follow_up, enqueue_plan_job
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


# Prefer: wait=N is honoured up to this many seconds (a web thread waits meanwhile).
MAX_WAIT_SECONDS = 60
_WAIT = re.compile(r"(?:^|[,;\s])wait\s*=\s*(\d+)", re.IGNORECASE)


def prefer_wait(header: str | None) -> int | None:
    """N of an RFC 7240 `Prefer: wait=N` header, capped at MAX_WAIT_SECONDS; else None."""
    match = _WAIT.search(header or "")
    return min(int(match.group(1)), MAX_WAIT_SECONDS) if match else None


class JobFailed(DispatchError):
    """The plan job failed within the client's wait: its stored reason, as a problem."""

    title = "Plan job failed"

    def __init__(self, job: PlanJob) -> None:
        super().__init__(job.error or "planning failed", codes=job.error_codes or ())
        self.status = job.error_status or 500


@blp.post("/plans")
@roles(*STAFF)
@blp.arguments(PlanIn)
@blp.response(202)
@blp.alt_response(201, description="the finished plan, with `Prefer: wait=N`")
def create_plan(data: dict[str, Any]) -> Any:
    """Queue a plan of the date (202 + Location of the job); `Prefer: wait=N` → 201 + plan."""
    wait = prefer_wait(request.headers.get("Prefer"))
    with unit_of_work():
        job, new = plan_jobs.request_plan(data["date"], api_actor(), clock.now())
    if new:
        enqueue_plan_job(job.id)
    location = url_for("plans.get_plan_job", job_id=job.id)
    if wait is not None:
        job = plan_jobs.wait_for(job.id, wait)
        applied = {"Preference-Applied": f"wait={wait}", "Location": location}
        if job.status == JobStatus.DONE:
            return planning.get_plan(job.service_date), 201, applied
        if job.status == JobStatus.FAILED:
            raise JobFailed(job)
    return plan_jobs.job_json(job, clock.now()), 202, {"Location": location}


@blp.get("/plan-jobs/<int:job_id>")
@roles(*STAFF)
@blp.response(200)
def get_plan_job(job_id: int) -> dict[str, Any]:
    """A plan job: `{status: queued|running|done|failed, progress, plan?}` (SPEC §9)."""
    job = plan_jobs.get(job_id)
    plan = planning.get_plan(job.service_date) if job.status == JobStatus.DONE else None
    return plan_jobs.job_json(job, clock.now(), plan)


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
        answer = replanning.insert_call(data["visit_id"], api_actor())
    enqueue_follow_up(answer)  # committed: a worker may now run the day's plan job
    return answer


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
