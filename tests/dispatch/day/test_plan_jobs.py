"""Plan jobs (rules.md §9): one running job per date, later requests coalesce into one
follow-up, a job whose worker vanished is failed, progress follows the solve budget."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from dispatch.domain.job_status import JobStatus
from dispatch.services.day import plan_jobs
from dispatch.services.day.plan_jobs import Start
from dispatch.services.trust.audit import Actor
from dispatch.services.unit_of_work import unit_of_work
from dispatch.views.api.plans import prefer_wait

D = date(2026, 11, 26)
NOW = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)
ASKER = Actor(label="desk@example.jp")


def _request() -> tuple[int, bool]:
    with unit_of_work():
        job, new = plan_jobs.request_plan(D, ASKER, NOW)
    return job.id, new


def _start(job_id: int, now: datetime = NOW) -> Start:
    with unit_of_work():
        return plan_jobs.start(job_id, now)


def test_requests_while_a_job_runs_coalesce_into_one_follow_up(app):
    first, new = _request()
    assert new is True
    assert _request() == (first, False)  # still queued: the request joins it
    assert _start(first) == Start.STARTED
    follow_up, new = _request()  # the date is running: one follow-up is queued
    assert (follow_up != first, new) == (True, True)
    assert _request() == (follow_up, False)  # and later requests join the follow-up
    # The follow-up cannot run beside the running job of its date.
    assert _start(follow_up) == Start.BLOCKED
    assert plan_jobs.get(follow_up).status == JobStatus.QUEUED
    with unit_of_work():
        plan_jobs.run(first, ASKER, lambda: NOW)
    assert _start(follow_up) == Start.STARTED
    assert _start(first) == Start.GONE  # a finished job is not run again


def test_a_running_job_older_than_the_stale_limit_is_failed(app):
    lost, _ = _request()
    _start(lost)
    follow_up, _ = _request()
    later = NOW + plan_jobs.STALE_AFTER + timedelta(seconds=1)
    assert _start(follow_up, later) == Start.STARTED
    job = plan_jobs.get(lost)
    assert (job.status, job.error, job.error_status) == (
        JobStatus.FAILED, plan_jobs.WORKER_LOST, 503)


def test_progress_is_elapsed_over_budget_until_done(app):
    job_id, _ = _request()
    job = plan_jobs.get(job_id)
    assert plan_jobs.progress(job, NOW) == 0.0
    _start(job_id)
    job = plan_jobs.get(job_id)
    assert job.budget_s == 2.0  # no visits: the 2 s floor of plan_budget
    assert plan_jobs.progress(job, NOW + timedelta(seconds=1)) == 0.5
    assert plan_jobs.progress(job, NOW + timedelta(seconds=60)) == 0.95


@pytest.mark.parametrize(("header", "expected"), [
    ("wait=10", 10),
    ("respond-async, wait=5", 5),  # RFC 7240 allows several preferences
    ("Wait = 7", 7),
    ("wait=600", 60),  # capped: a web thread waits meanwhile
    ("respond-async", None),
    (None, None),
])
def test_prefer_wait(header, expected):
    assert prefer_wait(header) == expected
