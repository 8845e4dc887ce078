"""Plans as background jobs (rules.md §9): request, coalesce, run, fail with a reason.

`POST /plans` stores a PlanJob and a task queue worker (dispatch.tasks.plans) runs it.
At most one job per service date runs at a time, and at most one waits behind it: a request
made while a job is queued joins that job instead of adding another (the plan it will make
starts from the rows as they are when it starts, so it covers every request made before).
Both rules are unique indexes on plan_jobs, so they hold across web processes and workers.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from dispatch.domain.job_status import FINISHED, JobStatus
from dispatch.errors import DispatchError, NotFound
from dispatch.extensions import db
from dispatch.models import PlanJob, Visit
from dispatch.services.day import fanout, planning
from dispatch.services.trust.audit import Actor, record
from dispatch.services.unit_of_work import end_reads

# A running job older than this lost its worker (killed, machine gone): it is marked failed
# so the date can be planned again. The longest solve is MAX_PLAN_SECONDS (10 s) plus the
# queue's own delays; 15 minutes leaves room for a slow database.
STALE_AFTER = timedelta(minutes=15)
WORKER_LOST = "the worker running this job stopped before it finished; plan again"
POLL_SECONDS = 0.1


class Start(StrEnum):
    """What `start` found: the job now runs, waits for its date's running job, or is gone."""

    STARTED = "started"
    BLOCKED = "blocked"
    GONE = "gone"


def request_plan(service_date: date, actor: Actor, now: datetime) -> tuple[PlanJob, bool]:
    """The date's queued job (joined) or a new one; True when new, so the caller enqueues it."""
    for _ in range(2):
        queued = _queued(service_date)
        if queued is not None:
            record(actor, "plan_job.join", "plan_job", queued.id,
                   after={"service_date": service_date})
            return queued, False
        job = PlanJob(service_date=service_date, status=JobStatus.QUEUED, requested_at=now,
                      requested_by=actor.label, requested_by_user_id=actor.user_id)
        try:
            with db.session.begin_nested():
                db.session.add(job)
        except IntegrityError:
            continue  # another request queued one meanwhile: join it
        record(actor, "plan_job.request", "plan_job", job.id,
               after={"service_date": service_date})
        return job, True
    raise RuntimeError("plan job neither created nor found")  # pragma: no cover


def _queued(service_date: date) -> PlanJob | None:
    return db.session.scalar(select(PlanJob).where(PlanJob.service_date == service_date,
                                                   PlanJob.status == JobStatus.QUEUED))


def start(job_id: int, now: datetime) -> Start:
    """Mark a queued job running, unless another job of its date is running."""
    job = db.session.get(PlanJob, job_id)
    if job is None or job.status != JobStatus.QUEUED:
        return Start.GONE
    _fail_stale(job.service_date, now)
    budget = budget_for(job.service_date)
    try:
        with db.session.begin_nested():
            job.status = JobStatus.RUNNING
            job.started_at = now
            job.budget_s = budget
    except IntegrityError:
        return Start.BLOCKED
    return Start.STARTED


def _fail_stale(service_date: date | None, now: datetime) -> int:
    query = select(PlanJob).where(PlanJob.status == JobStatus.RUNNING,
                                  PlanJob.started_at < now - STALE_AFTER)
    if service_date is not None:
        query = query.where(PlanJob.service_date == service_date)
    stale = db.session.scalars(query).all()
    for job in stale:
        _finish(job, JobStatus.FAILED, now, error=WORKER_LOST, error_status=503)
    return len(stale)


def fail_lost(now: datetime) -> int:
    """Fail every job running for longer than STALE_AFTER, whatever its date; how many.

    A worker that died (killed, machine gone) leaves its job, or a fanned-out job's region,
    unfinished for good: the task queue runs this every minute, so such a job fails with
    WORKER_LOST even when nobody asks to plan its date again.
    """
    return _fail_stale(None, now)


def budget_for(service_date: date) -> float:
    """The solve budget plan_day will use for the date (for progress), from its visit count."""
    count = db.session.scalar(select(func.count(Visit.id)).where(
        Visit.service_date == service_date)) or 0
    return planning.plan_budget(count, current_app.config)


