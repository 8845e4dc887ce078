"""The same-day cutoff: end of the day's support hours minus 2 h 30 min (rules.md §5)."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hours_strategies import hours_strategy, moments
from hypothesis import given
from hypothesis import strategies as st

from dispatch.domain.calendar import TOKYO
from dispatch.domain.codes import RuleCode
from dispatch.domain.cutoff import CUTOFF_LEAD, cutoff_on, same_day_promise
from dispatch.domain.support_hours import (
    STANDARD,
    SupportHours,
    hours_on,
    is_support_day,
    is_within_hours,
)

WITH_SATURDAY = SupportHours(frozenset(range(6)), time(9, 0), time(17, 30), True)
OPEN_ON_HOLIDAYS = SupportHours(frozenset(range(5)), time(9, 0), time(17, 30), False)
CLOSED_MAY_1 = SupportHours(
    frozenset(range(5)),
    time(9, 0),
    time(17, 30),
    True,
    STANDARD.closed_dates | {(5, 1)},
)
CLOSED_DEC_29 = SupportHours(
    frozenset(range(5)),
    time(9, 0),
    time(17, 30),
    True,
    STANDARD.closed_dates | {(12, 29)},
)
TWO_HOURS = SupportHours(frozenset(range(5)), time(10, 0), time(12, 0), True)  # degenerate
EXACTLY_LEAD = SupportHours(frozenset(range(5)), time(10, 0), time(12, 30), True)


def _tokyo(*args: int) -> datetime:
    return datetime(*args, tzinfo=TOKYO)


# Thursday 2026-11-26 with STANDARD hours: cutoff 15:00:00.
THU = (2026, 11, 26)
THU_CUTOFF = _tokyo(*THU, 15, 0)


@pytest.mark.parametrize(
    ("received_at", "service_date"),
    [
        (_tokyo(*THU, 15, 0, 0), date(2026, 11, 26)),  # exactly at the cutoff: same day
        (_tokyo(*THU, 14, 59, 59), date(2026, 11, 26)),  # a second before
        (_tokyo(*THU, 12, 30), date(2026, 11, 26)),  # lunch time is inside support hours
        (_tokyo(*THU, 9, 0), date(2026, 11, 26)),  # at opening
        (datetime(2026, 11, 26, 6, 0, tzinfo=UTC), date(2026, 11, 26)),  # 15:00 JST in UTC
    ],
)
def test_call_by_the_cutoff_is_served_the_same_day(received_at, service_date):
    promise = same_day_promise(STANDARD, received_at)
    assert promise.same_day
    assert promise.service_date == service_date
    assert promise.accepted_at == received_at
    assert promise.cutoff_at == THU_CUTOFF
    assert promise.codes == ()


@pytest.mark.parametrize(
    "received_at",
    [
        _tokyo(*THU, 15, 0, 1),  # one second late (the spec's example)
        _tokyo(*THU, 15, 0, 0, 1),  # one microsecond late: "no later than" is exact
        _tokyo(*THU, 17, 29, 59),  # last second of support hours
    ],
)
def test_call_after_cutoff_goes_to_next_support_day(received_at):
    promise = same_day_promise(STANDARD, received_at)
    assert not promise.same_day
    assert promise.service_date == date(2026, 11, 27)
    assert promise.accepted_at == received_at
    assert promise.cutoff_at == THU_CUTOFF  # the cutoff that applied: that day's
    assert promise.codes == (RuleCode.AFTER_CUTOFF,)


@pytest.mark.parametrize(
    ("hours", "received_at", "accepted_at"),
    [
        (STANDARD, _tokyo(*THU, 8, 0), _tokyo(*THU, 9, 0)),  # before opening
        (STANDARD, _tokyo(*THU, 17, 30), _tokyo(2026, 11, 27, 9, 0)),  # at closing time
        (STANDARD, _tokyo(*THU, 17, 45), _tokyo(2026, 11, 27, 9, 0)),  # evening
        (STANDARD, _tokyo(*THU, 23, 59), _tokyo(2026, 11, 27, 9, 0)),  # night
        (STANDARD, _tokyo(2026, 11, 29, 11, 0), _tokyo(2026, 11, 30, 9, 0)),  # Sunday
        (STANDARD, _tokyo(2026, 11, 28, 11, 0), _tokyo(2026, 11, 30, 9, 0)),  # Saturday
        (STANDARD, _tokyo(2026, 11, 23, 10, 0), _tokyo(2026, 11, 24, 9, 0)),  # 勤労感謝の日
        (STANDARD, _tokyo(2026, 5, 6, 10, 0), _tokyo(2026, 5, 7, 9, 0)),  # 振替休日
        (STANDARD, _tokyo(2026, 9, 22, 10, 0), _tokyo(2026, 9, 24, 9, 0)),  # 国民の休日
        (STANDARD, _tokyo(2027, 3, 22, 10, 0), _tokyo(2027, 3, 23, 9, 0)),  # 振替休日
        (STANDARD, _tokyo(2026, 12, 30, 10, 0), _tokyo(2027, 1, 4, 9, 0)),  # year-end
        (CLOSED_MAY_1, _tokyo(2026, 5, 1, 10, 0), _tokyo(2026, 5, 7, 9, 0)),  # closed date
        (WITH_SATURDAY, _tokyo(2026, 11, 27, 20, 0), _tokyo(2026, 11, 28, 9, 0)),  # Sat open
        (OPEN_ON_HOLIDAYS, _tokyo(2026, 11, 22, 20, 0), _tokyo(2026, 11, 23, 9, 0)),  # holiday
    ],
)
def test_call_outside_hours_is_accepted_at_next_opening_and_served_that_day(
    hours, received_at, accepted_at
):
    promise = same_day_promise(hours, received_at)
    assert promise.accepted_at == accepted_at
    assert promise.same_day
    assert promise.service_date == accepted_at.date()
    assert promise.cutoff_at == accepted_at.replace(hour=15, minute=0)
    assert promise.codes == ()


@pytest.mark.parametrize(
    ("hours", "received_at", "service_date"),
    [
        # Golden Week: Thu 4/30 late → Fri 5/1 is a support day unless the pack closes it
        (STANDARD, _tokyo(2026, 4, 30, 16, 0), date(2026, 5, 1)),
        (CLOSED_MAY_1, _tokyo(2026, 4, 30, 16, 0), date(2026, 5, 7)),
        # Fri 5/1 late → weekend, 5/4–5/6 holidays → Thu 5/7
        (STANDARD, _tokyo(2026, 5, 1, 16, 0), date(2026, 5, 7)),
        # year-end: Mon 12/28 late → Tue 12/29 is open (only 12/30–1/3 closed)
        (STANDARD, _tokyo(2026, 12, 28, 16, 0), date(2026, 12, 29)),
        # ... unless the certificate also closes 12/29
        (CLOSED_DEC_29, _tokyo(2026, 12, 28, 16, 0), date(2027, 1, 4)),
        # Tue 12/29 late → closure, then Mon 1/4
        (STANDARD, _tokyo(2026, 12, 29, 16, 0), date(2027, 1, 4)),
        # Friday late → Monday; with Saturday support → Saturday
        (STANDARD, _tokyo(2026, 11, 27, 16, 0), date(2026, 11, 30)),
        (WITH_SATURDAY, _tokyo(2026, 11, 27, 16, 0), date(2026, 11, 28)),
        # Friday 3/19/2027 late → weekend + 振替休日 3/22 → Tue 3/23
        (STANDARD, _tokyo(2027, 3, 19, 16, 0), date(2027, 3, 23)),
        # open on holidays: Fri 9/18 late → Mon 9/21 敬老の日 is a support day
        (OPEN_ON_HOLIDAYS, _tokyo(2026, 9, 18, 16, 0), date(2026, 9, 21)),
        (STANDARD, _tokyo(2026, 9, 18, 16, 0), date(2026, 9, 24)),  # Silver Week closed
    ],
)
def test_call_after_cutoff_skips_the_pack_closed_days(hours, received_at, service_date):
    promise = same_day_promise(hours, received_at)
    assert promise.service_date == service_date
    assert promise.codes == (RuleCode.AFTER_CUTOFF,)
    assert promise.cutoff_at == received_at.replace(hour=15, minute=0)


@pytest.mark.parametrize(
    "received_at",
    [
        _tokyo(*THU, 8, 0),  # before opening: accepted at 10:00, already past 9:30
        _tokyo(*THU, 10, 0),  # at opening
        _tokyo(*THU, 11, 59),  # just before closing
    ],
)
def test_hours_shorter_than_the_lead_are_never_same_day(received_at):
    promise = same_day_promise(TWO_HOURS, received_at)
    assert not promise.same_day
    assert promise.service_date == date(2026, 11, 27)
    assert promise.cutoff_at == _tokyo(*THU, 9, 30)  # before the 10:00 opening
    assert promise.codes == (RuleCode.AFTER_CUTOFF,)


def test_hours_exactly_as_long_as_the_lead_are_same_day_only_at_opening():
    assert same_day_promise(EXACTLY_LEAD, _tokyo(*THU, 7, 0)).same_day
    assert same_day_promise(EXACTLY_LEAD, _tokyo(*THU, 10, 0)).same_day
    assert not same_day_promise(EXACTLY_LEAD, _tokyo(*THU, 10, 0, 1)).same_day


def test_cutoff_on_is_none_on_closed_days():
    assert cutoff_on(STANDARD, date(2026, 11, 26)) == THU_CUTOFF
    assert cutoff_on(STANDARD, date(2026, 11, 28)) is None


def test_naive_received_at_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        same_day_promise(STANDARD, datetime(2026, 11, 26, 10, 0))




@given(hours=hours_strategy, received_at=moments)
def test_service_date_is_a_support_day_never_before_the_call(hours, received_at):
    promise = same_day_promise(hours, received_at)
    assert is_support_day(hours, promise.service_date)
    assert promise.service_date >= received_at.date()
    assert promise.accepted_at >= received_at
    assert is_within_hours(hours, promise.accepted_at)
    assert promise.same_day == (promise.service_date == promise.accepted_at.date())
    assert promise.same_day == (RuleCode.AFTER_CUTOFF not in promise.codes)


@given(hours=hours_strategy, received_at=moments)
def test_cutoff_is_always_the_lead_before_the_acceptance_day_end(hours, received_at):
    promise = same_day_promise(hours, received_at)
    window = hours_on(hours, promise.accepted_at.date())
    assert window is not None
    assert promise.cutoff_at == window[1] - CUTOFF_LEAD
    assert promise.same_day == (promise.accepted_at <= promise.cutoff_at)


@given(
    received_at=moments,
    late=st.timedeltas(
        min_value=timedelta(microseconds=1), max_value=timedelta(hours=2, minutes=30)
    ),
)
def test_any_moment_after_the_cutoff_inside_hours_loses_the_same_day(received_at, late):
    day = received_at.date()
    if not is_support_day(STANDARD, day):
        return
    promise = same_day_promise(STANDARD, _tokyo(day.year, day.month, day.day, 15, 0) + late)
    # 15:00 + 2:30 is 17:30, the closing time: then the call waits for the next opening.
    assert promise.same_day is (late == timedelta(hours=2, minutes=30))
