"""The arrival window told to a site manager (rules.md §11); pure."""

from __future__ import annotations

from datetime import datetime, timedelta

WINDOW = timedelta(hours=2)


def arrival_window(eta: datetime) -> tuple[datetime, datetime]:
    """A two-hour window starting at the half hour at or before the planned arrival."""
    start = eta.replace(minute=0 if eta.minute < 30 else 30, second=0, microsecond=0)
    return start, start + WINDOW
