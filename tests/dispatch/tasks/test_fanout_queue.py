"""A national day through the real queue (rules.md §9): region tasks on consumer threads
(SQLite or Redis storage) and on `dispatch worker` processes, and the region counter under
concurrent region tasks (exactly one merges)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import ApiClient
from day_rows import Day
from huey.storage import MemoryStorage, RedisStorage
from queue_helpers import REDIS_URL, needs_redis
from sqlalchemy import select

from dispatch.domain.job_status import JobStatus
from dispatch.extensions import db
from dispatch.models import PlanJob
from dispatch.services.day import fanout, plan_jobs, planning
from dispatch.services.day.travel import RecordedTravel
from dispatch.services.trust.audit import Actor
from dispatch.services.unit_of_work import unit_of_work
from dispatch.tasks import queue
from routing import RoutePlan

pytestmark = pytest.mark.committing
ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)
BASES = {"TKY": (35.6812, 139.7671), "OSA": (34.6937, 135.5023), "FUK": (33.5904, 130.4017),
         "SPK": (43.0618, 141.3545)}


@pytest.fixture
def national_day(app, monkeypatch, clean_tables, make_user):
    """Four bases, a technician and two calls each, committed; split whatever its size."""
    monkeypatch.setattr("dispatch.clock.now", lambda: NOW)
    monkeypatch.setitem(app.config, "DISPATCH_PLAN_SECONDS", 1)
    monkeypatch.setitem(app.config, "DISPATCH_SOLUTION_LIMIT", 40)
    monkeypatch.setattr(planning, "REGION_THRESHOLD", 1)
    with app.app_context():
        with unit_of_work():
            day = Day()
            visits = []
            for code, (lat, lon) in BASES.items():
                day.tech(day.base(code, lat, lon))
                visits += [day.call(lat + 0.01, lon + 0.01 * k).id for k in range(2)]
        _, token = make_user("coordinator")
    return visits, token


def _served(body) -> list[int]:
    return sorted(s["visit_id"] for r in body["routes"] for s in r["stops"])


def test_a_national_day_is_planned_by_region_tasks_on_the_consumer(
        app, client, national_day, live_queue):
    visits, token = national_day
    queue.stop_embedded_consumer()
    queue.start_embedded_consumer(workers=2)  # two region tasks at once
    answer = ApiClient(client, token).post("/plans", json={"date": "2026-11-26"},
                                           headers={"Prefer": "wait=60"})
    assert answer.status_code == 201, answer.get_json()
    assert _served(answer.get_json()) == sorted(visits)
    with app.app_context():
        job = db.session.scalar(select(PlanJob))
        assert (job.status, job.regions_total, job.regions_done) == (JobStatus.DONE, 4, 4)


@needs_redis
def test_dispatch_worker_processes_plan_a_national_day_from_redis(
        app, client, national_day, tmp_path):
    visits, token = national_day
    name = f"dispatch-test-{uuid.uuid4().hex[:8]}"
    queue.use_app(app)
    queue.huey.use(RedisStorage, False, name, url=REDIS_URL)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DISPATCH_QUEUE_URL": REDIS_URL,
           "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "DISPATCH_INSTANCE_PATH": str(tmp_path), "DISPATCH_QUEUE_NAME": name,
           # The workers read their own configuration: the test's small-day settings.
           "DISPATCH_PLAN_SECONDS": "1", "DISPATCH_SOLUTION_LIMIT": "40",
           "DISPATCH_REGION_MIN_VISITS": "1"}
    workers = [subprocess.Popen([sys.executable, "-c", "from dispatch.cli import main; main()",
                                 "worker"], env=env, cwd=tmp_path,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
               for _ in range(2)]
    try:
        answer = ApiClient(client, token).post("/plans", json={"date": "2026-11-26"},
                                               headers={"Prefer": "wait=60"})
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
        queue.huey.storage.flush_all()
        queue.huey.use(MemoryStorage, True)
    assert answer.status_code == 201, answer.get_json()
    assert _served(answer.get_json()) == sorted(visits)


def test_regions_recorded_at_once_are_each_counted_and_exactly_one_merges(app, national_day):
    with app.app_context():
        with unit_of_work():
            job, _ = plan_jobs.request_plan(NOW.date(), Actor(label="desk"), NOW)
        with unit_of_work():
            plan_jobs.start(job.id, NOW)
        with unit_of_work():
            regions = plan_jobs.split(job.id)
        job_id = job.id
    assert len(regions) == 4
    empty = RoutePlan((), (), 0, "NO_VISITS", 0.0)
    barrier = threading.Barrier(len(regions))
    lasts: list[bool] = []

    def record(region_no: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                with unit_of_work():
                    lasts.append(fanout.record_region(job_id, region_no, empty,
                                                      RecordedTravel(None), NOW))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=record, args=(n,)) for n in regions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(lasts) == [False, False, False, True]
    with app.app_context():
        assert db.session.get(PlanJob, job_id).regions_done == 4
