"""The outbox delivered by the task queue (rules.md §11): with the default configuration
the web process's embedded consumer sends a message soon after its unit of work commits."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from huey.storage import MemoryStorage, SqliteStorage
from reporting_rows import BEFORE_NOW, data_url, make_visit, report_payload
from sqlalchemy import delete, select

from dispatch.extensions import db
from dispatch.models import OutboxMessage
from dispatch.tasks import mail, queue


@pytest.fixture
def embedded_queue(app, tmp_path: Path) -> Iterator[None]:
    """The default setup of `dispatch serve`: Huey on an SQLite file, a consumer thread."""
    queue.use_app(app)  # the test's app: other tests build apps on other databases
    queue.huey.use(SqliteStorage, False, filename=str(tmp_path / "queue.sqlite3"))
    queue.start_embedded_consumer()
    try:
        yield
    finally:
        queue.stop_embedded_consumer()
        queue.huey.use(MemoryStorage, True)
        with app.app_context():
            db.session.rollback()
            for table in reversed(db.metadata.sorted_tables):
                db.session.execute(delete(table))
            db.session.commit()


def test_delivery_runs_every_minute_on_the_consumer():
    periodic = mail.deliver_outbox.task_class
    assert periodic in queue.huey._registry._periodic_tasks
    assert all(periodic().validate_datetime(datetime(2026, 11, 26, 9, minute))
               for minute in (0, 17, 59))


@pytest.mark.committing
def test_embedded_consumer_sends_the_signed_report_after_commit(app, embedded_queue, mailbox,
                                                                api_as):
    with app.app_context():
        visit = make_visit(commit=True)
        tech = api_as("technician", "suzuki@oxt.example.jp")
        rid = tech.put(f"/visits/{visit.visit_id}/report",

                   json=report_payload(**BEFORE_NOW)).get_json()["id"]
        assert tech.post(f"/reports/{rid}/signature",
                         json={"signer_name": "佐藤 花子", "image": data_url()}).status_code == 200
        deadline = time.monotonic() + 60
        while not mailbox.raw and time.monotonic() < deadline:
            time.sleep(0.2)
        (mail_,) = mailbox.parsed()
        assert mail_["To"] == "sato@example.co.jp"
        # The worker marks the row just after the server's 250: wait for that commit too.
        status = None
        while status != "sent" and time.monotonic() < deadline:
            db.session.rollback()
            status = db.session.scalar(select(OutboxMessage.status))
            time.sleep(0.1)
        assert status == "sent"
