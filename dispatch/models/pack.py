"""Support packs, their registration applications and OXT's inquiries."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dispatch.domain.products import PackStatus
from dispatch.extensions import Model
from dispatch.models.catalog import PACK_PRODUCTS
from dispatch.models.device import Device
from dispatch.models.types import EnumText, JsonType, UTCDateTime, one_of

PACK_STATUSES = tuple(PackStatus)
CHANNELS = ("web", "mail")


class Pack(Model):
    __tablename__ = "packs"
    __table_args__ = (
        one_of("product", PACK_PRODUCTS, "product"),
        one_of("status", PACK_STATUSES, "status"),
        CheckConstraint(
            "coverage_start IS NULL OR coverage_end IS NULL OR coverage_start <= coverage_end",
            name="coverage_order",
        ),
        CheckConstraint("price_yen IS NULL OR price_yen >= 0", name="price_yen"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), index=True)
    product: Mapped[str] = mapped_column(String(8))
    purchased_on: Mapped[date] = mapped_column(Date)
    received_on: Mapped[date | None] = mapped_column(Date)
    # What the customer paid, when known: the liability cap is one year's equivalent (seed §16).
    price_yen: Mapped[int | None]
    support_hours: Mapped[dict[str, Any]] = mapped_column(JsonType)
    status: Mapped[PackStatus] = mapped_column(
        EnumText(PackStatus, 12), default=PackStatus.PURCHASED, index=True)
    support_pack_id: Mapped[str | None] = mapped_column(String(20), unique=True)
    # The period the coverage engine computed when the pack was recorded (rules.md §4).
    nominal_start: Mapped[date | None] = mapped_column(Date)
    uncapped_end: Mapped[date | None] = mapped_column(Date)
    continuous: Mapped[bool] = mapped_column(default=False)
    coverage_start: Mapped[date | None] = mapped_column(Date)
    coverage_end: Mapped[date | None] = mapped_column(Date)
    warnings: Mapped[list[str]] = mapped_column(JsonType, default=list)
    refusal_codes: Mapped[list[str]] = mapped_column(JsonType, default=list)
    refusal_note: Mapped[str | None] = mapped_column(Text)
    # Why the lifecycle changed the status (NOT_REGISTERED_WITHIN_1_YEAR, INQUIRY_UNANSWERED).
    status_code: Mapped[str | None] = mapped_column(String(40))
    status_changed_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(default=1)

    device: Mapped[Device] = relationship()
    applications: Mapped[list[Application]] = relationship(back_populates="pack")

    __mapper_args__ = {"version_id_col": version}


class Application(Model):
    __tablename__ = "applications"
    __table_args__ = (
        one_of("channel", CHANNELS, "channel"),
        one_of("status", PACK_STATUSES, "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pack_id: Mapped[int] = mapped_column(ForeignKey("packs.id"), index=True)
    channel: Mapped[str] = mapped_column(String(4))
    applied_on: Mapped[date] = mapped_column(Date)
    consent_service_spec: Mapped[bool]
    consent_privacy: Mapped[bool]
    consent_antisocial_declaration: Mapped[bool]
    status: Mapped[PackStatus] = mapped_column(
        EnumText(PackStatus, 12), default=PackStatus.APPLIED)
    completed_on: Mapped[date | None] = mapped_column(Date)
    cancelled_on: Mapped[date | None] = mapped_column(Date)
    # Set by the daily job when the 7-business-day processing SLA is missed (rules.md §4).
    sla_breached_on: Mapped[date | None] = mapped_column(Date, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    pack: Mapped[Pack] = relationship(back_populates="applications")
    inquiries: Mapped[list[Inquiry]] = relationship(back_populates="application")


class Inquiry(Model):
    __tablename__ = "inquiries"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    sent_on: Mapped[date] = mapped_column(Date)
    question: Mapped[str] = mapped_column(Text)
    answered_on: Mapped[date | None] = mapped_column(Date)

    application: Mapped[Application] = relationship(back_populates="inquiries")


class Notice(Model):
    """A reminder or notice sent once: the unique key makes the daily jobs idempotent."""

    __tablename__ = "notices"
    __table_args__ = (UniqueConstraint("kind", "pack_id", "anchor_on", name="uq_notice_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    pack_id: Mapped[int] = mapped_column(ForeignKey("packs.id"), index=True)
    # The date the notice is about (the pack's received_on, its coverage_end): once per anchor.
    anchor_on: Mapped[date] = mapped_column(Date)
    sent_on: Mapped[date] = mapped_column(Date)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JsonType)


class JobRun(Model):
    """The claim of one daily run: inserting it decides which process does the work."""

    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("job_name", "day", name="uq_job_run_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_name: Mapped[str] = mapped_column(String(40))
    day: Mapped[date] = mapped_column(Date)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    summary: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
