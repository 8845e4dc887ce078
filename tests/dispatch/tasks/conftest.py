"""Fixtures for tests of the real queue: SQLite or Redis storage, committed rows."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from flask import Flask
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage
from queue_helpers import REDIS_URL, needs_redis
from sqlalchemy import delete

from dispatch.extensions import db
from dispatch.tasks import queue


@pytest.fixture(params=["sqlite", pytest.param("redis", marks=needs_redis)])
def live_queue(request, app: Flask, tmp_path) -> Iterator[str]:
    """The queue on real storage of the test's own (an SQLite file, or a Redis queue name)
    with the embedded consumer thread running; immediate mode again afterwards."""
    # Tasks run in the test's app: other tests build apps of their own on other databases.
    queue.use_app(app)
    if request.param == "sqlite":
        queue.huey.use(SqliteStorage, False, filename=str(tmp_path / "queue.sqlite3"))
    else:
        queue.huey.use(RedisStorage, False, f"dispatch-test-{uuid.uuid4().hex[:8]}",
                       url=REDIS_URL)
    queue.start_embedded_consumer()
    try:
        yield request.param
    finally:
        queue.stop_embedded_consumer()
        queue.huey.storage.flush_all()
        queue.huey.use(MemoryStorage, True)


@pytest.fixture
def clean_tables(app: Flask) -> Iterator[None]:
    """Committed rows (the worker thread reads them) are deleted afterwards."""
    yield
    with app.app_context():
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(delete(table))
        db.session.commit()
        db.session.remove()
