"""Where a repair call stands after intake (rules.md §5); the values are part of the API."""

from __future__ import annotations

from enum import StrEnum


class CallStatus(StrEnum):
    """A repair call's status; the decision (same day, phone only, …) is a separate field."""

    OPEN = "open"
    SCHEDULED = "scheduled"
    RESOLVED_BY_PHONE = "resolved_by_phone"
    DONE = "done"
    CANCELLED = "cancelled"  # not covered at intake, or the service was terminated (§8)
