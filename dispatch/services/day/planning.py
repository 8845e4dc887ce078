"""The day's plan (rules.md §6): build the routing problem from the rows, solve, store, write back.

Each public function runs in one unit of work (dispatch/services/unit_of_work.py). A Plan
row keeps the exact problem (values, pins, recorded travel matrix, solver options) and the
answer, so a plan can be re-solved.
"""

from __future__ import annotations

import os
import time
from collections.abc import Collection
from dataclasses import replace
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm.exc import StaleDataError

from dispatch import clock
from dispatch.errors import Conflict, NotFound
from dispatch.extensions import db
from dispatch.models import Plan
from dispatch.services.day import solver_pool
from dispatch.services.day.moves import apply_plan
from dispatch.services.day.problem import (
    DayRows,
    bounded_problem,
    changed_since_load,
    load_day,
    problem_from_json,
    problem_json,
)
from dispatch.services.day.result import plan_result
from dispatch.services.day.travel import RecordedTravel, travel_from_config
from dispatch.services.notify import messages
from dispatch.services.trust.audit import Actor, record
from dispatch.services.unit_of_work import start_over
from routing import DroppedVisit, DropReason, RoutePlan, RoutingProblem, SolveOptions, solve
from routing.regions import merge, repair, split_by_base

PLAN_ATTEMPTS = 2
# Each attempt to lock a day's current plan waits for one writer of that day.
LOCK_ATTEMPTS = 5
# Below this many visits one search over all technicians beats splitting by base
# (DISPATCH_REGION_MIN_VISITS changes it).
REGION_THRESHOLD = 300
# Of the day's budget: the regions' solves (spread over the workers), then the repair.
REGION_SHARE = 0.6
REPAIR_SHARE = 0.15
# A region's least budget: OR-Tools' start then some ruin-and-recreate. At 0.5 s a national
# day's regions route more visits than they did at 1.2 s before the solver's short-budget
# changes (benchmarks/RESULTS-fanout.md).
MIN_REGION_SECONDS = 0.5
# The default solve budget never exceeds this, however large the day (a coordinator waits):
# the national day (2,000 visits) is planned in under 10 s by 2 workers on 2 cores.
MAX_PLAN_SECONDS = 10.0


def plan_day(service_date: date, actor: Actor, *, time_limit_s: float | None = None,
             solution_limit: int | None = None) -> dict[str, Any]:
    """Plan every onsite visit of `service_date`; returns the §9.1 plan payload."""
    # Solving takes seconds; visits changed meanwhile keep their change (changed_since_load
    # locks the rest on PostgreSQL). SQLite cannot lock rows: a change between that check
    # and the writes makes the answer stale; plan again once on fresh rows, then tell.
    # Planning again starts its unit of work over: plan_day is the only writer in its unit.
    for _ in range(PLAN_ATTEMPTS):
        try:
            return _plan_day_once(service_date, actor, time_limit_s, solution_limit)
        except StaleDataError:
            start_over()
    raise Conflict("visits of this day changed while it was being planned; plan again")


def _plan_day_once(service_date: date, actor: Actor, time_limit_s: float | None,
                   solution_limit: int | None) -> dict[str, Any]:
    config = current_app.config
    seen = current_plan_id(service_date)
    rows = load_day(service_date)
    travel = travel_from_config(config)
    cut = bounded_problem(rows, travel, config)
    problem = cut.problem
    options = plan_options(len(problem.visits), config, time_limit_s, solution_limit)
    answer = with_excess(solve_problem(problem, options), cut.excess)
    if lock_day(service_date) != seen:
        # An insertion placed a call while this plan was solved: its routes would overlap
        # this answer's (a double booking), so plan again on the rows as they are now.
        raise StaleDataError(f"the plan of {service_date} changed while it was solved")
    changed = changed_since_load(rows)
    return write_plan(rows, problem, travel, options, answer, changed, actor)


def write_plan(rows: DayRows, problem: RoutingProblem, travel: RecordedTravel,
               options: dict[str, Any], answer: RoutePlan, changed: Collection[str],
               actor: Actor) -> dict[str, Any]:
    """Store the answer as the date's current plan and write it onto the visits."""
    service_date = rows.service_date
    plan = store_plan(service_date, problem, travel, options, answer, "solve")
    moved = apply_plan(rows, answer, plan, actor, changed)
    plan.solution = {**plan.solution, "moved": moved, "changed_meanwhile": len(changed)}
    db.session.flush()
    messages.plan_scheduled(plan.id, clock.now())  # in this unit of work (rules.md §11)
    record(actor, "plan.create", "plan", plan.id, after={
        "service_date": service_date, "routes": sum(1 for r in answer.routes if r.stops),
        "dropped": len(answer.dropped), "moved": len(moved), "status": answer.status})
    db.session.flush()
    return plan_result(service_date)


