"""The transactional outbox: e-mails written with the change that causes them (rules.md §11)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dispatch.domain.outbox import MessageKind, MessageStatus
from dispatch.extensions import Model
from dispatch.models.types import EnumText, JsonType, UTCDateTime, one_of


class OutboxMessage(Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        one_of("status", tuple(MessageStatus), "status"),
        one_of("kind", tuple(MessageKind), "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MessageKind] = mapped_column(EnumText(MessageKind, 30))
    # One message per cause: a state change seen twice does not write it twice.
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    # Fixed before the first attempt, so every attempt sends the same Message-ID (§11).
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    recipient: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(5))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    # What to attach, built when sending (e.g. {"report_pdf": 12}); never the bytes.
    attachment: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    status: Mapped[MessageStatus] = mapped_column(
        EnumText(MessageStatus, 12), default=MessageStatus.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claim_token: Mapped[str | None] = mapped_column(String(36))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
