"""Japanese national holidays and OXT's business calendar (rules.md §2).

Holidays come from the maintained `holidays` library, never a hand-written
list; it includes 振替休日 (substitute holidays) and 国民の休日. Every lookup is cached
per year, because the coverage and call decisions ask about the same few years over and
over (the coverage benchmark needs ≥ 50,000 decisions/s).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo

import holidays

TOKYO = ZoneInfo("Asia/Tokyo")

# The years the system plans in (rules.md §2): every service date, plan and board day lies
# inside them. Year 1 or 9999 is a typo or a probe, never a date to plan for; past calls
# entered late (back-dated) stay well inside.
FIRST_SYSTEM_DAY = date(2000, 1, 1)
LAST_SYSTEM_DAY = date(2100, 12, 31)


def in_system_years(day: date) -> bool:
    """True for a date the system can plan for (years 2000–2100)."""
    return FIRST_SYSTEM_DAY <= day <= LAST_SYSTEM_DAY

# §2: OXT is closed on May 1 and Dec 30 – Jan 3 besides weekends and national holidays.
# These are company closures, not public holidays, so the library does not know them.
OXT_CLOSED_DATES: frozenset[tuple[int, int]] = frozenset(
    {(5, 1), (12, 30), (12, 31), (1, 1), (1, 2), (1, 3)}
)

# §2 helpdesk hours: 9:00–12:00 and 13:00–17:30; each interval is [start, end).
HELPDESK_HOURS: tuple[tuple[time, time], ...] = (
    (time(9, 0), time(12, 0)),
    (time(13, 0), time(17, 30)),
)


def to_tokyo(at: datetime) -> datetime:
    """Return `at` converted to Asia/Tokyo; raise ValueError if it is naive."""
    # Datetimes are timezone-aware throughout. A naive one would silently mean the
    # server's zone, so refuse it rather than guess.
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"datetime must be timezone-aware, got naive {at.isoformat()}")
    return at.astimezone(TOKYO)


@lru_cache(maxsize=256)
def japanese_holidays(year: int) -> Mapping[date, str]:
    """Return the national holidays of `year` as a read-only {date: Japanese name} map."""
    # The holidays library names follow $LANG (English under C.UTF-8), so pass language="ja".
    found = holidays.country_holidays("JP", years=year, language="ja")
    return MappingProxyType(dict(found))


def is_japanese_holiday(d: date) -> bool:
    """Tell whether `d` is a national holiday (including 振替休日 and 国民の休日)."""
    return d in japanese_holidays(d.year)


def holiday_name(d: date) -> str | None:
    """Return the Japanese name of the national holiday on `d`, or None."""
    return japanese_holidays(d.year).get(d)


def is_oxt_closure(d: date) -> bool:
    """Tell whether `d` is one of OXT's own closed dates (May 1, Dec 30 – Jan 3)."""
    return (d.month, d.day) in OXT_CLOSED_DATES


@lru_cache(maxsize=256)
def _oxt_business_days(year: int) -> frozenset[date]:
    """All OXT business days of `year`, computed once."""
    day = date(year, 1, 1)
    found: set[date] = set()
    while day.year == year:
        if day.weekday() < 5 and not is_oxt_closure(day) and not is_japanese_holiday(day):
            found.add(day)
        day += timedelta(days=1)
    return frozenset(found)


@lru_cache(maxsize=256)
def _sorted_oxt_business_days(year: int) -> tuple[date, ...]:
    """The business days of `year` in order, for counting ranges by bisection."""
    return tuple(sorted(_oxt_business_days(year)))


def is_oxt_business_day(d: date) -> bool:
    """Tell whether OXT works on `d`: Mon–Fri, not a national holiday, not an OXT closure."""
    return d in _oxt_business_days(d.year)


def next_oxt_business_day(d: date) -> date:
    """Return the first OXT business day strictly after `d`."""
    # Terminates: the longest closure (Golden Week plus a weekend) is well under two weeks.
    day = d + timedelta(days=1)
    while not is_oxt_business_day(day):
        day += timedelta(days=1)
    return day


def _roll_forward(d: date) -> date:
    """`d` if it is a business day, else the next one."""
    return d if is_oxt_business_day(d) else next_oxt_business_day(d)


def add_business_days(d: date, n: int) -> date:
    """Return the date `n` OXT business days after `d` (n=0: `d` or the next business day)."""
    # Like numpy.busday_offset(roll="forward"): something arriving on a closed day counts
    # from the next business day, so "7 business days" after a Saturday starts on Monday.
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    day = _roll_forward(d)
    for _ in range(n):
        day = next_oxt_business_day(day)
    return day


def business_days_between(a: date, b: date) -> int:
    """Count OXT business days in [a, b); negative when b is before a."""
    # Half-open like numpy.busday_count, so business_days_between(a, add_business_days(a, n))
    # is n for every a.
    if b < a:
        return -business_days_between(b, a)
    count = 0
    for year in range(a.year, b.year + 1):
        ordered = _sorted_oxt_business_days(year)
        count += bisect_left(ordered, b) - bisect_left(ordered, a)
    return count


def is_helpdesk_open(at: datetime) -> bool:
    """Tell whether the OXT helpdesk is open at `at` (business days, 9–12 and 13–17:30)."""
    local = to_tokyo(at)
    if not is_oxt_business_day(local.date()):
        return False
    clock = local.time().replace(tzinfo=None)
    return any(start <= clock < end for start, end in HELPDESK_HOURS)