def plan_options(visit_count: int, config: Any, time_limit_s: float | None = None,
                 solution_limit: int | None = None) -> dict[str, Any]:
    """The solver options of a plan: its time budget and, when configured, a solution limit."""
    # A solution limit makes a run reproducible whatever the machine load (tests, replay).
    solution_limit = solution_limit or _int_or_none(config.get("DISPATCH_SOLUTION_LIMIT"))
    limit = float(time_limit_s or plan_budget(visit_count, config))
    return {"time_limit_s": limit, "solution_limit": solution_limit}


def plan_budget(visit_count: int, config: Any) -> float:
    """The solve budget: DISPATCH_PLAN_SECONDS, else 2 s plus 1 s per 100 visits, <= 10 s."""
    # Unless configured, the budget grows with the (bounded) day (a coordinator waits for it).
    return float(config.get("DISPATCH_PLAN_SECONDS")
                 or min(MAX_PLAN_SECONDS, 2.0 + visit_count / 100))


def with_excess(answer: RoutePlan, excess: tuple[str, ...]) -> RoutePlan:
    """The answer with the visits left out by the capacity bound as NO_CAPACITY drops."""
    over = tuple(DroppedVisit(key, DropReason.NO_CAPACITY) for key in excess)
    return replace(answer, dropped=answer.dropped + over)


def _int_or_none(value: Any) -> int | None:
    return int(value) if value not in (None, "") else None


def solve_problem(problem: RoutingProblem, options: dict[str, Any],
                  previous: RoutePlan | None = None) -> RoutePlan:
    """Solve in one search, or base by base on every core for a national day."""
    opts = SolveOptions(time_limit_s=options["time_limit_s"],
                        solution_limit=options.get("solution_limit"))
    if not is_national(problem) or previous is not None:
        return solve(problem, opts, previous=previous)
    started = time.monotonic()
    regions = regions_of(problem)
    region_opts = region_options(opts, len(regions), current_app.config)
    plans = solver_pool.solve_all(regions, region_opts)
    return merge_regions(problem, plans, started, opts.time_limit_s)


def is_national(problem: RoutingProblem) -> bool:
    """True when the day is solved region by region: several bases and a large day."""
    bases = {t.start for t in problem.technicians}
    threshold = int(current_app.config.get("DISPATCH_REGION_MIN_VISITS") or REGION_THRESHOLD)
    return len(bases) > 1 and len(problem.visits) >= threshold


def regions_of(problem: RoutingProblem, *, pairs: bool = True) -> list[RoutingProblem]:
    """One sub-problem per base, each with only its own travel pairs (routing.regions), or
    with none (`pairs=False`: whoever solves it asks the travel source)."""
    travel = problem.travel
    assert isinstance(travel, RecordedTravel)
    if not pairs:
        return [replace(region, travel=RecordedTravel(travel.inner))
                for region in split_by_base(problem)]
    regions = []
    for region in split_by_base(problem):
        locations = [loc for t in region.technicians for loc in (t.start, t.end)]
        locations += [v.location for v in region.visits]
        # Solvers get only their region's pairs; the whole record stays with the day.
        regions.append(replace(region, travel=travel.subset(locations)))
    return regions


def region_options(opts: SolveOptions, regions: int, config: Any) -> SolveOptions:
    """Each region's options: DISPATCH_REGION_SECONDS, else a share of the day's budget.

    The share assumes DISPATCH_PLAN_WORKERS solving at once (default: this machine's
    cores): regions ÷ workers of them run one after the other in the day's budget.
    """
    workers = int(config.get("DISPATCH_PLAN_WORKERS") or max(1, min(os.cpu_count() or 1, 8)))
    per_region = float(config.get("DISPATCH_REGION_SECONDS") or max(
        MIN_REGION_SECONDS, REGION_SHARE * opts.time_limit_s * workers / max(1, regions)))
    return replace(opts, time_limit_s=min(opts.time_limit_s, per_region), parallel=False)


