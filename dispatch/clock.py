"""The one place that reads the wall clock; rules never do (they take `now` as input)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

TOKYO = ZoneInfo("Asia/Tokyo")


def now() -> datetime:
    """The current instant, timezone-aware (UTC)."""
    return datetime.now(UTC)


def today_tokyo() -> date:
    """Today's calendar date in Japan, where every service date lives (rules.md §2)."""
    return now().astimezone(TOKYO).date()


def to_tokyo(value: datetime) -> datetime:
    """The same instant shown in Asia/Tokyo."""
    return value.astimezone(TOKYO)
