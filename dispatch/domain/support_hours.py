"""A pack's support hours (対応時間) as printed on its certificate (rules.md §2, §9.1).

The repair line, the onsite service hours and the same-day cutoff all follow the pack's
own hours (§2), which may differ from OXT's business calendar: a pack open on Saturdays
works on Saturdays, and May 1 is closed only if the certificate says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from dispatch.domain.calendar import TOKYO, is_japanese_holiday, to_tokyo

DAY_NAMES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES_JA: tuple[str, ...] = ("月", "火", "水", "木", "金", "土", "日")
DAY_NAMES_EN: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

# Closed dates are month-days; 2024 is a leap year, so Feb 29 is a valid closed date.
_LEAP_YEAR = 2024
_TIME = re.compile(r"(\d{1,2}):(\d{2})")
_MONTH_DAY = re.compile(r"(\d{2})-(\d{2})")
# next_support_day gives up after this many days instead of looping forever on hours
# that close every day; 29 years lets every weekday meet every month-day (even Feb 29).
_MAX_SEARCH_DAYS = 366 * 29


def _check_month_day(month: int, day: int) -> None:
    try:
        date(_LEAP_YEAR, month, day)
    except ValueError:
        raise ValueError(f"closed date {month:02d}-{day:02d} is not a calendar day") from None


@dataclass(frozen=True)
class SupportHours:
    """Days and clock hours of support; closed on holidays and on fixed month-days if set."""

    days: frozenset[int]  # weekday numbers, 0 = Monday … 6 = Sunday
    start: time
    end: time
    closed_on_holidays: bool
    closed_dates: frozenset[tuple[int, int]] = frozenset()  # (month, day)

    def __post_init__(self) -> None:
        if not self.days:
            raise ValueError("support hours need at least one day")
        if not self.days <= set(range(7)):
            raise ValueError(f"weekdays must be 0..6, got {sorted(self.days)}")
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("start and end are Asia/Tokyo wall-clock times without tzinfo")
        if self.start >= self.end:
            raise ValueError(f"start {self.start:%H:%M} must be before end {self.end:%H:%M}")
        for month, day in self.closed_dates:
            _check_month_day(month, day)

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> SupportHours:
        """Build from the API payload {days, start, end, closed_on_holidays, closed_dates?}."""
        if not isinstance(payload, Mapping):
            raise ValueError("support_hours must be an object")
        missing = [k for k in ("days", "start", "end", "closed_on_holidays") if k not in payload]
        if missing:
            raise ValueError(f"support_hours is missing {', '.join(missing)}")
        closed_on_holidays = payload["closed_on_holidays"]
        if not isinstance(closed_on_holidays, bool):
            raise ValueError("closed_on_holidays must be true or false")
        return cls(
            days=_parse_days(payload["days"]),
            start=_parse_time(payload["start"], "start"),
            end=_parse_time(payload["end"], "end"),
            closed_on_holidays=closed_on_holidays,
            closed_dates=_parse_closed_dates(payload.get("closed_dates") or []),
        )

    def to_payload(self) -> dict[str, Any]:
        """Return the API payload form (days in week order, closed dates in year order)."""
        return {
            "days": [DAY_NAMES[d] for d in sorted(self.days)],
            "start": f"{self.start:%H:%M}",
            "end": f"{self.end:%H:%M}",
            "closed_on_holidays": self.closed_on_holidays,
            "closed_dates": [f"{m:02d}-{d:02d}" for m, d in sorted(self.closed_dates)],
        }

    def equals_terms(self, other: SupportHours) -> bool:
        """Tell whether `other` promises the same support hours (§4 rule 7, option packs)."""
        return (
            self.days == other.days
            and self.start == other.start
            and self.end == other.end
            and self.closed_on_holidays == other.closed_on_holidays
            and self.closed_dates == other.closed_dates
        )

    def label_ja(self) -> str:
        """Return the certificate text, e.g. "月〜金 9:00〜17:30（祝日・12/30〜1/3 休業）"."""
        text = f"{_days_label(self.days)} {_clock(self.start)}〜{_clock(self.end)}"
        closures = (["祝日"] if self.closed_on_holidays else []) + _closed_dates_labels(
            self.closed_dates
        )
        if closures:
            text += f"（{'・'.join(closures)} 休業）"
        return text

    def label_en(self) -> str:
        """The same in English, e.g. "Mon–Fri 9:00–17:30 (closed: holidays, 12/30–1/3)"."""
        text = (f"{_days_label(self.days, DAY_NAMES_EN, '–', ', ')} "
                f"{_clock(self.start)}–{_clock(self.end)}")
        closures = (["holidays"] if self.closed_on_holidays else []) + [
            label.replace("〜", "–") for label in _closed_dates_labels(self.closed_dates)]
        if closures:
            text += f" (closed: {', '.join(closures)})"
        return text

    def label(self, locale: str) -> str:
        """The label in the page's language (Japanese unless English is asked for)."""
        return self.label_en() if locale == "en" else self.label_ja()


def _parse_days(raw: object) -> frozenset[int]:
    if not isinstance(raw, list | tuple) or not raw:
        raise ValueError('days must be a non-empty list such as ["mon", "tue"]')
    unknown = [d for d in raw if d not in DAY_NAMES]
    if unknown:
        raise ValueError(f"unknown day {unknown[0]!r}; use one of {', '.join(DAY_NAMES)}")
    return frozenset(DAY_NAMES.index(d) for d in raw)


