"""The day's plans and the onsite visits they place on technicians' routes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dispatch.domain.visit_status import VisitStatus
from dispatch.extensions import Model
from dispatch.models.repair_call import RepairCall
from dispatch.models.technician import Technician
from dispatch.models.types import EnumText, JsonType, UTCDateTime, one_of

VISIT_STATUSES = tuple(VisitStatus)


class Plan(Model):
    """One solved routing problem for a service date; the problem is kept for replay."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_date: Mapped[date] = mapped_column(Date, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    problem: Mapped[dict[str, Any]] = mapped_column(JsonType)
    solution: Mapped[dict[str, Any]] = mapped_column(JsonType)
    is_current: Mapped[bool] = mapped_column(default=True)


class Visit(Model):
    __tablename__ = "visits"
    __table_args__ = (one_of("status", VISIT_STATUSES, "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("repair_calls.id"), index=True)
    service_date: Mapped[date] = mapped_column(Date, index=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"))
    technician_id: Mapped[int | None] = mapped_column(ForeignKey("technicians.id"), index=True)
    sequence: Mapped[int | None]
    eta: Mapped[datetime | None] = mapped_column(UTCDateTime())
    start_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    end_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[VisitStatus] = mapped_column(
        EnumText(VisitStatus, 12), default=VisitStatus.UNASSIGNED)
    pinned: Mapped[bool] = mapped_column(default=False)
    drop_codes: Mapped[list[str]] = mapped_column(JsonType, default=list)
    follow_up_of_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"))
    version: Mapped[int] = mapped_column(default=1)

    call: Mapped[RepairCall] = relationship()
    technician: Mapped[Technician | None] = relationship()

    __mapper_args__ = {"version_id_col": version}
