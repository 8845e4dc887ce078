"""The KPI figures' vocabulary and arithmetic (rules.md §10): groupings and rates.

Pure: the counts come from SQL (dispatch/services/kpi/figures.py); a rate is a count over
a count, `None` when nothing was measured (0 ÷ 0 is not 0 % nor 100 %).
"""

from __future__ import annotations

from enum import StrEnum

# A call for the same device within this many days of a signed `resolved` report counts
# as rework (a repeat repair): the fix did not hold (rules.md §10).
REWORK_WINDOW_DAYS = 30


class Grouping(StrEnum):
    """How the figures over a date range are broken down; the values are API keys."""

    TOTAL = "total"
    BASE = "base"
    WEEK = "week"  # ISO week, keyed by its Monday
    MONTH = "month"  # keyed by its first day


def rate(part: int, whole: int) -> float | None:
    """`part ÷ whole` rounded to 4 places, or None when there is nothing to measure."""
    if whole <= 0:
        return None
    if not 0 <= part <= whole:
        raise ValueError(f"a rate needs 0 ≤ {part} ≤ {whole}")
    return round(part / whole, 4)
