"""The task queue itself: storage chosen by configuration, a round trip through a consumer
(embedded thread on SQLite storage, `dispatch worker` process on Redis)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage
from queue_helpers import REDIS_URL, needs_redis

from dispatch.config import ConfigError
from dispatch.tasks import queue
from dispatch.tasks.housekeeping import ping

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(("url", "expected"), [
    (None, SqliteStorage),  # unset: SQLite in the instance folder, no server needed
    ("", SqliteStorage),
    ("redis://127.0.0.1:6379/0", RedisStorage),  # production: Redis + `dispatch worker`
    ("sqlite:////tmp/q.sqlite3", SqliteStorage),
    ("memory://", MemoryStorage),
])
def test_queue_url_chooses_storage(url, expected, tmp_path):
    cls, kwargs = queue.storage_for(url, str(tmp_path))
    assert cls is expected
    if url is None:
        assert kwargs == {"filename": str(tmp_path / "queue.sqlite3")}


def test_queue_url_refuses_unknown_scheme(tmp_path):
    with pytest.raises(ConfigError, match="DISPATCH_QUEUE_URL"):
        queue.storage_for("amqp://localhost", str(tmp_path))


@pytest.fixture
def real_queue(app: Flask, tmp_path: Path) -> Iterator[Path]:
    """The queue on SQLite storage of the test's own, restored to immediate mode after."""
    path = tmp_path / "queue.sqlite3"
    queue.huey.use(SqliteStorage, False, filename=str(path))
    try:
        yield path
    finally:
        queue.stop_embedded_consumer()
        queue.huey.use(MemoryStorage, True)


@pytest.mark.committing
def test_embedded_consumer_runs_a_task_in_an_app_context(real_queue):
    result = ping("hello")
    assert real_queue.exists()  # enqueued in the SQLite file, not run in the caller
    queue.start_embedded_consumer()
    assert result.get(blocking=True, timeout=20) == "hello"


@pytest.mark.committing
@needs_redis
def test_dispatch_worker_runs_tasks_from_redis(app, tmp_path):
    url = REDIS_URL
    name = f"dispatch-test-{uuid.uuid4().hex[:8]}"  # a queue of this test's own
    queue.huey.use(RedisStorage, False, name, url=url)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DISPATCH_QUEUE_URL": url,
           "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "DISPATCH_INSTANCE_PATH": str(tmp_path), "DISPATCH_QUEUE_NAME": name}
    worker = subprocess.Popen([sys.executable, "-c", "from dispatch.cli import main; main()",
                               "worker"], env=env,
                              cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        result = ping("from redis")
        assert result.get(blocking=True, timeout=60) == "from redis"
    finally:
        worker.terminate()
        out = worker.communicate(timeout=30)[0].decode()
        queue.huey.storage.flush_all()
        queue.huey.use(MemoryStorage, True)
    assert "task worker: 1 process(s) on RedisStorage" in out
