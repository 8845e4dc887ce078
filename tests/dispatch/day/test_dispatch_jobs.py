"""The scheduled dispatch jobs: morning plan time and the new-call poll."""

from __future__ import annotations

from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler

from dispatch.clock import TOKYO
from dispatch.dispatch_jobs import register_dispatch_jobs


def test_morning_plan_runs_at_0730_tokyo_and_poll_every_five_minutes(app):
    scheduler = BackgroundScheduler(timezone=TOKYO)
    register_dispatch_jobs(scheduler, app)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"dispatch.morning_plan", "dispatch.replan_new_calls"}
    after = datetime(2026, 11, 26, 8, 0, tzinfo=TOKYO)
    fire = jobs["dispatch.morning_plan"].trigger.get_next_fire_time(None, after)
    assert fire == datetime(2026, 11, 27, 7, 30, tzinfo=TOKYO)
    assert jobs["dispatch.replan_new_calls"].trigger.interval.total_seconds() == 300
