"""Period arithmetic of rules.md §2: Civil Code art. 143 and "within N days after" deadlines.

Pure date functions: no clock, every date comes in as an argument.
"""

from __future__ import annotations

from datetime import date, timedelta

# Days per month of a common year; February is fixed up for leap years in `_month_length`.
_MONTH_LENGTHS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_ONE_DAY = timedelta(days=1)

# rules.md §2 / seed: "2週間以上回答なし" — an inquiry sent on D and unanswered on D + 14 lapses.
INQUIRY_ANSWER_DAYS = 14


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _month_length(year: int, month: int) -> int:
    if month == 2 and _is_leap(year):
        return 29
    return _MONTH_LENGTHS[month - 1]


def period_last_day(start: date, *, years: int = 0, months: int = 0) -> date:
    """Last day of the period of `years`/`months` counted from `start` (Civil Code art. 143)."""
    if years < 0 or months < 0:
        raise ValueError("period lengths are never negative")
    if years == 0 and months == 0:
        raise ValueError("a period needs a length")
    month_index = start.month - 1 + months
    year = start.year + years + month_index // 12
    month = month_index % 12 + 1
    day = start.day
    if day == 1:
        # art. 143(2): the day before the corresponding 1st is the previous month's last day.
        return date(year, month, 1) - _ONE_DAY
    length = _month_length(year, month)
    # art. 143(2): the period ends on the day before the corresponding day, and where that
    # month has no corresponding day, on the last day of that month.
    return date(year, month, day - 1 if day <= length else length)


def days_after(d: date, n: int) -> date:
    """Deadline of "within `n` days after `d`" (届いてから10日以内 → d + n, rules.md §2)."""
    return d + timedelta(days=n)


def day_after(d: date) -> date:
    """The next calendar day (first day past a period's last day)."""
    return d + _ONE_DAY


def days_between(start: date, end: date) -> int:
    """Whole days from `start` to `end` (negative when `end` comes first)."""
    return end.toordinal() - start.toordinal()
