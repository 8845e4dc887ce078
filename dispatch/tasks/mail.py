"""Delivering the outbox through the task queue (rules.md §11).

`deliver_outbox` runs every minute on whatever consumer is running (the embedded one in
`dispatch serve`, or `dispatch worker`), and right after a unit of work that wrote a
message commits, so a signed report goes out within seconds. Several consumers may run it
at once: each message is claimed by a conditional UPDATE, so only one sends it. Retries
and backoff live in the outbox rows (`next_attempt_at`), not in Huey, so they survive a
restart of the queue.

Unlike other tasks this one does not run inside one unit of work: delivery needs its claim
committed before it talks to SMTP and its mark committed after, so it runs its own units
one after another (dispatch/services/notify/delivery.py).
"""

from __future__ import annotations

from typing import Any

from flask import has_app_context
from huey import crontab
from sqlalchemy import event
from sqlalchemy.orm import Session

from dispatch.services.notify.outbox import WROTE_OUTBOX
from dispatch.tasks.queue import huey, task_app

NAME = "dispatch.tasks.mail.deliver_outbox"


@huey.periodic_task(crontab(minute="*"), name=NAME)
def deliver_outbox() -> dict[str, Any]:
    """One delivery pass: settle stale claims, send what is due."""
    from dispatch.services.notify.delivery import deliver_due

    if has_app_context():
        return deliver_due()
    with task_app().app_context():
        return deliver_due()


@event.listens_for(Session, "after_commit")
def _deliver_soon(session: Session) -> None:
    # Only once the message is committed can a worker (another thread or process) see it.
    if not session.info.pop(WROTE_OUTBOX, False):
        return
    if huey.immediate:  # tests: the caller's thread must not send inside its commit
        return
    deliver_outbox()
