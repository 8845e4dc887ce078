"""The scheduler process carries the daily lifecycle jobs and the dispatch-day jobs."""

from __future__ import annotations


def test_scheduler_has_daily_jobs_morning_plan_and_replan_poll(app, tmp_path):
    from dispatch.scheduler import IN_PROCESS, build_scheduler

    scheduler = build_scheduler(app, blocking=False,
                                jobstore_url=f"sqlite:///{tmp_path / 'jobs.sqlite3'}")
    scheduler.start(paused=True)
    try:
        ids = {job.id: job for job in scheduler.get_jobs()}
        assert "dispatch.morning_plan" in ids and "dispatch.replan_new_calls" in ids
        assert ids["dispatch.morning_plan"]._jobstore_alias == IN_PROCESS
        assert len(ids) == 3  # plus the daily lifecycle jobs in the database store
        trigger = str(ids["dispatch.morning_plan"].trigger)
        assert "hour='7'" in trigger and "minute='30'" in trigger
    finally:
        scheduler.shutdown(wait=False)
