"""Re-planning during the day (SPEC §6): insert a new same-day call without moving visits
already started or done, and change as little of what technicians were told as possible.

insert_call first tries cheapest insertion into the current routes (other routes keep their
times); only if no route can take the call does it re-solve warm-started from the current
routes, with started and done visits pinned to their technician, order and start time.
A technician's current position needs no extra input: their started stops stay pinned at
the head of the route, so the new visit is scheduled from the last of them (an "arrived"
visit is the site they are at).

Intake should call `replan_after_new_call(call_id)` after committing a same-day call (or
leave it to the polling job in dispatch/dispatch_jobs.py).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import select

from dispatch.errors import NotFound
from dispatch.extensions import db
from dispatch.models import Plan, Visit
from dispatch.services.audit import Actor, record
from dispatch.services.plan_moves import apply_plan, move_visit, write_route
from dispatch.services.plan_problem import DayRows, build_problem, load_day, to_seconds
from dispatch.services.plan_result import plan_result
from dispatch.services.plan_travel import travel_from_config
from dispatch.services.planning import plan_day, solve_problem, store_plan
from routing import DropReason, Route, RoutePlan, RoutingProblem, Stop, insert_visit


def _current(day: date) -> Plan | None:
    return db.session.scalar(select(Plan).where(Plan.service_date == day,
                                                Plan.is_current.is_(True)))


def routes_from_rows(rows: DayRows, problem: RoutingProblem, distances: dict[str, int],
                     leave_out: str) -> RoutePlan:
    """The routes technicians were told, rebuilt from the Visit rows."""
    day = rows.service_date
    planned = sorted((v for k, v in rows.visits.items()
                      if v.technician_id is not None and k != leave_out),
                     key=lambda v: (v.sequence or 0, v.id))
    routes = []
    for tech in problem.technicians:
        stops = tuple(
            Stop(str(v.id), *(to_seconds(day, t) if t else 0 for t in (v.eta, v.start_at,
                                                                         v.end_at)))
            for v in planned if str(v.technician_id) == tech.id
        )
        routes.append(Route(tech.id, tech.shift_start, tech.shift_end, stops,
                            distances.get(tech.id, 0), 0))
    return RoutePlan(tuple(routes), (), 0, "CURRENT", 0.0)


def insert_call(visit_id: int, actor: Actor) -> dict[str, Any]:
    """Insert one visit into its day's current plan (or plan the day if none yet)."""
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
    problem = build_problem(rows, travel, config)
    key = str(visit_id)
    distances = {r["technician_id"]: r["distance_m"] for r in previous.solution["routes"]}
    current = routes_from_rows(rows, problem, distances, key)
    target = next((v for v in problem.visits if v.id == key), None)
    options = dict(previous.problem.get("options") or {"time_limit_s": 5.0})
    moved = list(previous.solution.get("moved", []))
    if target is None:  # closed that day or no location: nothing to insert
        answer, method = current, "insert"
    else:
        answer, method = insert_visit(problem, current, target), "insert"
    if target is not None and any(d.visit_id == key for d in answer.dropped):
        answer, method = solve_problem(problem, options, previous=current), "resolve"
    plan = store_plan(day, problem, travel, options, answer, method)
    if method == "resolve":
        moved += apply_plan(rows, answer, plan, actor)
    else:
        moved += _write_insertion(rows, answer, plan, key, actor)
    plan.solution = {**plan.solution, "moved": moved}
    record(actor, "plan.insert", "visit", visit_id, after={"method": method, "plan": plan.id})
    db.session.commit()
    return plan_result(day)


def _write_insertion(rows: DayRows, answer: RoutePlan, plan: Plan, key: str,
                     actor: Actor) -> list[dict[str, Any]]:
    """Only the route that took the visit changes; the others keep what they were told."""
    for route in answer.routes:
        ids = [s.visit_id for s in route.stops]
        for sequence, stop in enumerate(route.stops, start=1):
            visit = rows.visits[stop.visit_id]
            if key in ids:
                write_route(rows.service_date, visit, int(route.technician_id), sequence,
                            (stop.arrival, stop.service_start, stop.service_end), plan)
            else:
                visit.plan_id = plan.id
    if key in rows.closed or key in rows.no_location:
        reason = DropReason.CANNOT_ARRIVE_IN_HOURS
        return [move_visit(rows.visits[key], rows.hours[key], reason, rows.service_date,
                           actor)]
    return []


def replan_after_new_call(call_id: int, actor: Actor) -> list[dict[str, Any]]:
    """Insert the call's unplanned visits into their day's plan, if that day is planned."""
    visits = db.session.scalars(select(Visit).where(
        Visit.call_id == call_id, Visit.status == "unassigned")).all()
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
        Visit.service_date == day, Visit.status == "unassigned")).all()
    return [v.id for v in visits if not v.drop_codes]
