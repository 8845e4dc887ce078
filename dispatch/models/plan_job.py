"""Plan jobs: a request to plan a service date, run by a task queue worker (rules.md §9)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from dispatch.domain.job_status import JobStatus
from dispatch.extensions import Model
from dispatch.models.types import EnumText, JsonType, UTCDateTime, one_of

JOB_STATUSES = tuple(JobStatus)


class PlanJob(Model):
    """One queued, running or finished plan of a day.

    The two partial unique indexes are the coalescing rule: at most one running job and at
    most one queued (follow-up) job per service date, whatever the number of web processes
    and workers.
    """

    __tablename__ = "plan_jobs"
    __table_args__ = (
        one_of("status", JOB_STATUSES, "status"),
        Index("uq_plan_jobs_running_date", "service_date", unique=True,
              sqlite_where=text("status = 'running'"),
              postgresql_where=text("status = 'running'")),
        Index("uq_plan_jobs_queued_date", "service_date", unique=True,
              sqlite_where=text("status = 'queued'"),
              postgresql_where=text("status = 'queued'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_date: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[JobStatus] = mapped_column(EnumText(JobStatus, 10), default=JobStatus.QUEUED)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Who asked first; later requests that coalesced into this job are in the audit trail.
    requested_by: Mapped[str] = mapped_column(String(254))
    requested_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The solver's time budget, known when the job starts: progress is elapsed ÷ budget.
    budget_s: Mapped[float | None]
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"))
    # Why a failed job failed: the message, its HTTP status and rule codes, as the API says.
    error: Mapped[str | None] = mapped_column(Text)
    error_status: Mapped[int | None]
    error_codes: Mapped[list[str] | None] = mapped_column(JsonType)
