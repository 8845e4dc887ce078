"""The plan job task: a worker plans a service date for a PlanJob (rules.md §9)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from typing import Any

from sqlalchemy.exc import OperationalError

from dispatch import clock
from dispatch.errors import Conflict, DispatchError
from dispatch.services.day import plan_jobs
from dispatch.services.unit_of_work import unit_of_work
from dispatch.tasks.queue import huey, task

log = logging.getLogger(__name__)
PLAN_ATTEMPTS = 2
# A follow-up job whose date is still being planned by another worker looks again after this.
BLOCKED_RETRY_SECONDS = 1


@task(unit=False)
def run_plan_job(job_id: int) -> str:
    """Start, run and finish one plan job; each step its own unit of work."""
    with unit_of_work():
        outcome = plan_jobs.start(job_id, clock.now())
    if outcome == plan_jobs.Start.BLOCKED:
        run_plan_job.schedule((job_id,), delay=BLOCKED_RETRY_SECONDS)
        return str(outcome)
    if outcome == plan_jobs.Start.GONE:
        return str(outcome)
    for attempt in range(PLAN_ATTEMPTS):
        try:
            with unit_of_work():
                job = plan_jobs.get(job_id)
                plan_jobs.run(job_id, plan_jobs.actor_of(job), clock.now)
            return "done"
        except OperationalError as exc:
            # SQLite (WAL): a write committed by another connection during the solve (a
            # coalescing request, a call taken) makes this transaction's first write fail
            # with "database is locked" at once, whatever the busy timeout. Plan again on
            # fresh rows, then tell as a conflict.
            if "locked" not in str(exc):
                failure: Exception = exc
                break
            failure = Conflict("other changes were being saved while this day was planned; "
                               "plan again")
            if attempt + 1 < PLAN_ATTEMPTS:
                continue
        except Exception as exc:  # noqa: BLE001 - every failure is told to the client
            failure = exc
            break
    if not isinstance(failure, DispatchError):
        log.exception("plan job %s failed", job_id, exc_info=failure)
    with unit_of_work():
        plan_jobs.fail(job_id, failure, clock.now())
    return "failed"


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

    Until they are ready a solve runs OR-Tools alone (routing.solver), so a worker that has
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
    # are loaded its solves run OR-Tools alone (routing.solver), so no budget waits for them.
    threading.Thread(target=warm_kernels, name="warm-solver-kernels", daemon=True).start()