def _parse_time(raw: object, field: str) -> time:
    match = _TIME.fullmatch(raw) if isinstance(raw, str) else None
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(f"{field} must be a time HH:MM between 00:00 and 23:59, got {raw!r}")
    return time(int(match[1]), int(match[2]))


def _parse_closed_dates(raw: object) -> frozenset[tuple[int, int]]:
    if not isinstance(raw, list | tuple):
        raise ValueError('closed_dates must be a list such as ["12-30", "01-03"]')
    parsed: set[tuple[int, int]] = set()
    for item in raw:
        match = _MONTH_DAY.fullmatch(item) if isinstance(item, str) else None
        if match is None:
            raise ValueError(f"closed date must be MM-DD, got {item!r}")
        month, day = int(match[1]), int(match[2])
        _check_month_day(month, day)
        parsed.add((month, day))
    return frozenset(parsed)


def _clock(t: time) -> str:
    return f"{t.hour}:{t.minute:02d}"


def _runs(values: Iterable[int]) -> list[list[int]]:
    """Group sorted integers into runs of consecutive values."""
    runs: list[list[int]] = []
    for value in sorted(values):
        if runs and value == runs[-1][-1] + 1:
            runs[-1].append(value)
        else:
            runs.append([value])
    return runs


def _days_label(days: frozenset[int], names: tuple[str, ...] | None = None, dash: str = "〜",
                comma: str = "・") -> str:
    names = names or DAY_NAMES_JA
    runs = _runs(days)
    if len(runs) == 1 and len(runs[0]) >= 3:  # 月〜金, as on the certificate
        return f"{names[runs[0][0]]}{dash}{names[runs[0][-1]]}"
    return comma.join(names[d] for d in sorted(days))


def _closed_dates_labels(closed: frozenset[tuple[int, int]]) -> list[str]:
    ordinals = {date(_LEAP_YEAR, m, d).toordinal(): (m, d) for m, d in closed}
    runs = _runs(ordinals)
    last_day = date(_LEAP_YEAR, 12, 31).toordinal()
    first_day = date(_LEAP_YEAR, 1, 1).toordinal()
    # Dec 30 – Jan 3 crosses the new year: join the runs at 12/31 and 1/1, listed last.
    if len(runs) > 1 and runs[-1][-1] == last_day and runs[0][0] == first_day:
        runs = [*runs[1:-1], runs[-1] + runs[0]]
    labels = []
    for run in runs:
        first, last = ordinals[run[0]], ordinals[run[-1]]
        text = f"{first[0]}/{first[1]}"
        labels.append(text if len(run) == 1 else f"{text}〜{last[0]}/{last[1]}")
    return labels


# rules.md §2's example certificate: Mon–Fri 9:00–17:30, closed on national holidays and
# Dec 30 – Jan 3. May 1 is OXT's own closure, not part of these hours.
STANDARD = SupportHours(
    days=frozenset(range(5)),
    start=time(9, 0),
    end=time(17, 30),
    closed_on_holidays=True,
    closed_dates=frozenset({(12, 30), (12, 31), (1, 1), (1, 2), (1, 3)}),
)


@lru_cache(maxsize=4096)
def _support_days(hours: SupportHours, year: int) -> frozenset[date]:
    """All support days of `year` under `hours`, computed once per pack terms and year."""
    day = date(year, 1, 1)
    found: set[date] = set()
    while day.year == year:
        if (
            day.weekday() in hours.days
            and (day.month, day.day) not in hours.closed_dates
            and not (hours.closed_on_holidays and is_japanese_holiday(day))
        ):
            found.add(day)
        day += timedelta(days=1)
    return frozenset(found)


def is_support_day(hours: SupportHours, d: date) -> bool:
    """Tell whether `d` is a day with support under `hours`."""
    return d in _support_days(hours, d.year)


def next_support_day(hours: SupportHours, d: date) -> date:
    """Return the first support day strictly after `d`; ValueError if there is none."""
    day = d
    for _ in range(_MAX_SEARCH_DAYS):
        day += timedelta(days=1)
        if is_support_day(hours, day):
            return day
    raise ValueError(f"support hours {hours.label_ja()} have no support day after {d}")


def hours_on(hours: SupportHours, d: date) -> tuple[datetime, datetime] | None:
    """Return the (start, end) of support on `d` in Asia/Tokyo, or None if closed."""
    if not is_support_day(hours, d):
        return None
    return (
        datetime.combine(d, hours.start, tzinfo=TOKYO),
        datetime.combine(d, hours.end, tzinfo=TOKYO),
    )


def is_within_hours(hours: SupportHours, at: datetime) -> bool:
    """Tell whether `at` falls inside support hours, [start, end) of a support day."""
    local = to_tokyo(at)
    window = hours_on(hours, local.date())
    return window is not None and window[0] <= local < window[1]


def next_opening(hours: SupportHours, at: datetime) -> datetime:
    """Return `at` (in Asia/Tokyo) if inside support hours, else the next opening time."""
    local = to_tokyo(at)
    window = hours_on(hours, local.date())
    if window is not None:
        start, end = window
        if local < end:
            return max(local, start)
    opening = hours_on(hours, next_support_day(hours, local.date()))
    assert opening is not None  # next_support_day returns a support day
    return opening[0]
