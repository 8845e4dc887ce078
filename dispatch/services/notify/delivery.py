"""Delivering the outbox: claim a row, send it, mark it (rules.md §11).

The guarantee, honestly stated. Each message carries a Message-ID fixed when it was
written. A worker claims a row by a conditional UPDATE (pending → sending, with a claim
token and a lease) committed before it talks to SMTP, so two workers never send the same
row. After the server accepts the message the worker marks the row sent, guarded by its
claim token. If the worker dies between the server's acceptance and that mark, the row is
left `sending` with its lease running out; the next run finds the expired lease and moves
the row to `in_doubt` instead of sending again, because it cannot know whether the server
took the message. An administrator then looks the Message-ID up in the mail server's log
and retries (or not) from the outbox page. So a message is never sent twice without a
person deciding it, and is sent exactly once unless a worker crashes in the few
milliseconds between the server's 250 reply and the mark. An SMTP error the worker sees is
no such doubt: the server did not take the message, and it is retried with backoff.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from flask import current_app
from sqlalchemy import select, update

from dispatch import clock
from dispatch.domain.outbox import LEASE, RETRYABLE, MessageStatus, next_attempt
from dispatch.errors import Conflict, NotFound
from dispatch.extensions import db
from dispatch.models import Customer, OutboxMessage, WorkReport
from dispatch.services.notify.outbox import mail_from, silenced
from dispatch.services.notify.smtp import SendError, SmtpConfig, send
from dispatch.services.trust.audit import SYSTEM, Actor, record
from dispatch.services.unit_of_work import unit_of_work

BATCH = 50


def smtp_config() -> SmtpConfig | None:
    """The configured server; None means messages wait in the outbox, shown undelivered."""
    url = current_app.config.get("DISPATCH_SMTP_URL")
    return SmtpConfig.from_url(str(url)) if url else None


def _attachments(row: OutboxMessage) -> list[tuple[str, bytes]]:
    report_id = (row.attachment or {}).get("report_pdf")
    if report_id is None:
        return []
    from dispatch.services.reporting.documents import report_pdf

    report = db.session.get(WorkReport, report_id)
    if report is None:
        return []
    return [(f"work-report-{report_id}.pdf", report_pdf(report, None))]


def compose(row: OutboxMessage, now: datetime) -> EmailMessage:
    """The e-mail of an outbox row: UTF-8, headers as MIME encoded-words, body in base64."""
    message = EmailMessage()
    message["From"] = mail_from()
    message["To"] = row.recipient
    message["Subject"] = row.subject
    message["Message-ID"] = row.message_id
    message["Date"] = format_datetime(now)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies, please
    message.set_content(row.body, charset="utf-8", cte="base64")
    for filename, data in _attachments(row):
        message.add_attachment(data, maintype="application", subtype="pdf", filename=filename)
    # After the parts exist: set_content and add_attachment move Content-* headers around.
    message["Content-Language"] = row.locale
    return message


def expire_leases(now: datetime) -> int:
    """Rows whose worker vanished while sending: in doubt, never resent automatically."""
    with unit_of_work():
        ids = db.session.scalars(
            update(OutboxMessage)
            .where(OutboxMessage.status == MessageStatus.SENDING,
                   OutboxMessage.lease_until < now)
            .values(status=MessageStatus.IN_DOUBT, claim_token=None,
                    last_error="worker stopped while sending: may have been delivered")
            .returning(OutboxMessage.id)).all()
        for message_id in ids:
            record(SYSTEM, "outbox.in_doubt", "outbox_message", message_id)
    return len(ids)


def claim(message_id: int, now: datetime) -> str | None:
    """Take one due row for this worker (committed before sending); None if another has it."""
    token = str(uuid.uuid4())
    with unit_of_work():
        taken = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id,
                   OutboxMessage.status == MessageStatus.PENDING,
                   OutboxMessage.next_attempt_at <= now)
            .values(status=MessageStatus.SENDING, claim_token=token,
                    lease_until=now + LEASE, attempts=OutboxMessage.attempts + 1)
            .returning(OutboxMessage.id)).first()
    return token if taken is not None else None


def _mine(message_id: int, token: str) -> OutboxMessage | None:
    return db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.id == message_id, OutboxMessage.claim_token == token))


def _suppress(row: OutboxMessage) -> None:
    # Nothing personal stays behind for a customer who stopped use or was erased (§8).
    row.status, row.claim_token, row.subject, row.body = (
        MessageStatus.SUPPRESSED, None, "", "")
    row.recipient, row.attachment = "", None
    record(SYSTEM, "outbox.suppressed", "outbox_message", row.id, after={"kind": row.kind})


def deliver_one(message_id: int, config: SmtpConfig, now: datetime) -> MessageStatus | None:
    """Claim, send and mark one message; returns its new status (None if not claimed)."""
    token = claim(message_id, now)
    if token is None:
        return None
    with unit_of_work():
        row = _mine(message_id, token)
        if row is None:
            return None
        customer = db.session.get(Customer, row.customer_id) if row.customer_id else None
        if silenced(customer):
            _suppress(row)
            return MessageStatus.SUPPRESSED
        email = compose(row, now)
    try:
        send(config, email)
    except SendError as exc:
        return _failed(message_id, token, exc, now)
    with unit_of_work():
        row = _mine(message_id, token)
        if row is None:  # lease lost meanwhile; the row is in doubt and shown so
            return None
        row.status, row.sent_at, row.claim_token, row.last_error = (
            MessageStatus.SENT, now, None, None)
        record(SYSTEM, "outbox.sent", "outbox_message", row.id,
               after={"kind": row.kind, "message_id": row.message_id,
                      "attempts": row.attempts})
    return MessageStatus.SENT


def _failed(message_id: int, token: str, exc: SendError, now: datetime) -> MessageStatus | None:
    with unit_of_work():
        row = _mine(message_id, token)
        if row is None:
            return None
        retry_at = None if exc.permanent else next_attempt(row.attempts, now)
        row.claim_token, row.last_error = None, str(exc)[:2000]
        if retry_at is None:
            row.status = MessageStatus.FAILED
        else:
            row.status, row.next_attempt_at = MessageStatus.PENDING, retry_at
        record(SYSTEM, "outbox.attempt_failed", "outbox_message", row.id,
               after={"error": row.last_error, "attempts": row.attempts,
                      "status": row.status})
        return row.status


def deliver_due(now: datetime | None = None, limit: int = BATCH) -> dict[str, Any]:
    """One pass of the worker: settle expired leases, then send what is due."""
    now = now or clock.now()
    config = smtp_config()
    if config is None:
        return {"smtp": False, "sent": 0}
    in_doubt = expire_leases(now)
    due = db.session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.status == MessageStatus.PENDING,
               OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id).limit(limit)).all()
    outcomes = [deliver_one(message_id, config, now) for message_id in due]
    return {"smtp": True, "in_doubt": in_doubt,
            "sent": outcomes.count(MessageStatus.SENT),
            "retrying": outcomes.count(MessageStatus.PENDING),
            "failed": outcomes.count(MessageStatus.FAILED)}


def retry(message_id: int, actor: Actor, now: datetime) -> OutboxMessage:
    """An administrator sends a failed or in-doubt message again (the admin page's button)."""
    row = db.session.get(OutboxMessage, message_id)
    if row is None:
        raise NotFound(f"no outbox message {message_id}")
    if row.status not in RETRYABLE:
        raise Conflict(f"a {row.status} message is not retried")
    before = {"status": row.status, "attempts": row.attempts}
    row.status, row.next_attempt_at, row.attempts = MessageStatus.PENDING, now, 0
    record(actor, "outbox.retry", "outbox_message", row.id, before=before,
           after={"status": row.status})
    db.session.flush()
    return row