def merge_regions(problem: RoutingProblem, plans: list[RoutePlan], started: float,
                  limit: float) -> RoutePlan:
    """The regions' answers as one plan; then offer what a region dropped to the others.

    `started` (time.monotonic()) is when the day's solve began, for its wall time.
    """
    merged = merge(problem, plans, time.monotonic() - started)
    deadline = time.monotonic() + max(1.0, REPAIR_SHARE * limit)
    return repair(problem, merged, started, deadline)


def store_plan(service_date: date, problem: RoutingProblem, travel: RecordedTravel,
               options: dict[str, Any], answer: RoutePlan, method: str) -> Plan:
    """Add the new current Plan row (the previous one stays, no longer current)."""
    db.session.execute(update(Plan).where(Plan.service_date == service_date,
                                          Plan.is_current.is_(True)).values(is_current=False))
    plan = Plan(service_date=service_date, created_at=clock.now(),
                problem=problem_json(problem, travel, options),
                solution={**solution_json(answer, method), "options": dict(options)},
                is_current=True)
    db.session.add(plan)
    db.session.flush()
    return plan


def solution_json(answer: RoutePlan, method: str) -> dict[str, Any]:
    """The routing answer as JSON."""
    return {
        "method": method,
        "routes": [
            {"technician_id": r.technician_id, "departure": r.departure,
             "return_time": r.return_time, "distance_m": r.distance_m,
             "duration_s": r.duration_s,
             "stops": [[s.visit_id, s.arrival, s.service_start, s.service_end]
                       for s in r.stops]}
            for r in answer.routes
        ],
        "dropped": [[d.visit_id, d.reason.value] for d in answer.dropped],
        "objective": answer.objective, "status": answer.status,
        "wall_seconds": round(answer.wall_seconds, 3),
    }


def current_plan_id(service_date: date) -> int | None:
    """The id of the date's current plan, if any (read without a lock)."""
    return db.session.scalar(select(Plan.id).where(Plan.service_date == service_date,
                                                   Plan.is_current.is_(True)))


def lock_day(service_date: date) -> int | None:
    """The id of the date's current plan, its row locked until the unit ends; None if the
    date has no plan yet.

    Writers of a day's routes (an insertion, a plan's write-back) take this lock first, so
    they wait for each other and each sees the routes the one before it wrote (PostgreSQL;
    SQLite's unit of work holds the database's write lock anyway).
    """
    for _ in range(LOCK_ATTEMPTS):
        locked_id = db.session.scalar(
            select(Plan.id).where(Plan.service_date == service_date,
                                  Plan.is_current.is_(True)).with_for_update())
        if locked_id is not None:
            return locked_id
        # None also when the plan we waited for stopped being current as its writer
        # committed: its successor was not visible to that statement; look again.
        if current_plan_id(service_date) is None:
            return None
    raise Conflict(f"the plan of {service_date.isoformat()} keeps changing; try again")


def current_plan(service_date: date) -> Plan:
    """The current Plan row of the date, or NotFound."""
    plan = db.session.scalar(select(Plan).where(Plan.service_date == service_date,
                                                Plan.is_current.is_(True)))
    if plan is None:
        raise NotFound(f"no plan for {service_date.isoformat()}")
    return plan


def get_plan(service_date: date) -> dict[str, Any]:
    """The §9.1 payload of the current plan of the date."""
    current_plan(service_date)
    return plan_result(service_date)


def replay(plan_id: int) -> dict[str, Any]:
    """Re-solve a stored plan from its stored problem only; nothing is written."""
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        raise NotFound(f"no plan {plan_id}")
    problem = problem_from_json(plan.problem)
    answer = solve_problem(problem, plan.problem["options"])
    again = solution_json(answer, "replay")
    stored = plan.solution
    # Visits over the day's capacity never were in the stored problem: compare the rest.
    solved = {v["id"] for v in plan.problem["visits"]}
    stored_drops = [tuple(d) for d in stored["dropped"] if d[0] in solved]
    same = (_routes_key(again) == _routes_key(stored)
            and sorted(map(tuple, again["dropped"])) == sorted(stored_drops))
    return {"plan_id": plan.id, "identical": same, "stored": stored, "replayed": again}


def _routes_key(solution: dict[str, Any]) -> list[tuple[str, tuple[str, ...]]]:
    return sorted((r["technician_id"], tuple(s[0] for s in r["stops"]))
                  for r in solution["routes"])
