"""Technicians: each belongs to a service base, works a shift and repairs some series.

OXT may subcontract the service (seed §11, rules.md §7): a technician may work for a
subcontracting company, which reports, PDFs and the board then name.
"""

from __future__ import annotations

from datetime import time

from sqlalchemy import CheckConstraint, ForeignKey, String, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dispatch.extensions import Model
from dispatch.models.catalog import ServiceBase
from dispatch.models.types import JsonType


class Subcontractor(Model):
    """A company OXT subcontracts onsite work to (業務委託先)."""

    __tablename__ = "subcontractors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    is_active: Mapped[bool] = mapped_column(default=True)


class Technician(Model):
    __tablename__ = "technicians"
    __table_args__ = (CheckConstraint("shift_start < shift_end", name="shift_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    base_id: Mapped[int] = mapped_column(ForeignKey("service_bases.id"), index=True)
    shift_start: Mapped[time] = mapped_column(Time)
    shift_end: Mapped[time] = mapped_column(Time)
    skills: Mapped[list[str]] = mapped_column(JsonType)
    is_active: Mapped[bool] = mapped_column(default=True)
    # None: an OXT employee.
    subcontractor_id: Mapped[int | None] = mapped_column(
        ForeignKey("subcontractors.id"), index=True)

    base: Mapped[ServiceBase] = relationship()
    subcontractor: Mapped[Subcontractor | None] = relationship()