def run(job_id: int, actor: Actor, now: Callable[[], datetime]) -> PlanJob:
    """Plan the job's date and mark the job done, in the caller's unit of work."""
    job = _get(job_id)
    planning.plan_day(job.service_date, actor)
    job = _get(job_id)  # plan_day may have started its unit over (a stale answer)
    # The id only: the plan row holds the day's problem (megabytes on a national day).
    job.plan_id = planning.current_plan_id(job.service_date)
    _finish(job, JobStatus.DONE, now())
    return job


def split(job_id: int) -> list[int]:
    """A national day: store the running job's regions, return their numbers (the caller
    enqueues one region task each, after the commit); [] to plan in one piece with run."""
    return fanout.split(job_id)


def complete(job_id: int, actor: Actor, now: Callable[[], datetime]) -> PlanJob:
    """Merge a fanned-out job's regions into the plan and mark it done (one unit of work)."""
    fanout.finish(job_id, actor, now())
    job = _get(job_id)
    # The id only: the plan row holds the day's problem (megabytes on a national day).
    job.plan_id = planning.current_plan_id(job.service_date)
    _finish(job, JobStatus.DONE, now())
    return job


def fail(job_id: int, exc: BaseException, now: datetime) -> PlanJob:
    """Mark the job failed with what the caller of a synchronous plan would have been told.

    A job already finished stays as it is (a second region of a failed job failing too).
    """
    job = _get(job_id)
    if job.status in FINISHED:
        return job
    if isinstance(exc, DispatchError):
        _finish(job, JobStatus.FAILED, now, error=exc.detail, error_status=exc.status,
                codes=exc.codes)
    else:
        # An unexpected error is logged by the task; the client learns that, not the trace.
        _finish(job, JobStatus.FAILED, now, error=f"planning failed: {type(exc).__name__}",
                error_status=500)
    return job


def _finish(job: PlanJob, status: JobStatus, now: datetime, *, error: str | None = None,
            error_status: int | None = None, codes: list[str] | None = None) -> None:
    job.status = status
    job.finished_at = now
    job.error = error
    job.error_status = error_status
    job.error_codes = list(codes) if codes else None
    if job.regions_total:
        # Scratch: the plan keeps the problem and the answer; the timings stay.
        fanout.drop_regions(job.id)
        job.work = {key: value for key, value in (job.work or {}).items()
                    if key.endswith("_seconds")}
    db.session.flush()


def _get(job_id: int) -> PlanJob:
    job = db.session.get(PlanJob, job_id)
    if job is None:
        raise NotFound(f"plan job {job_id} not found")
    return job


def get(job_id: int) -> PlanJob:
    """A job by id (NotFound otherwise)."""
    return _get(job_id)


def actor_of(job: PlanJob) -> Actor:
    """The actor the job plans for: whoever requested it first."""
    return Actor(label=job.requested_by, user_id=job.requested_by_user_id)


def wait_for(job_id: int, seconds: float) -> PlanJob:
    """The job once finished, or as it stands after `seconds` (Prefer: wait=N)."""
    deadline = time.monotonic() + seconds
    while True:
        job = _get(job_id)
        if job.status in FINISHED or time.monotonic() >= deadline:
            return job
        # End the read transaction so the next read sees the worker's commits.
        end_reads()
        db.session.expire_all()
        time.sleep(POLL_SECONDS)


def progress(job: PlanJob, now: datetime) -> float:
    """0 queued; while running, regions solved ÷ regions for a fanned-out day, else elapsed
    ÷ solve budget (at most 0.95 either way: the merge is still to come); 1 once finished."""
    if job.status in FINISHED:
        return 1.0
    if job.status == JobStatus.RUNNING and job.regions_total:
        return round(min(0.95, job.regions_done / job.regions_total), 2)
    if job.status == JobStatus.QUEUED or job.started_at is None or not job.budget_s:
        return 0.0
    elapsed = (now - job.started_at).total_seconds()
    return round(min(0.95, max(0.0, elapsed / job.budget_s)), 2)


def job_json(job: PlanJob, now: datetime, plan: dict[str, Any] | None = None) -> dict[str, Any]:
    """The job document of `GET /plan-jobs/{id}` (SPEC §9)."""
    body: dict[str, Any] = {
        "id": job.id, "date": job.service_date.isoformat(), "status": str(job.status),
        "progress": progress(job, now), "plan_id": job.plan_id,
    }
    if job.status == JobStatus.FAILED:
        body["error"] = job.error
        body["codes"] = job.error_codes or []
    if plan is not None:
        body["plan"] = plan
    return body
