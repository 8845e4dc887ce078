"""Re-planning during the day (rules.md §6): insert a new same-day call without moving visits
already started or done, and change as little of what technicians were told as possible.

insert_call first tries cheapest insertion into the current routes (other routes keep their
times); only if no route can take the call does it re-solve warm-started from the current
routes, with started and done visits pinned to their technician, order and start time.
A technician's current position needs no extra input: their started stops stay pinned at
the head of the route, so the new visit is scheduled from the last of them (an "arrived"
visit is the site they are at).

Intake should call `replan_after_new_call(call_id)` in a unit of work of its own after the
unit that took a same-day call (or leave it to the polling job in dispatch/dispatch_jobs.py).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import defer
from sqlalchemy.orm.exc import StaleDataError

from dispatch.domain.visit_status import VisitStatus
from dispatch.errors import Conflict, NotFound
from dispatch.extensions import db
from dispatch.models import Plan, Visit
from dispatch.services.day.moves import apply_plan, move_visit, write_route
from dispatch.services.day.planning import PLAN_ATTEMPTS, plan_day, solve_problem, store_plan
from dispatch.services.day.problem import (
    DayRows,
    bounded_problem,
    changed_since_load,
    load_day,
    to_seconds,
)
from dispatch.services.day.result import plan_result
from dispatch.services.day.travel import travel_from_config
from dispatch.services.trust.audit import Actor, record
from dispatch.services.unit_of_work import start_over
from routing import DropReason, Route, RoutePlan, RoutingProblem, Stop, insert_visit
from routing.regions import split_by_base


def _current(day: date) -> Plan | None:
    # The stored problem (megabytes for a national day) is not needed here.
    return db.session.scalar(select(Plan).options(defer(Plan.problem)).where(
        Plan.service_date == day, Plan.is_current.is_(True)))


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
    """Insert one visit into its day's current plan (or plan the day if none yet).

    As in plan_day, visits changed by others while the insertion was computed keep their
    change (locked on PostgreSQL); where SQLite lets a change slip in before the writes,
    the insertion runs once more on fresh rows, then answers 409.
    """
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
    previous = _current(day)
    if previous is None:
        return plan_day(day, actor)
    config = current_app.config
    rows = load_day(day)
    travel = travel_from_config(config)
    key = str(visit_id)
    # What technicians were told (bounded by their day already) and the new visit stay;
    # the day's other unplanned visits, however many, only fill what capacity is left.
    told = tuple(k for k, v in rows.visits.items() if v.technician_id is not None)
    problem = bounded_problem(rows, travel, config, keep=(*told, key)).problem
    distances = {r["technician_id"]: r["distance_m"] for r in previous.solution["routes"]}
    current = routes_from_rows(rows, problem, distances, key)
    target = next((v for v in problem.visits if v.id == key), None)
    options = dict(previous.solution.get("options") or {"time_limit_s": 5.0})
    moved = list(previous.solution.get("moved", []))
    if target is None:  # closed that day or no location: nothing to insert
        answer, method = current, "insert"
    else:
        answer, method = insert_visit(problem, current, target), "insert"
    if target is not None and any(d.visit_id == key for d in answer.dropped):
        answer, method = resolve_region(problem, current, key, options), "resolve"
    changed = changed_since_load(rows)
    plan = store_plan(day, problem, travel, options, answer, method)
    if method == "resolve":
        moved += apply_plan(rows, answer, plan, actor, changed)
    else:
        moved += _write_insertion(rows, answer, plan, key, actor, changed)
    plan.solution = {**plan.solution, "moved": moved}
    record(actor, "plan.insert", "visit", visit_id, after={"method": method, "plan": plan.id})
    db.session.flush()
    return plan_result(day)


def _write_insertion(rows: DayRows, answer: RoutePlan, plan: Plan, key: str,
                     actor: Actor, changed: set[str]) -> list[dict[str, Any]]:
    """Only the route that took the visit changes; the others keep what they were told
    (and their plan_id: the plan that last placed them). Stops `changed` by others
    meanwhile keep that change."""
    if key in changed:  # fixed on the phone (or otherwise settled) while being inserted
        return []
    for route in answer.routes:
        if key not in [s.visit_id for s in route.stops]:
            continue
        for sequence, stop in enumerate(route.stops, start=1):
            if stop.visit_id in changed:
                continue
            write_route(rows.service_date, rows.visits[stop.visit_id],
                        int(route.technician_id), sequence,
                        (stop.arrival, stop.service_start, stop.service_end), plan)
    if key in rows.closed or key in rows.no_location:
        reason = DropReason.CANNOT_ARRIVE_IN_HOURS
        return [move_visit(rows.visits[key], rows.hours[key], reason, rows.service_date,
                           actor)]
    return []


def resolve_region(problem: RoutingProblem, current: RoutePlan, key: str,
                   options: dict[str, Any]) -> RoutePlan:
    """Warm re-solve of the new visit's base only: its technicians, their current stops and
    the new visit (other bases keep their routes untouched; a national re-solve would
    take minutes)."""
    region = next(r for r in split_by_base(problem) if any(v.id == key for v in r.visits))
    techs = {t.id for t in region.technicians}
    keep = {s.visit_id for r in current.routes if r.technician_id in techs for s in r.stops}
    keep.add(key)
    sub = replace(problem, technicians=region.technicians,
                  visits=tuple(v for v in problem.visits if v.id in keep),
                  pins=tuple(p for p in problem.pins if p.technician_id in techs))
    limit = min(float(options.get("time_limit_s") or 5.0), 5.0)
    answer = solve_problem(sub, {"time_limit_s": limit,
                                 "solution_limit": options.get("solution_limit")},
                           previous=current)
    routes = {r.technician_id: r for r in answer.routes}
    return RoutePlan(tuple(routes.get(r.technician_id, r) for r in current.routes),
                     answer.dropped, answer.objective, answer.status, answer.wall_seconds)


def replan_after_new_call(call_id: int, actor: Actor) -> list[dict[str, Any]]:
    """Insert the call's unplanned visits into their day's plan, if that day is planned."""
    # One unit of work for all of them: a call has one unplanned visit. Should a second
    # insertion start over after a conflict, the first visit is left to the polling job.
    visits = db.session.scalars(select(Visit).where(
        Visit.call_id == call_id, Visit.status == VisitStatus.UNASSIGNED)).all()
    results = []
    for visit in visits:
        if _current(visit.service_date) is not None:
            results.append(insert_call(visit.id, actor))
    return results


def unplanned_visits(day: date) -> list[int]:
    """Unassigned visits of a planned day that no plan has looked at yet."""
    if _current(day) is None:
        return []
    visits = db.session.scalars(select(Visit).where(
        Visit.service_date == day, Visit.status == VisitStatus.UNASSIGNED)).all()
    return [v.id for v in visits if not v.drop_codes]
