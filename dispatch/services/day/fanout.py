"""A national day planned by region tasks (rules.md §9): split, solve each, merge once.

The plan job's task does not solve a national day itself. It loads the rows, builds the
day's problem and splits it by base (routing.regions), stores each region's sub-problem
as a PlanJobRegion row and returns; the task queue then runs one region task per row, on
whichever workers are free. A region task solves its sub-problem with no transaction open,
then in one unit of work stores the answer and adds one to the job's counter; the task
that brings the counter to the total merges the regions and writes the plan, in one unit
of work. No task ever waits for another, so N workers never deadlock nor serialise.

The counter is an UPDATE … SET regions_done = regions_done + 1 … RETURNING on the job's
row: PostgreSQL serialises it on the row lock (and re-reads the row it waited for), SQLite
on its write lock (a unit of work begins with BEGIN IMMEDIATE); so exactly one task sees
the total. A region answer is stored only once (`solved_at IS NULL`), so a task run twice
counts once.

Rows may change while the regions are solved (a call taken, a technician's progress): the
merge loads them again and, as a one-piece plan does, leaves every visit changed since
the split (by version) as it is now; the next plan takes it as it is.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import delete, select, update

from dispatch.domain.job_status import JobStatus
from dispatch.errors import Conflict
from dispatch.extensions import db
from dispatch.models import PlanJob, PlanJobRegion
from dispatch.services.day import planning
from dispatch.services.day.problem import (
    bounded_problem,
    changed_since,
    load_day,
    problem_from_json,
    problem_json,
    versions_of,
)
from dispatch.services.day.travel import RecordedTravel, source_from_json, travel_from_config
from dispatch.services.trust.audit import Actor
from routing import (
    DroppedVisit,
    DropReason,
    Route,
    RoutePlan,
    RoutingProblem,
    SolveOptions,
    Stop,
    TravelTimeSource,
)


def split(job_id: int) -> list[int]:
    """Store a national day's regions for its running job; their numbers ([] when the day
    is planned in one piece, by plan_jobs.run)."""
    began = time.monotonic()
    job = db.session.get(PlanJob, job_id)
    if job is None or job.status != JobStatus.RUNNING:
        return []
    config = current_app.config
    rows = load_day(job.service_date)
    travel = travel_from_config(config)
    cut = bounded_problem(rows, travel, config)
    problem = cut.problem
    if not planning.is_national(problem):
        return []
    options = planning.plan_options(len(problem.visits), config)
    # Without travel pairs: each region task asks the travel source for its own (in
    # parallel, on its worker) and sends back what it recorded with its answer.
    regions = planning.regions_of(problem, pairs=False)
    region_opts = planning.region_options(
        SolveOptions(time_limit_s=options["time_limit_s"],
                     solution_limit=options["solution_limit"]), len(regions), config)
    solve_options = {"time_limit_s": region_opts.time_limit_s,
                     "solution_limit": region_opts.solution_limit}
    for number, region in enumerate(regions):
        assert isinstance(region.travel, RecordedTravel)
        db.session.add(PlanJobRegion(job_id=job.id, region_no=number,
                                     problem=problem_json(region, region.travel, solve_options)))
    # The day's problem without its travel pairs: the merge takes the regions' pairs and
    # asks the travel source for the few a repair needs across regions.
    job.work = {"problem": problem_json(problem, RecordedTravel(travel.inner), options),
                "excess": list(cut.excess), "versions": versions_of(rows),
                # An insertion while the regions solve makes a new current plan (see finish).
                "seen_plan": planning.current_plan_id(job.service_date),
                # Where a day's wall time goes (benchmarks/fanout_bench.py prints it).
                "split_seconds": round(time.monotonic() - began, 2)}
    job.regions_total = len(regions)
    job.regions_done = 0
    db.session.flush()
    return list(range(len(regions)))


def region_problem(job_id: int, region_no: int) -> tuple[RoutingProblem, SolveOptions] | None:
    """A region's sub-problem and options, or None when its job no longer runs."""
    row = _running_region(job_id, region_no)
    if row is None or row.solved_at is not None:
        return None
    options = row.problem["options"]
    return problem_from_json(row.problem, strict=False), SolveOptions(
        time_limit_s=float(options["time_limit_s"]), solution_limit=options.get("solution_limit"),
        parallel=False)


