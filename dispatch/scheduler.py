"""The daily lifecycle jobs on a clock: APScheduler 3 with its job store in the app database.

`dispatch scheduler` runs one BlockingScheduler in the foreground (one separate process).
Even if several run, each day's work happens once: `run_daily_once` inserts a claim row
(job_runs, unique (job_name, day)) and only the process whose insert succeeds does the work.
The claim commits with that work, in one unit of work: a run that fails leaves the day
unclaimed for the next run.
"""

from __future__ import annotations

import logging
import re
from datetime import time
from typing import Any

from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from flask import Flask

TOKYO = "Asia/Tokyo"
DEFAULT_AT = "00:15"
JOB_ID = "dispatch-daily-lifecycle"
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def daily_time(raw: str | None) -> time:
    """The run time from DISPATCH_DAILY_JOBS_AT ("HH:MM", Asia/Tokyo), default 00:15."""
    match = _HHMM.match((raw or DEFAULT_AT).strip())
    if match is None:
        raise ValueError(f"DISPATCH_DAILY_JOBS_AT must be HH:MM, got {raw!r}")
    return time(int(match.group(1)), int(match.group(2)))


_process_app: dict[str, Flask] = {}


def _app() -> Flask:
    # One app per process: the blueprints are module-level and register only once.
    if "app" not in _process_app:
        from dispatch import create_app

        _process_app["app"] = create_app()
    return _process_app["app"]


def run_scheduled_daily() -> dict[str, int] | None:
    """The scheduled job: today's (Asia/Tokyo) lifecycle jobs, once across processes."""
    # Referenced by text in the persistent job store, so it finds the app itself.
    from dispatch import clock
    from dispatch.services.registration.lifecycle import run_daily_once
    from dispatch.services.unit_of_work import unit_of_work

    with _app().app_context():
        with unit_of_work():
            summary = run_daily_once(clock.today_tokyo())
        if summary is not None:  # the process that ran the jobs writes the daily checkpoint
            try:
                write_checkpoint_now()
            except Exception:  # noqa: BLE001 - the jobs are stored; say so loudly, go on
                logging.getLogger(__name__).exception("the daily checkpoint was not written")
        return summary


def write_checkpoint_now() -> dict[str, Any]:
    """Chain pending audit rows, then append a signed checkpoint once that unit committed."""
    from dispatch import clock
    from dispatch.extensions import db
    from dispatch.services.reporting.checkpoints import write_checkpoint
    from dispatch.services.trust import audit_chain
    from dispatch.services.unit_of_work import unit_of_work

    with unit_of_work():
        audit_chain.chain_pending(db.session())
    return write_checkpoint(clock.now())


IN_PROCESS = "in_process"


def build_scheduler(app: Flask, *, blocking: bool = True,
                    jobstore_url: str | None = None) -> BaseScheduler:
    """A scheduler with the daily CronTrigger stored in the app's database."""
    at = daily_time(app.config.get("DISPATCH_DAILY_JOBS_AT"))
    url = jobstore_url or app.config["SQLALCHEMY_DATABASE_URI"]
    cls = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = cls(timezone=TOKYO, jobstores={"default": SQLAlchemyJobStore(url=url)})
    scheduler.add_job(
        "dispatch.scheduler:run_scheduled_daily",
        CronTrigger(hour=at.hour, minute=at.minute, timezone=TOKYO),
        id=JOB_ID, name="daily lifecycle jobs", replace_existing=True,
        # A run missed while the process was down is made up once, within 6 hours.
        coalesce=True, misfire_grace_time=6 * 3600, max_instances=1,
    )
    # rules.md §6: the morning plan and re-plans after new same-day calls run in this process too.
    from dispatch.dispatch_jobs import register_dispatch_jobs

    scheduler.add_jobstore(MemoryJobStore(), alias=IN_PROCESS)
    register_dispatch_jobs(scheduler, app, jobstore=IN_PROCESS)
    return scheduler
