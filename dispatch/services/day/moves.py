"""Writing a routing answer back onto Visit rows, and moving what it could not serve (§5, §6).

A dropped visit (other than one already under way) moves to its pack's next support day:
the call becomes next_business_day with CANNOT_ARRIVE_IN_HOURS (plus NO_CAPACITY when the
day was full) or NO_SKILLED_TECHNICIAN in its codes, and both call and visit get the new
service date — audited and listed as "moved" in the plan result so the coordinator sees it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import select

from dispatch.domain.call_decision import (
    CallDecision,
    Decision,
    defer_for_routing,
    move_to_next_support_day,
)
from dispatch.domain.codes import RuleCode
from dispatch.domain.visit_status import STARTED, VisitStatus
from dispatch.extensions import db
from dispatch.models import Plan, RepairCall, Visit
from dispatch.services.day.batch_writes import flush_versioned
from dispatch.services.day.problem import DayRows, at_seconds
from dispatch.services.trust.audit import Actor, record, snapshot
from routing import DropReason, RoutePlan

CALL_FIELDS = ("decision", "service_date", "codes")


def write_route(day: date, visit: Visit, tech_id: int, sequence: int,
                stop: tuple[int, int, int], plan: Plan | None) -> None:
    """Put one stop's technician, order and times on its visit."""
    arrival, start, end = stop
    visit.technician_id = tech_id
    visit.sequence = sequence
    if visit.status not in STARTED:
        # Reality (an arrival already reported) wins over the estimate.
        visit.eta, visit.start_at = at_seconds(day, arrival), at_seconds(day, start)
        visit.end_at = at_seconds(day, end)
        visit.status = VisitStatus.PLANNED
    if plan is not None and (visit.status not in STARTED or visit.plan_id is None):
        # A visit under way keeps the plan that sent the technician: rewriting it would
        # bump its version under the technician's report and signature for nothing.
        visit.plan_id = plan.id
    visit.drop_codes = []


def apply_plan(rows: DayRows, answer: RoutePlan, plan: Plan, actor: Actor,
               changed: Collection[str] = ()) -> list[dict]:
    """Write routes and drops; return the visits moved to another day.

    `changed` visits were changed by someone else while the day was solved (a phone fix,
    a technician's progress, a coordinator's pin): they keep that change, and the next
    plan takes them as they are now. The other stops keep their planned times (a stop
    left out of a route only leaves a gap).
    """
    day = rows.service_date
    routed = []
    for route in answer.routes:
        for sequence, stop in enumerate(route.stops, start=1):
            if stop.visit_id not in changed:
                visit = rows.visits[stop.visit_id]
                write_route(day, visit, int(route.technician_id), sequence,
                            (stop.arrival, stop.service_start, stop.service_end), plan)
                routed.append(visit)
    flush_versioned(routed)
    moved = []
    reasons = {d.visit_id: d.reason for d in answer.dropped}
    reasons |= {key: DropReason.CANNOT_ARRIVE_IN_HOURS for key in rows.closed}
    # The calls of the visits to move, in one query (load_day reads calls as plain values);
    # each visit.call below then comes from the session, not from a query of its own. (Kept
    # in a name: the session's identity map holds its objects only weakly.)
    call_ids = [rows.visits[key].call_id for key in reasons if key in rows.visits]
    calls = db.session.scalars(select(RepairCall).where(RepairCall.id.in_(call_ids))).all() \
        if call_ids else []
    touched: list[Any] = []
    for key, reason in reasons.items():
        if key in changed:  # (a visit cancelled meanwhile is no longer in rows at all)
            continue
        visit = rows.visits[key]
        if visit.status in STARTED:
            continue
        moved.append(move_visit(visit, rows.hours[key], reason, day, actor))
        touched += [visit.call, visit]
    for key in rows.no_location:
        if key not in changed:
            unassign(rows.visits[key], [RuleCode.CANNOT_ARRIVE_IN_HOURS.value])
            touched.append(rows.visits[key])
    flush_versioned(touched)
    del calls
    return moved


def unassign(visit: Visit, codes: list[str]) -> None:
    """Take a visit off every route, keeping why."""
    visit.technician_id = visit.sequence = None
    visit.eta = visit.start_at = visit.end_at = None
    visit.status, visit.plan_id, visit.pinned = VisitStatus.UNASSIGNED, None, False
    visit.drop_codes = codes


def move_visit(visit: Visit, hours: Any, reason: DropReason, day: date,
               actor: Actor) -> dict[str, Any]:
    """Move the visit and its call to the next support day (§5 CANNOT_ARRIVE_IN_HOURS)."""
    call = visit.call
    was = call.decision
    before = snapshot(call, CALL_FIELDS) | {"visit_service_date": visit.service_date}
    decision = CallDecision(Decision(call.decision), visit.service_date or day, call.cutoff_at,
                            tuple(RuleCode(c) for c in call.codes or ()))
    if reason == DropReason.NO_SKILLED_TECHNICIAN:
        codes = list(decision.codes)
        if RuleCode.NO_SKILLED_TECHNICIAN not in codes:
            codes.append(RuleCode.NO_SKILLED_TECHNICIAN)
        new_date = move_to_next_support_day(hours, decision.service_date)  # type: ignore[arg-type]
        decision = CallDecision(Decision.NEXT_BUSINESS_DAY, new_date, call.cutoff_at,
                                tuple(codes))
    else:
        decision = defer_for_routing(decision, hours)
        if reason == DropReason.NO_CAPACITY and RuleCode.NO_CAPACITY not in decision.codes:
            # §5's CANNOT_ARRIVE_IN_HOURS says the day could not take it; the §6 drop reason
            # says why (the day's technicians are full), as NO_SKILLED_TECHNICIAN does.
            decision = replace(decision, codes=(*decision.codes, RuleCode.NO_CAPACITY))
    call.decision = decision.decision
    call.service_date = decision.service_date
    call.codes = [str(c) for c in decision.codes]
    unassign(visit, [reason.value])
    visit.service_date = decision.service_date  # type: ignore[assignment]
    after = snapshot(call, CALL_FIELDS) | {"visit_service_date": visit.service_date}
    record(actor, "visit.moved", "repair_call", call.id, before, after)
    return {"visit_id": visit.id, "call_id": call.id, "from": day.isoformat(),
            "to": visit.service_date.isoformat(), "reason": reason.value,
            "decision_before": was, "codes": list(call.codes)}
