"""Outbox messages (rules.md §11): their statuses, kinds and the retry schedule.

Pure: the delivery service (dispatch/services/notify/delivery.py) asks these what to do.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum


class MessageStatus(StrEnum):
    """Where one outbox message stands; shown on the admin page."""

    PENDING = "pending"  # waiting for its next attempt (or for SMTP to be configured)
    SENDING = "sending"  # claimed by a worker under a lease
    SENT = "sent"
    FAILED = "failed"  # refused for good, or out of attempts: an administrator may retry
    # The worker died between handing the message to SMTP and recording it: it may have
    # gone out. Never resent automatically; an administrator checks the Message-ID in the
    # mail server's log and retries or marks it sent.
    IN_DOUBT = "in_doubt"
    SUPPRESSED = "suppressed"  # the recipient's customer stopped or erased use (§8)


class MessageKind(StrEnum):
    """What the message says; the templates are keyed by these (rules.md §11)."""

    VISIT_SCHEDULED = "visit_scheduled"
    TECHNICIAN_EN_ROUTE = "technician_en_route"
    REPORT_SIGNED = "report_signed"
    SIGNING_LINK = "signing_link"
    REWORK_OPENED = "rework_opened"
    REGISTRATION_COMPLETED = "registration_completed"
    APPLICATION_REMINDER = "application_reminder"
    MORNING_DIGEST = "morning_digest"


RETRYABLE = frozenset({MessageStatus.FAILED, MessageStatus.IN_DOUBT})
MAX_ATTEMPTS = 6
FIRST_DELAY = timedelta(minutes=1)
MAX_DELAY = timedelta(hours=1)
LEASE = timedelta(minutes=5)  # far longer than one SMTP transaction's timeouts


def next_attempt(attempts: int, now: datetime) -> datetime | None:
    """When to try again after `attempts` failed tries (doubling), or None to give up."""
    if attempts >= MAX_ATTEMPTS:
        return None
    delay = min(FIRST_DELAY * (1 << max(attempts - 1, 0)), MAX_DELAY)
    return now + delay
