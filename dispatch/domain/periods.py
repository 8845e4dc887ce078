"""Civil Code art. 143 period arithmetic (interim; replaced by the coverage branch)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def period_last_day(start: date, *, years: int = 0, months: int = 0) -> date:
    """Last day of N years/months counted from `start` (SPEC §2)."""
    total = start.month - 1 + months + 12 * years
    year, month = start.year + total // 12, total % 12 + 1
    last = calendar.monthrange(year, month)[1]
    if start.day > last:
        return date(year, month, last)
    return date(year, month, start.day) - timedelta(days=1)
