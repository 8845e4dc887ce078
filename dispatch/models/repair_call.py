"""Repair calls taken on the dedicated repair line, with the decision made at intake."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dispatch.domain.call_decision import Decision
from dispatch.domain.call_status import CallStatus
from dispatch.extensions import Model
from dispatch.models.device import Device
from dispatch.models.types import EnumText, JsonType, UTCDateTime, one_of

DECISIONS = tuple(Decision)
CALL_STATUSES = tuple(CallStatus)


class RepairCall(Model):
    __tablename__ = "repair_calls"
    __table_args__ = (
        one_of("decision", DECISIONS, "decision"),
        one_of("status", CALL_STATUSES, "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    request_fingerprint: Mapped[str | None] = mapped_column(String(64))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"), index=True)
    pack_id: Mapped[int | None] = mapped_column(ForeignKey("packs.id"))
    serial: Mapped[str] = mapped_column(String(40))
    support_pack_id: Mapped[str] = mapped_column(String(20))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    symptom: Mapped[str] = mapped_column(Text)
    print_count: Mapped[int | None]
    parts_required: Mapped[bool] = mapped_column(default=False)
    decision: Mapped[Decision] = mapped_column(EnumText(Decision, 20))
    service_date: Mapped[date | None] = mapped_column(Date, index=True)
    cutoff_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    codes: Mapped[list[str]] = mapped_column(JsonType, default=list)
    status: Mapped[CallStatus] = mapped_column(
        EnumText(CallStatus, 20), default=CallStatus.OPEN)
    override_reason: Mapped[str | None] = mapped_column(Text)
    # The customer agreed that the work may run past the pack's support hours (seed §7(1)).
    after_hours_consent: Mapped[bool] = mapped_column(default=False)
    after_hours_consented_by: Mapped[str | None] = mapped_column(String(100))
    after_hours_consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # A rework call served free for a non-conformity (seed §17.1); None for a customer's call.
    non_conformity_id: Mapped[int | None] = mapped_column(
        ForeignKey("non_conformities.id", use_alter=True), index=True)
    version: Mapped[int] = mapped_column(default=1)

    device: Mapped[Device | None] = relationship()

    __mapper_args__ = {"version_id_col": version}
