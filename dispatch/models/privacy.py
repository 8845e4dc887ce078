"""Requests of people about their personal information (開示等), retention flags (rules.md §8)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dispatch.extensions import Model
from dispatch.models.types import UTCDateTime, one_of

REQUEST_KINDS = ("export", "correction", "stop_use", "erasure")


class PrivacyRequest(Model):
    """One request by a person (a customer and its site managers) and when it was done."""

    __tablename__ = "privacy_requests"
    __table_args__ = (one_of("kind", REQUEST_KINDS, "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    # The subject by id only: the request log itself must survive an erasure.
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_label: Mapped[str] = mapped_column(String(120))


class RetentionFlag(Model):
    """A business record whose 5-year retention after the end of service has run out."""

    __tablename__ = "retention_flags"
    __table_args__ = (
        UniqueConstraint("entity_type", "entity_id", name="uq_retention_flags_entity"),
        Index("ix_retention_flags_flagged_on", "flagged_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int]
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), index=True)
    service_end: Mapped[date] = mapped_column(Date)
    flagged_on: Mapped[date] = mapped_column(Date)
