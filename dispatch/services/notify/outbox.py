"""Writing to the outbox: inside the caller's unit of work, with the change it reports.

A message is stored in the same transaction as the state change that causes it, so either
both are stored or neither is (rules.md §11); delivery happens later, outside it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import insert, select

from dispatch.domain.outbox import MessageKind, MessageStatus
from dispatch.extensions import db
from dispatch.models import Customer, OutboxMessage, User

DEFAULT_FROM = "noreply@localhost"
# Set on the session when a message was written; the queue delivers once it commits.
WROTE_OUTBOX = "wrote_outbox"


@dataclass(frozen=True)
class Draft:
    """A message to write: Japanese, and English too when the account prefers it."""

    kind: MessageKind
    dedupe_key: str
    recipient: str
    subject: tuple[str, str]  # (日本語, English)
    body: tuple[str, str]
    customer_id: int | None = None
    attachment: dict[str, Any] | None = None


def mail_from() -> str:
    return str(current_app.config.get("DISPATCH_MAIL_FROM") or DEFAULT_FROM)


def silenced(customer: Customer | None) -> bool:
    """A customer who stopped use, was erased or terminated gets no messages (§8)."""
    return customer is not None and (customer.use_stopped_at is not None
                                     or customer.erased_at is not None
                                     or customer.terminated_at is not None)


def account_locale(email: str) -> str:
    """The language of the account with this e-mail, Japanese without one."""
    locale = db.session.scalar(select(User.locale).where(User.email == email))
    return locale if locale in ("ja", "en") else "ja"


def _text(draft: Draft, locale: str) -> tuple[str, str]:
    ja_subject, en_subject = draft.subject
    ja_body, en_body = draft.body
    if locale != "en":
        return ja_subject, ja_body
    # English first for an account that asked for it; the Japanese text stays below it.
    return en_subject, f"{en_body}\n\n---- 日本語 ----\n\n{ja_body}"


def is_queued(dedupe_key: str) -> bool:
    """True when a message with this dedupe key was already written (sent or not)."""
    return db.session.scalar(select(OutboxMessage.id).where(
        OutboxMessage.dedupe_key == dedupe_key[:120])) is not None


def enqueue(draft: Draft, now: datetime) -> OutboxMessage | None:
    """Write the message; None when nothing new was written (a message of the same cause
    exists already, or the recipient gets nothing)."""
    if not draft.recipient:
        return None
    customer = db.session.get(Customer, draft.customer_id) if draft.customer_id else None
    if silenced(customer):
        return None
    existing = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.dedupe_key == draft.dedupe_key))
    if existing is not None:
        return None
    locale = account_locale(draft.recipient)
    subject, body = _text(draft, locale)
    domain = mail_from().rpartition("@")[2] or "localhost"
    row = OutboxMessage(kind=draft.kind, dedupe_key=draft.dedupe_key[:120],
                        message_id=f"<{uuid.uuid4().hex}@{domain}>",
                        recipient=draft.recipient, locale=locale, subject=subject, body=body,
                        attachment=draft.attachment, customer_id=draft.customer_id,
                        status=MessageStatus.PENDING, attempts=0, next_attempt_at=now,
                        created_at=now)
    db.session.add(row)
    db.session.flush()
    db.session.info[WROTE_OUTBOX] = True
    return row


def enqueue_many(drafts: Sequence[Draft], now: datetime) -> int:
    """enqueue() for many drafts with a fixed number of statements; how many were written.

    The same rules as one at a time: no recipient, a silenced customer or a dedupe key
    already written (or twice in `drafts`) writes nothing.
    """
    customer_ids = {d.customer_id for d in drafts if d.customer_id}
    customers = {c.id: c for c in _in_chunks(select(Customer), Customer.id, customer_ids)}
    keys = {d.dedupe_key for d in drafts}
    seen = set(_in_chunks(select(OutboxMessage.dedupe_key), OutboxMessage.dedupe_key, keys))
    recipients = {d.recipient for d in drafts if d.recipient}
    locales = dict(_in_chunks(select(User.email, User.locale), User.email, recipients,
                              rows=True))
    domain = mail_from().rpartition("@")[2] or "localhost"
    rows = []
    for draft in drafts:
        customer = customers.get(draft.customer_id) if draft.customer_id else None
        if not draft.recipient or silenced(customer) or draft.dedupe_key in seen:
            continue
        seen.add(draft.dedupe_key)
        locale = locales.get(draft.recipient)
        locale = locale if locale in ("ja", "en") else "ja"
        subject, body = _text(draft, locale)
        rows.append({
            "kind": draft.kind, "dedupe_key": draft.dedupe_key[:120],
            "message_id": f"<{uuid.uuid4().hex}@{domain}>", "recipient": draft.recipient,
            "locale": locale, "subject": subject, "body": body,
            "attachment": draft.attachment, "customer_id": draft.customer_id,
            "status": MessageStatus.PENDING, "attempts": 0, "next_attempt_at": now,
            "created_at": now})
    if rows:
        # One executemany: the rows are not needed as objects in this session.
        db.session.execute(insert(OutboxMessage), rows)
        db.session.info[WROTE_OUTBOX] = True
    return len(rows)


def _in_chunks(query: Any, column: Any, values: set[Any], rows: bool = False) -> list[Any]:
    # Bounded IN lists (SQLite's host-parameter limit; planner-friendly on PostgreSQL).
    ordered = sorted(values)
    found: list[Any] = []
    for start in range(0, len(ordered), 500):
        statement = query.where(column.in_(ordered[start:start + 500]))
        found += (db.session.execute(statement).all() if rows
                  else db.session.scalars(statement).all())
    return found


def erase_messages(customer_id: int, emails: set[str]) -> int:
    """Erasure (§8): empty every message to the customer or its people; unsent ones stop."""
    rows = db.session.scalars(select(OutboxMessage).where(
        (OutboxMessage.customer_id == customer_id) | OutboxMessage.recipient.in_(emails))).all()
    for row in rows:
        if row.status != MessageStatus.SENT:
            row.status, row.claim_token = MessageStatus.SUPPRESSED, None
        row.recipient, row.subject, row.body, row.attachment = "", "", "", None
    db.session.flush()
    return len(rows)
