"""The scheduler's daily trigger and the once-per-day claim across processes."""

from __future__ import annotations

import threading
from datetime import date, time

import pytest
from sqlalchemy import delete

from dispatch.extensions import db
from dispatch.models import JobRun
from dispatch.scheduler import JOB_ID, build_scheduler, daily_time
from dispatch.services.registration.lifecycle import run_daily_once
from dispatch.services.unit_of_work import unit_of_work


@pytest.mark.parametrize(("raw", "expected"), [
    (None, time(0, 15)),  # default 00:15 Asia/Tokyo
    ("06:30", time(6, 30)),
    (" 7:05 ", time(7, 5)),  # an hour without the leading zero
])
def test_daily_time(raw, expected):
    assert daily_time(raw) == expected


def test_daily_time_refuses_nonsense():
    with pytest.raises(ValueError):
        daily_time("25:00")


def test_scheduler_has_one_daily_cron_job(app, tmp_path):
    scheduler = build_scheduler(app, blocking=False,
                                jobstore_url=f"sqlite:///{tmp_path / 'jobs.sqlite3'}")
    # The dispatch-day jobs live in the in-process store; the daily job is the stored one.
    jobs = [j for j in scheduler.get_jobs() if not j.id.startswith("dispatch.")]
    assert [j.id for j in jobs] == [JOB_ID]
    trigger = jobs[0].trigger
    fields = {f.name: str(f) for f in trigger.fields}
    assert (fields["hour"], fields["minute"], str(trigger.timezone)) == ("0", "15", "Asia/Tokyo")


@pytest.mark.committing
def test_concurrent_invocations_do_the_work_once(app):
    """Threads on PostgreSQL race for the claim; on SQLite the claims come one after another."""
    day, name = date(2031, 3, 3), "test-concurrent-claim"
    calls: list[date] = []
    lock = threading.Lock()

    def work(d: date) -> dict[str, int]:
        with lock:
            calls.append(d)
        return {"n": 1}

    def invoke(results: list) -> None:
        with app.app_context():
            with unit_of_work():  # as the scheduled job runs it
                results.append(run_daily_once(day, name, work))
            db.session.remove()

    results: list = []
    with app.app_context():
        dialect = db.engine.dialect.name
    try:
        if dialect == "postgresql":
            threads = [threading.Thread(target=invoke, args=(results,)) for _ in range(6)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        else:
            for _ in range(3):
                invoke(results)
        assert calls == [day]
        assert sorted(results, key=lambda r: r is None) == [{"n": 1}] + [None] * (
            len(results) - 1)
    finally:
        with app.app_context():
            db.session.execute(delete(JobRun).where(JobRun.job_name == name))
            db.session.commit()
            db.session.remove()



@pytest.mark.committing
def test_scheduled_job_runs_todays_jobs_once(app, monkeypatch, tmp_path):
    """The job the scheduler fires (daily, same process) claims today and runs once."""
    from dispatch import clock, scheduler
    from dispatch.models import AuditEvent

    monkeypatch.setattr(scheduler, "_process_app", {"app": app})
    today = date(2031, 5, 5)
    monkeypatch.setattr(clock, "today_tokyo", lambda: today)
    # The run that did the jobs also appends the daily checkpoint (rules.md §7), once.
    monkeypatch.setitem(app.config, "DISPATCH_CHECKPOINT_DIR", str(tmp_path))
    try:
        first = scheduler.run_scheduled_daily()
        assert first is not None and set(first) >= {"packs_voided", "application_reminders"}
        assert scheduler.run_scheduled_daily() is None  # claimed: never twice a day
        assert len((tmp_path / "checkpoints.jsonl").read_text().splitlines()) == 1
    finally:
        with app.app_context():
            db.session.execute(delete(JobRun).where(JobRun.day == today))
            db.session.execute(delete(AuditEvent).where(
                AuditEvent.entity_id.like(f"%:{today.isoformat()}")))
            db.session.commit()
            db.session.remove()
