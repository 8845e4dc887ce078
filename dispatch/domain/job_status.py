"""Where a background plan job stands (rules.md §9: `POST /plans` answers with a job)."""

from __future__ import annotations

from enum import StrEnum


class JobStatus(StrEnum):
    """A plan job's state; the values are stored and sent by the API."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


FINISHED: frozenset[JobStatus] = frozenset({JobStatus.DONE, JobStatus.FAILED})
