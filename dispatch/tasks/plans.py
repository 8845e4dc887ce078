"""Plan job tasks (rules.md §9): a worker plans a service date for a PlanJob; a national
day fans out to one task per region (dispatch.services.day.fanout)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from contextlib import nullcontext
from typing import Any

from flask import has_app_context
from huey import crontab
from sqlalchemy.exc import OperationalError

from dispatch import clock
from dispatch.errors import Conflict, DispatchError
from dispatch.services.day import fanout, plan_jobs, solver_pool
from dispatch.services.unit_of_work import unit_of_work
from dispatch.tasks.queue import huey, task, task_app

log = logging.getLogger(__name__)
PLAN_ATTEMPTS = 2
# A follow-up job whose date is still being planned by another worker looks again after this.
BLOCKED_RETRY_SECONDS = 1


@task(unit=False)
def run_plan_job(job_id: int) -> str:
    """Start a plan job; plan its day in one piece, or fan a national day out to region
    tasks and return at once (no task waits for another: dispatch.services.day.fanout)."""
    with unit_of_work():
        outcome = plan_jobs.start(job_id, clock.now())
    if outcome == plan_jobs.Start.BLOCKED:
        run_plan_job.schedule((job_id,), delay=BLOCKED_RETRY_SECONDS)
        return str(outcome)
    if outcome == plan_jobs.Start.GONE:
        return str(outcome)
    try:
        with unit_of_work():
            regions = plan_jobs.split(job_id)
    except Exception as exc:  # noqa: BLE001 - every failure is told to the client
        return _fail(job_id, exc)
    if regions:
        # After the commit: the region tasks (other workers) must see the rows.
        for region_no in regions:
            solve_region(job_id, region_no)
        return f"regions: {len(regions)}"

    def plan_in_one_piece() -> None:
        job = plan_jobs.get(job_id)
        plan_jobs.run(job_id, plan_jobs.actor_of(job), clock.now)

    return _in_attempts(job_id, plan_in_one_piece)


@task(unit=False)
def solve_region(job_id: int, region_no: int) -> str:
    """Solve one region of a fanned-out job; the task completing the count merges."""
    try:
        with unit_of_work():
            found = fanout.region_problem(job_id, region_no)
        if found is None:
            return "gone"  # the job failed (or this region was solved by an earlier run)
        # No transaction stays open during the solve: it takes seconds.
        answer, travel = solver_pool.solve_here(*found)
        with unit_of_work():
            last = fanout.record_region(job_id, region_no, answer, travel, clock.now())
    except Exception as exc:  # noqa: BLE001 - the job fails with a reason, never hangs
        return _fail(job_id, exc)
    if not last:
        return "solved"

    def merge() -> None:
        job = plan_jobs.get(job_id)
        plan_jobs.complete(job_id, plan_jobs.actor_of(job), clock.now)

    return _in_attempts(job_id, merge)


def _in_attempts(job_id: int, write: Callable[[], None]) -> str:
    """Run `write` in a unit of work, again once if SQLite was locked, else fail the job."""
    for attempt in range(PLAN_ATTEMPTS):
        try:
            with unit_of_work():
                write()
            return "done"
        except OperationalError as exc:
            # SQLite (WAL): a write committed by another connection during the solve (a
            # coalescing request, a call taken) makes this transaction's first write fail
            # with "database is locked" at once, whatever the busy timeout. Plan again on
            # fresh rows, then tell as a conflict.
            if "locked" not in str(exc):
                return _fail(job_id, exc)
            if attempt + 1 < PLAN_ATTEMPTS:
                continue
            return _fail(job_id, Conflict("other changes were being saved while this day "
                                          "was planned; plan again"))
        except Exception as exc:  # noqa: BLE001 - every failure is told to the client
            return _fail(job_id, exc)
    return "failed"  # pragma: no cover - the loop always returns


def _fail(job_id: int, failure: Exception) -> str:
    if not isinstance(failure, DispatchError):
        log.exception("plan job %s failed", job_id, exc_info=failure)
    with unit_of_work():
        plan_jobs.fail(job_id, failure, clock.now())
    return "failed"


@huey.periodic_task(crontab(minute="*"), name="dispatch.tasks.plans.fail_lost_jobs")
def fail_lost_jobs() -> int:
    """Every minute: fail jobs whose worker died (rules.md §9, plan_jobs.STALE_AFTER)."""
    context = nullcontext() if has_app_context() else task_app().app_context()
    with context, unit_of_work():
        return plan_jobs.fail_lost(clock.now())


def enqueue_plan_job(job_id: int) -> None:
    """Queue the job's task; call after the unit of work that stored the job committed."""
    run_plan_job(job_id)


def enqueue_follow_up(answer: Mapping[str, Any]) -> None:
    """Queue the plan job an insertion asked for (replanning.insert_call's answer), if that
    request created it; call after the insertion's unit of work committed."""
    job = (answer.get("insertion") or {}).get("plan_job")
    if job and job["new"]:
        enqueue_plan_job(job["id"])


def warm_kernels() -> None:
    """Compile (or load from numba's cache) the solver's kernels, outside any solve budget.

    Until they are ready a solve runs OR-Tools alone (routing.hybrid), so a worker that has
    just started keeps every budget; this makes the following solves full strength.
    """
    from routing.ruin_recreate import kernels_loaded, warm_up

    if kernels_loaded():
        return
    began = time.monotonic()
    warm_up()
    log.info("solver kernels ready in %.1f s", time.monotonic() - began)


@huey.on_startup("warm-solver-kernels")
def _warm_in_background() -> None:
    # Each consumer worker (thread or process) starts taking tasks at once; until the kernels
    # are loaded its solves run OR-Tools alone (routing.hybrid), so no budget waits for them.
    threading.Thread(target=warm_kernels, name="warm-solver-kernels", daemon=True).start()
