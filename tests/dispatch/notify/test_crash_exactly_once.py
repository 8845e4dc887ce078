"""Exactly once under a worker crash between send and mark (rules.md §11).

A real worker process (`dispatch outbox deliver`) is killed with SIGKILL by the SMTP server
itself, after the server has stored the message and before it answers 250: the worst
moment, when the message went out but the worker never learnt it. The next run must not
send it again; it shows the message as in doubt for an administrator.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import smtp_server
from reporting_rows import BEFORE_NOW, data_url, make_visit, report_payload
from sqlalchemy import delete, select

from dispatch.domain.outbox import MessageStatus
from dispatch.extensions import db
from dispatch.models import OutboxMessage
from dispatch.services.notify import delivery

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def committed(app) -> Iterator[None]:
    with app.app_context():
        yield
        db.session.rollback()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(delete(table))
        db.session.commit()


@pytest.mark.committing
def test_worker_killed_after_the_server_took_the_message_never_sends_it_twice(
        app, committed, api_as, monkeypatch):
    visit = make_visit(commit=True)
    tech = api_as("technician", "suzuki@oxt.example.jp")
    rid = tech.put(f"/visits/{visit.visit_id}/report",
                   json=report_payload(**BEFORE_NOW)).get_json()["id"]
    assert tech.post(f"/reports/{rid}/signature",
                     json={"signer_name": "佐藤 花子", "image": data_url()}).status_code == 200
    worker: dict[str, subprocess.Popen[bytes]] = {}
    mailbox = smtp_server.Mailbox(on_data=lambda: os.kill(worker["p"].pid, signal.SIGKILL))
    controller = smtp_server.start(mailbox)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DISPATCH_ENV": "test",
           "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "DISPATCH_SMTP_URL": f"smtp://127.0.0.1:{controller.port}"}
    monkeypatch.setitem(app.config, "DISPATCH_SMTP_URL", env["DISPATCH_SMTP_URL"])
    try:
        command = [sys.executable, "-c", "from dispatch.cli import main; main()",
                   "outbox", "deliver"]
        worker["p"] = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE)
        worker["p"].wait(timeout=120)
        out, err = worker["p"].communicate()
        assert worker["p"].returncode == -signal.SIGKILL, (out, err[-2000:])
        assert len(mailbox.raw) == 1
        db.session.expire_all()
        row = db.session.scalar(select(OutboxMessage))
        assert row is not None and row.status == MessageStatus.SENDING  # never marked
        # A new run before the lease runs out leaves the row to its (dead) worker …
        now = datetime.now(UTC)
        assert delivery.deliver_due(now)["sent"] == 0
        # … and after it, finds the row in doubt instead of sending it again.
        result = delivery.deliver_due(now + timedelta(minutes=6))
        assert (result["in_doubt"], result["sent"]) == (1, 0)
        assert len(mailbox.raw) == 1
        db.session.expire_all()
        row = db.session.get(OutboxMessage, row.id)
        assert row.status == MessageStatus.IN_DOUBT and row.attempts == 1
    finally:
        controller.stop()
