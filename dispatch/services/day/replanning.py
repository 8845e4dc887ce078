"""Re-planning during the day (rules.md §6): insert a new same-day call without moving visits
already started or done, and change as little of what technicians were told as possible.

insert_call answers at once from the current routes (well under a second on a national day):
the cheapest feasible insertion; if no route has room, the cheapest swap in which a next-day
visit gives way to a same-day call (routing.swap; the visit that gave way goes to another
route with room, else to its next support day); if neither exists but the call fits some
technician's day on its own, the call waits, unassigned with NO_CAPACITY, for a plan job of
its day (dispatch.services.day.plan_jobs, joining any job already queued), which re-plans the
day in a worker. A call no technician could serve even alone moves to its next support day
at once (NO_SKILLED_TECHNICIAN, CANNOT_ARRIVE_IN_HOURS), as a plan would move it.
Visits started or done are pinned at the head of their technician's route, so the new visit
is scheduled from the last of them (an "arrived" visit is the site they are at).

Writers of a day's routes take the day's lock first (planning.lock_day), then the
technicians of the routes they write, then the visits: two insertions into one day, or an
insertion and a plan's write-back, never write overlapping routes.

The answer names the plan job it asked for; the caller enqueues it once its unit of work
has committed (dispatch.tasks.plans.enqueue_follow_up). Intake may call
`replan_after_new_call(call_id)` in a unit of work of its own after the unit that took a
same-day call (or leave it to the polling job in dispatch/dispatch_jobs.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import defer
from sqlalchemy.orm.exc import StaleDataError

from dispatch import clock
from dispatch.domain.codes import RuleCode
from dispatch.domain.visit_status import STARTED, VisitStatus
from dispatch.errors import Conflict, NotFound
from dispatch.extensions import db
from dispatch.models import Plan, RepairCall, Technician, Visit
from dispatch.services.day import plan_jobs
from dispatch.services.day.gc_pause import cycle_collection_paused
from dispatch.services.day.moves import move_visit, unassign, write_route
from dispatch.services.day.planning import PLAN_ATTEMPTS, lock_day, store_plan
from dispatch.services.day.problem import (
    DayRows,
    build_problem,
    changed_since_load,
    load_routes,
    onsite,
    to_seconds,
)
from dispatch.services.day.result import plan_result
from dispatch.services.day.travel import travel_from_config
from dispatch.services.trust.audit import Actor, record
from dispatch.services.unit_of_work import start_over
from routing import DropReason, Route, RoutePlan, RoutingProblem, Stop, insert_visit
from routing.swap import swap_visit


class Method(StrEnum):
    """How insert_call placed the call (the `insertion.method` of its answer)."""

    INSERT = "insert"  # cheapest insertion into one route; nobody else moves
    SWAP = "swap"  # a next-day visit gave way (to another route, or to a later day)
    PLAN_JOB = "plan_job"  # no room at once: unassigned NO_CAPACITY until its day's plan job
    MOVED = "moved"  # nobody could serve it even alone: moved to its next support day
    UNCHANGED = "unchanged"  # already under way, done or cancelled: left as it is


@dataclass
class _Outcome:
    method: Method
    technician_id: str | None = None
    displaced: str | None = None
    job: tuple[int, bool] | None = None  # plan job id, and whether this request created it


def routes_from_rows(rows: DayRows, problem: RoutingProblem, distances: dict[str, int],
                     leave_out: str) -> RoutePlan:
    """The routes technicians were told, rebuilt from the Visit rows."""
    day = rows.service_date
    planned = sorted((v for k, v in rows.visits.items()
                      if v.technician_id is not None and k != leave_out),
                     key=lambda v: (v.sequence or 0, v.id))
    by_tech: dict[str, list[Stop]] = {}
    for v in planned:
        times = (to_seconds(day, t) if t else 0 for t in (v.eta, v.start_at, v.end_at))
        by_tech.setdefault(str(v.technician_id), []).append(Stop(str(v.id), *times))
    routes = [Route(tech.id, tech.shift_start, tech.shift_end,
                    tuple(by_tech.get(tech.id, ())), distances.get(tech.id, 0), 0)
              for tech in problem.technicians]
    return RoutePlan(tuple(routes), (), 0, "CURRENT", 0.0)


def insert_call(visit_id: int, actor: Actor) -> dict[str, Any]:
    """Place one visit into its day's current plan at once (a plan job if none yet).

    Returns the §9.1 plan payload plus `insertion`: {visit_id, method, technician_id,
    displaced, plan_job: {id, new} or None}. Visits changed by others while the insertion
    was computed keep their change; if one of them now sits on a route this insertion
    writes, or SQLite lets a change slip in before the writes, the insertion runs once more
    on fresh rows, then answers 409.
    """
    with cycle_collection_paused():  # a sub-second use case: see gc_pause
        for _ in range(PLAN_ATTEMPTS):
            try:
                return _insert_call_once(visit_id, actor)
            except StaleDataError:
                start_over()  # insert_call is the only writer in its unit of work
    raise Conflict("visits of this day changed while the call was being inserted; try again")


def _insert_call_once(visit_id: int, actor: Actor) -> dict[str, Any]:
    visit = db.session.get(Visit, visit_id)
    if visit is None:
        raise NotFound(f"no visit {visit_id}")
    day = visit.service_date
    plan_id = lock_day(day)
    if plan_id is None:  # not planned yet: the day's plan job places it with the rest
        job, new = plan_jobs.request_plan(day, actor, clock.now())
        return _answer(day, visit_id, _Outcome(Method.PLAN_JOB, job=(job.id, new)))
    db.session.refresh(visit)  # as the writer we may have waited for left it
    if visit.status in STARTED or visit.status == VisitStatus.CANCELLED:
        return _answer(day, visit_id, _Outcome(Method.UNCHANGED))
    # The stored problem (megabytes for a national day) is not needed here.
    previous = db.session.scalar(select(Plan).options(defer(Plan.problem))
                                 .where(Plan.id == plan_id))
    assert previous is not None  # locked above
    config = current_app.config
    # The routes as told and the new visit: the day's other unassigned visits are the plan
    # job's to place (loading them would only slow the answer down).
    rows = load_routes(day, also=visit_id)
    travel = travel_from_config(config)
    key = str(visit_id)
    # What technicians were told (bounded by their day already) and the new visit: nothing
    # for a capacity cut to leave out.
    problem = build_problem(rows, travel, config)
    distances = {r["technician_id"]: r["distance_m"] for r in previous.solution["routes"]}
    current = routes_from_rows(rows, problem, distances, key)
    answer, outcome = _place(problem, current, key)
    if outcome.method == Method.PLAN_JOB:
        job, new = plan_jobs.request_plan(day, actor, clock.now())
        outcome.job = (job.id, new)
    written = _changed_routes(current, answer)
    # The technicians before the visits, in id order, as assign() takes them.
    db.session.execute(select(Technician.id).where(Technician.id.in_([int(t) for t in written]))
                       .order_by(Technician.id).with_for_update())
    changed = changed_since_load(rows)
    _check_no_overlap(rows, changed, written)
    # The day's solve options, kept with the problem so the stored plan can be replayed.
    options = dict(previous.solution.get("options") or {"time_limit_s": 5.0})
    plan = store_plan(day, problem, travel, options, answer, str(outcome.method))
    moved = list(previous.solution.get("moved", []))
    if key not in changed:  # else fixed by hand (or settled) meanwhile: theirs stands
        moved += _write(rows, answer, plan, key, written, changed, outcome, actor)
    plan.solution = {**plan.solution, "moved": moved}
    record(actor, "plan.insert", "visit", visit_id,
           after={"method": str(outcome.method), "plan": plan.id,
                  "displaced": outcome.displaced})
    db.session.flush()
    return _answer(day, visit_id, outcome)


def _place(problem: RoutingProblem, current: RoutePlan, key: str) -> tuple[RoutePlan, _Outcome]:
    """The answer from the current routes alone: insertion, else swap, else why not."""
    target = next((v for v in problem.visits if v.id == key), None)
    if target is None:  # closed that day or no location: nothing to insert
        return current, _Outcome(Method.MOVED)
    inserted = insert_visit(problem, current, target)
    drop = next((d for d in inserted.dropped if d.visit_id == key), None)
    if drop is None:
        return inserted, _Outcome(Method.INSERT, _technician_of(inserted, key))
    if drop.reason != DropReason.NO_CAPACITY:  # nobody could serve it even alone
        return inserted, _Outcome(Method.MOVED)
    swap = swap_visit(problem, current, target)
    if swap is None:  # fits a day on its own, not among the others: a re-plan decides
        return current, _Outcome(Method.PLAN_JOB)
    return swap.plan, _Outcome(Method.SWAP, swap.technician_id, swap.displaced)


def _technician_of(plan: RoutePlan, key: str) -> str | None:
    return next((r.technician_id for r in plan.routes
                 if any(s.visit_id == key for s in r.stops)), None)


def _changed_routes(before: RoutePlan, after: RoutePlan) -> set[str]:
    """Technicians whose stops or times the answer changes."""
    old = {r.technician_id: r.stops for r in before.routes}
    return {r.technician_id for r in after.routes if old.get(r.technician_id) != r.stops}


def _check_no_overlap(rows: DayRows, changed: set[str], written: set[str]) -> None:
    """A visit changed meanwhile that now sits on a route about to be written would overlap
    it (a double booking): start over on fresh rows instead. That includes a visit assigned
    to one of those technicians by hand before we locked them, which we never loaded."""
    for key in changed:
        visit = rows.visits[key]
        db.session.refresh(visit)
        if visit.status != VisitStatus.CANCELLED and str(visit.technician_id) in written:
            raise StaleDataError(f"visit {key} joined a route being written")
    if not written:
        return
    now_on = db.session.scalars(
        select(Visit.id).join(RepairCall, Visit.call_id == RepairCall.id)
        .where(*onsite(rows.service_date), Visit.technician_id.in_([int(t) for t in written]))
    ).all()
    if any(str(v) not in rows.visits for v in now_on):
        raise StaleDataError("a visit was assigned by hand to a route being written")


def _write(rows: DayRows, answer: RoutePlan, plan: Plan, key: str, written: set[str],
           changed: set[str], outcome: _Outcome, actor: Actor) -> list[dict[str, Any]]:
    """Only the routes the answer changed are written; the others keep what they were told
    (and their plan_id: the plan that last placed them). Returns the visits moved away."""
    day = rows.service_date
    for route in answer.routes:
        if route.technician_id not in written:
            continue
        for sequence, stop in enumerate(route.stops, start=1):
            if stop.visit_id not in changed:
                write_route(day, rows.visits[stop.visit_id], int(route.technician_id),
                            sequence, (stop.arrival, stop.service_start, stop.service_end),
                            plan)
    visit = rows.visits[key]
    if outcome.method == Method.PLAN_JOB:
        unassign(visit, [RuleCode.NO_CAPACITY.value])
        return []
    moved = []
    if outcome.method == Method.MOVED:
        reason = next((d.reason for d in answer.dropped if d.visit_id == key),
                      DropReason.CANNOT_ARRIVE_IN_HOURS)  # closed that day, or no location
        moved.append(move_visit(visit, rows.hours[key], reason, day, actor))
    gave_way = outcome.displaced
    if gave_way is not None and gave_way not in changed and _technician_of(
            answer, gave_way) is None:
        moved.append(move_visit(rows.visits[gave_way], rows.hours[gave_way],
                                DropReason.NO_CAPACITY, day, actor))
    return moved


def _answer(day: date, visit_id: int, outcome: _Outcome) -> dict[str, Any]:
    job = None if outcome.job is None else {"id": outcome.job[0], "new": outcome.job[1]}
    return {**plan_result(day), "insertion": {
        "visit_id": visit_id, "method": str(outcome.method),
        "technician_id": int(outcome.technician_id) if outcome.technician_id else None,
        "displaced": int(outcome.displaced) if outcome.displaced else None,
        "plan_job": job}}


def replan_after_new_call(call_id: int, actor: Actor) -> list[dict[str, Any]]:
    """Insert the call's unplanned visits into their day's plan, if that day is planned.

    The caller enqueues each answer's plan job after its unit of work
    (dispatch.tasks.plans.enqueue_follow_up).
    """
    # One unit of work for all of them: a call has one unplanned visit. Should a second
    # insertion start over after a conflict, the first visit is left to the polling job.
    visits = db.session.scalars(select(Visit).where(
        Visit.call_id == call_id, Visit.status == VisitStatus.UNASSIGNED)).all()
    results = []
    for visit in visits:
        if _current(visit.service_date) is not None:
            results.append(insert_call(visit.id, actor))
    return results


def _current(day: date) -> int | None:
    return db.session.scalar(select(Plan.id).where(Plan.service_date == day,
                                                   Plan.is_current.is_(True)))


def unplanned_visits(day: date) -> list[int]:
    """Unassigned visits of a planned day that no plan has placed yet: new ones, and those
    still waiting for a plan job (NO_CAPACITY; room may have opened, or the job failed)."""
    if _current(day) is None:
        return []
    visits = db.session.scalars(select(Visit).where(
        Visit.service_date == day, Visit.status == VisitStatus.UNASSIGNED)).all()
    return [v.id for v in visits
            if not v.drop_codes or v.drop_codes == [RuleCode.NO_CAPACITY.value]]
