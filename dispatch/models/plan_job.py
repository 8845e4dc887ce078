"""Plan jobs: a request to plan a service date, run by a task queue worker (rules.md §9)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint, text
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
    # A national day fanned out to region tasks (dispatch.services.day.fanout): how many
    # regions, how many are solved (an atomic counter: the task that brings it to the total
    # merges), and what the merge needs besides the regions' answers (order, excess, the
    # rows' versions when loaded, options). None/0/None for a day solved in one piece.
    regions_total: Mapped[int | None]
    regions_done: Mapped[int] = mapped_column(default=0, server_default="0")
    work: Mapped[dict[str, Any] | None] = mapped_column(JsonType)


class PlanJobRegion(Model):
    """One region of a fanned-out plan job: its sub-problem and, once solved, its answer.

    Scratch rows: they are deleted when the job finishes (the Plan row keeps the problem
    and the merged answer).
    """

    __tablename__ = "plan_job_regions"
    __table_args__ = (UniqueConstraint("job_id", "region_no",
                                       name="uq_plan_job_regions_job_region"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("plan_jobs.id", ondelete="CASCADE"))
    region_no: Mapped[int]
    # planning.problem_json of the region without travel pairs (the region task asks the
    # travel source); plain JSON, so a worker never unpickles what the database holds.
    problem: Mapped[dict[str, Any]] = mapped_column(JsonType)
    # {"plan": fanout.plan_json, "travel": the pairs the solve recorded}
    answer: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    solved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
