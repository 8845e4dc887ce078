"""No attendant, no work (seed §13, rules.md §7): the technician reschedules the visit.

The customer's person must attend the work. When nobody does, the technician records why
on the tablet and the visit, with its call, moves to the pack's next support day after the
visit's date, off every route and waiting for the planner, with `NO_ATTENDANT` among its
codes. The call's decision stays as it was taken: the technician came as promised.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from dispatch.domain.codes import RuleCode
from dispatch.domain.report_status import ReportStatus
from dispatch.domain.visit_status import VisitStatus
from dispatch.errors import Conflict, InvalidInput
from dispatch.extensions import db
from dispatch.models import WorkReport
from dispatch.services.day.completion import follow_up_day
from dispatch.services.day.moves import unassign
from dispatch.services.reporting import access
from dispatch.services.trust.audit import Actor, record

MAX_REASON_LENGTH = 500
# Only a visit the technician is on may be rescheduled this way; a done or cancelled one has
# nothing left to move.
RESCHEDULABLE = frozenset({VisitStatus.PLANNED, VisitStatus.EN_ROUTE, VisitStatus.ARRIVED})


def reschedule_without_attendant(visit_id: int, reason: str, actor: Actor) -> dict[str, Any]:
    """Move the visit and its call to the next support day; answer the new date and codes."""
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidInput("say why no one attended", errors={"reason": ["is required"]})
    if len(reason) > MAX_REASON_LENGTH:
        raise InvalidInput("the reason is too long",
                           errors={"reason": [f"at most {MAX_REASON_LENGTH} characters"]})
    visit = access.visit_for_writing(visit_id, actor)
    if visit.status not in RESCHEDULABLE:
        raise Conflict(f"visit {visit.id} is {visit.status} and cannot be rescheduled")
    report = db.session.scalar(select(WorkReport).where(WorkReport.visit_id == visit.id))
    if report is not None and report.status == ReportStatus.SIGNED:
        raise Conflict(f"visit {visit.id} has a signed report")
    was = visit.service_date
    before = {"service_date": was.isoformat(), "technician_id": visit.technician_id,
              "status": visit.status}
    day = follow_up_day(visit, was)
    call = visit.call
    unassign(visit, [RuleCode.NO_ATTENDANT.value])
    visit.service_date = call.service_date = day
    if RuleCode.NO_ATTENDANT not in (call.codes or []):
        call.codes = [*(call.codes or []), RuleCode.NO_ATTENDANT.value]
    record(actor, "visit.no_attendant", "visit", visit.id, before,
           {"service_date": day.isoformat(), "reason": reason.strip(),
            "codes": [RuleCode.NO_ATTENDANT.value]})
    db.session.flush()
    return {"visit_id": visit.id, "call_id": call.id, "service_date": day,
            "codes": list(call.codes)}
