"""Scheduled dispatch jobs (rules.md §6 "planning runs on a schedule"), wired in by the lead:

    from dispatch.dispatch_jobs import register_dispatch_jobs
    register_dispatch_jobs(scheduler)          # inside an app context, or pass app=

- morning plan: every day at DISPATCH_MORNING_PLAN_AT (default 07:30 Asia/Tokyo). It queues
  a plan job (dispatch.services.day.plan_jobs)
  whenever today has onsite visits — business days, and also Saturdays for packs whose
  support hours include them (§2: the pack's hours, not OXT's calendar, decide).
- re-plan poll: every DISPATCH_REPLAN_POLL_MINUTES (default 5) minutes, new unassigned
  visits of an already planned today are inserted (dispatch.services.day.replanning); a call
  with no room at once waits for the plan job the insertion queued.
  Intake may also call `replanning.replan_after_new_call(call_id, actor)` in a unit of work
  right after the one that took the call, for an immediate insertion; the poll then finds
  nothing left to do.
"""

from __future__ import annotations

import logging
from typing import Any

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask, current_app
from sqlalchemy import select

from dispatch import clock
from dispatch.extensions import db
from dispatch.models import Visit
from dispatch.services.day import plan_jobs, replanning
from dispatch.services.trust.audit import Actor
from dispatch.services.unit_of_work import unit_of_work
from dispatch.tasks.plans import enqueue_follow_up, enqueue_plan_job

log = logging.getLogger(__name__)
JOB_ACTOR = Actor(label="scheduler")


def morning_plan(app: Flask) -> int | None:
    """Queue today's plan job if today has onsite visits; returns the job's id.

    APScheduler is the clock; a task queue worker solves (dispatch.tasks.plans).
    """
    with app.app_context():
        today = clock.today_tokyo()
        if db.session.scalar(select(Visit.id).where(Visit.service_date == today).limit(1)) is None:
            return None
        with unit_of_work():
            job, new = plan_jobs.request_plan(today, JOB_ACTOR, clock.now())
        if new:
            enqueue_plan_job(job.id)
        log.info("morning plan %s: job %d queued", today, job.id)
        return job.id


def replan_new_calls(app: Flask) -> int:
    """Insert today's new unassigned visits into today's plan; returns how many."""
    with app.app_context():
        ids = replanning.unplanned_visits(clock.today_tokyo())
        for visit_id in ids:  # one unit of work each, as a coordinator's insertion is
            with unit_of_work():
                answer = replanning.insert_call(visit_id, JOB_ACTOR)
            enqueue_follow_up(answer)  # a call with no room at once: its day's plan job
        return len(ids)


def register_dispatch_jobs(scheduler: Any, app: Flask | None = None,
                           jobstore: str = "default") -> None:
    """Add the morning plan and the re-plan poll to an APScheduler 3 scheduler.

    They take the app as an argument, so they belong in an in-memory job store (an app
    cannot be pickled into the database store); they are re-added at every start.
    """
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    hour, minute = str(app.config.get("DISPATCH_MORNING_PLAN_AT") or "07:30").split(":")
    poll = int(app.config.get("DISPATCH_REPLAN_POLL_MINUTES") or 5)
    scheduler.add_job(morning_plan, CronTrigger(hour=int(hour), minute=int(minute),
                                                timezone=clock.TOKYO),
                      args=[app], id="dispatch.morning_plan", replace_existing=True,
                      jobstore=jobstore,
                      coalesce=True, max_instances=1, misfire_grace_time=1800)
    scheduler.add_job(replan_new_calls, IntervalTrigger(minutes=poll), args=[app],
                      id="dispatch.replan_new_calls", replace_existing=True, coalesce=True,
                      jobstore=jobstore,
                      max_instances=1)
