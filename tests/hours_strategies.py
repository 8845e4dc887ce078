"""Hypothesis strategies shared by the property tests of support hours, cutoff and calls."""

from __future__ import annotations

from datetime import datetime, time

from hypothesis import strategies as st

from dispatch.domain.calendar import TOKYO
from dispatch.domain.support_hours import SupportHours

# Any pack's support hours: some days, a window inside the day, holiday and date closures.
hours_strategy = st.builds(
    lambda days, start_minute, length, holidays, closed: SupportHours(
        days=frozenset(days),
        start=time(start_minute // 60, start_minute % 60),
        end=time(*divmod(min(start_minute + length, 23 * 60 + 59), 60)),
        closed_on_holidays=holidays,
        closed_dates=frozenset(closed),
    ),
    days=st.sets(st.integers(0, 6), min_size=1),
    start_minute=st.integers(0, 22 * 60),
    length=st.integers(1, 15 * 60),
    holidays=st.booleans(),
    closed=st.sets(st.sampled_from([(1, 1), (1, 2), (5, 1), (8, 13), (12, 30), (12, 31)])),
)
# Instants in Tokyo over years whose holidays the calendar knows.
moments = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(TOKYO)
)