def _running_region(job_id: int, region_no: int) -> PlanJobRegion | None:
    return db.session.scalar(
        select(PlanJobRegion).join(PlanJob, PlanJob.id == PlanJobRegion.job_id)
        .where(PlanJobRegion.job_id == job_id, PlanJobRegion.region_no == region_no,
               PlanJob.status == JobStatus.RUNNING))


def record_region(job_id: int, region_no: int, answer: RoutePlan, travel: TravelTimeSource,
                  now: datetime) -> bool:
    """Store a region's answer and the travel pairs its solve recorded, and count it; True
    for the one call that completes the job."""
    assert isinstance(travel, RecordedTravel)
    stored = db.session.execute(
        update(PlanJobRegion)
        .where(PlanJobRegion.job_id == job_id, PlanJobRegion.region_no == region_no,
               PlanJobRegion.solved_at.is_(None))
        .values(answer={"plan": plan_json(answer), "travel": travel.to_json()}, solved_at=now)
        .execution_options(synchronize_session=False))
    if stored.rowcount != 1:  # type: ignore[attr-defined]
        return False  # counted before (a task run twice), or the job finished and its rows went
    counted = db.session.execute(
        update(PlanJob).where(PlanJob.id == job_id, PlanJob.status == JobStatus.RUNNING)
        .values(regions_done=PlanJob.regions_done + 1)
        .returning(PlanJob.regions_done, PlanJob.regions_total)
        .execution_options(synchronize_session=False)).one_or_none()
    return counted is not None and counted[0] == counted[1]


def finish(job_id: int, actor: Actor, now: datetime) -> dict[str, Any]:
    """Merge the job's solved regions, write the plan and mark the job done."""
    began = time.monotonic()
    job = db.session.get(PlanJob, job_id)
    assert job is not None and job.work is not None and job.started_at is not None
    regions = db.session.scalars(select(PlanJobRegion).where(PlanJobRegion.job_id == job_id)
                                 .order_by(PlanJobRegion.region_no)).all()
    work = job.work
    problem = problem_from_json(work["problem"])
    travel = RecordedTravel(source_from_json(work["problem"]["travel"]["source"]))
    answers = [region.answer or {} for region in regions]
    for answer_json in answers:
        travel.absorb(RecordedTravel.from_json(answer_json["travel"]))
    problem = replace(problem, travel=travel)
    plans = [plan_from_json(answer_json["plan"]) for answer_json in answers]
    options = work["problem"]["options"]
    # The day's wall time counts from the job's start, in whichever process that was.
    started = time.monotonic() - max(0.0, (now - job.started_at).total_seconds())
    answer = planning.with_excess(
        planning.merge_regions(problem, plans, started, float(options["time_limit_s"])),
        tuple(work["excess"]))
    if planning.lock_day(job.service_date) != work.get("seen_plan"):
        # A call was inserted into a route while the regions were solved: the merged routes
        # would overlap that route's new visit (a double booking). Nothing is written.
        raise Conflict("a call was inserted into this day while its regions were planned; "
                       "plan again")
    rows = load_day(job.service_date)
    changed = changed_since(rows, work["versions"])
    result = planning.write_plan(rows, problem, travel, options, answer, changed, actor)
    job.work = {**work, "merge_seconds": round(time.monotonic() - began, 2)}
    return result


def drop_regions(job_id: int) -> None:
    """Delete a finished job's scratch rows."""
    db.session.execute(delete(PlanJobRegion).where(PlanJobRegion.job_id == job_id))


def plan_json(answer: RoutePlan) -> dict[str, Any]:
    """A routing answer as JSON, every field kept (plan_from_json gives it back equal)."""
    return {
        "routes": [[r.technician_id, r.departure, r.return_time,
                    [[s.visit_id, s.arrival, s.service_start, s.service_end] for s in r.stops],
                    r.distance_m, r.duration_s, r.lunch_start] for r in answer.routes],
        "dropped": [[d.visit_id, d.reason.value] for d in answer.dropped],
        "objective": answer.objective, "status": answer.status,
        "wall_seconds": answer.wall_seconds,
    }


def plan_from_json(data: dict[str, Any]) -> RoutePlan:
    """Inverse of plan_json."""
    routes = tuple(Route(tech, departure, back, tuple(Stop(*stop) for stop in stops), metres,
                         seconds, lunch)
                   for tech, departure, back, stops, metres, seconds, lunch in data["routes"])
    dropped = tuple(DroppedVisit(key, DropReason(reason)) for key, reason in data["dropped"])
    return RoutePlan(routes, dropped, int(data["objective"]), str(data["status"]),
                     float(data["wall_seconds"]))
