"""The scheduled dispatch jobs: morning plan time and the new-call poll."""

from __future__ import annotations

from datetime import date, datetime

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


def test_demo_load_plans_today_only_when_visits_exist(day):
    from sqlalchemy import select

    from dispatch.demo_data import day as demo_day
    from dispatch.extensions import db
    from dispatch.models import Plan

    today = date(2026, 11, 26)
    demo_day.load(today)  # nothing yet: no plan
    assert db.session.scalar(select(Plan)) is None
    day.tech(day.base())
    day.call()
    demo_day.load(today)
    assert db.session.scalar(select(Plan).where(Plan.service_date == today)) is not None


def test_morning_job_plans_today_and_poll_inserts_new_calls(app, day):
    from dispatch.dispatch_jobs import morning_plan, replan_new_calls
    from dispatch.extensions import db
    from dispatch.models import Visit

    day.tech(day.base())
    day.call()
    from dispatch.services.day import plan_jobs, planning

    job_id = morning_plan(app)  # a plan job; tests run tasks at once
    assert plan_jobs.get(job_id).status == "done"
    assert planning.get_plan(date(2026, 11, 26))["routes"][0]["stops"]
    late = day.call(35.70, 139.72).id  # the job's app context closes the session on exit
    assert replan_new_calls(app) == 1
    assert db.session.get(Visit, late).status == "planned"
