"""The append-only audit log: every state change, who made it, when, before and after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from dispatch.extensions import Model
from dispatch.models.types import JsonType, UTCDateTime


class AuditEvent(Model):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Jobs and the CLI act without a user; the label says who it was.
    actor_label: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(80))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    after: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    # The hash chain (dispatch/services/trust/audit_chain.py): set when the unit of work
    # commits, in commit order. payload_hash covers the row's own fields; chain_hash links
    # it to the row before, so an altered or removed row breaks every later link.
    chain_index: Mapped[int | None] = mapped_column(unique=True)
    payload_hash: Mapped[str | None] = mapped_column(String(64))
    chain_hash: Mapped[str | None] = mapped_column(String(64))
    # Set by a privacy erasure that replaced personal values here (rules.md §8): the payload
    # no longer matches its hash, and the erasure event names the row.
    scrubbed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
