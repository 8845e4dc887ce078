"""OXT's business calendar and Japanese holidays (rules.md §2)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatch.domain.calendar import (
    TOKYO,
    add_business_days,
    business_days_between,
    holiday_name,
    is_helpdesk_open,
    is_japanese_holiday,
    is_oxt_business_day,
    next_oxt_business_day,
)


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 5, 6), "振替休日"),  # substitute for 憲法記念日 on Sunday 5/3
        (date(2026, 9, 22), "国民の休日"),  # sandwiched between 敬老の日 and 秋分の日
        (date(2027, 3, 22), "振替休日"),  # 春分の日 2027-03-21 is a Sunday
        (date(2026, 1, 1), "元日"),  # plain fixed holiday
        (date(2026, 1, 12), "成人の日"),  # happy-Monday holiday
    ],
)
def test_national_holidays_come_from_the_library_with_japanese_names(day, name):
    assert is_japanese_holiday(day)
    assert holiday_name(day) == name


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 5, 1),  # OXT closure, not a national holiday
        date(2026, 12, 30),  # 年末年始 is a company closure, not a national holiday
        date(2026, 5, 7),  # ordinary Thursday after Golden Week
        date(2026, 11, 28),  # Saturday
    ],
)
def test_ordinary_and_company_closed_days_are_not_national_holidays(day):
    assert not is_japanese_holiday(day)
    assert holiday_name(day) is None


@pytest.mark.parametrize(
    ("day", "open_"),
    [
        (date(2026, 11, 26), True),  # Thursday
        (date(2026, 11, 28), False),  # Saturday
        (date(2026, 11, 29), False),  # Sunday
        (date(2026, 11, 23), False),  # 勤労感謝の日, Monday
        (date(2026, 5, 1), False),  # May 1 OXT closure (a Friday)
        (date(2026, 5, 6), False),  # 振替休日
        (date(2026, 9, 22), False),  # 国民の休日
        (date(2027, 3, 22), False),  # 振替休日
        (date(2026, 12, 29), True),  # Tuesday, the last working day of the year
        (date(2026, 12, 30), False),  # year-end closure starts
        (date(2026, 12, 31), False),  # year-end closure
        (date(2027, 1, 1), False),  # 元日
        (date(2027, 1, 2), False),  # Saturday inside the closure
        (date(2027, 1, 3), False),  # Sunday, last day of the closure
        (date(2027, 1, 4), True),  # Monday, first working day of the year
    ],
)
def test_oxt_business_day_is_a_weekday_off_holidays_and_closures(day, open_):
    assert is_oxt_business_day(day) is open_


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 4, 30), date(2026, 5, 7)),  # May 1 closure + weekend + Golden Week
        (date(2026, 11, 27), date(2026, 11, 30)),  # Friday → Monday
        (date(2026, 12, 29), date(2027, 1, 4)),  # across the year-end closure
        (date(2026, 11, 26), date(2026, 11, 27)),  # strictly after, even on a business day
        (date(2026, 9, 18), date(2026, 9, 24)),  # Silver Week 9/19–9/23
    ],
)
def test_next_oxt_business_day_is_strictly_after(day, expected):
    assert next_oxt_business_day(day) == expected


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        # May 1 is an OXT closure (§2), so day 1 is 5/7 and day 5 is 5/13. Counting May 1
        # as a working day (national holidays only, as numpy.busday_offset does) would give 5/12.
        (date(2026, 4, 30), 5, date(2026, 5, 13)),
        (date(2026, 4, 30), 4, date(2026, 5, 12)),  # 5/7, 5/8, 5/11, 5/12
        (date(2026, 11, 26), 0, date(2026, 11, 26)),  # 0 on a business day → itself
        (date(2026, 11, 28), 0, date(2026, 11, 30)),  # 0 on a Saturday → Monday
        (date(2026, 11, 28), 1, date(2026, 12, 1)),  # counts from Monday, the roll-forward
        (date(2026, 12, 25), 7, date(2027, 1, 8)),  # 12/28, 12/29, 1/4, 1/5, 1/6, 1/7, 1/8
    ],
)
def test_add_business_days_skips_weekends_holidays_and_closures(day, n, expected):
    assert add_business_days(day, n) == expected


def test_add_business_days_refuses_negative_n():
    with pytest.raises(ValueError, match="n must be >= 0"):
        add_business_days(date(2026, 11, 26), -1)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (date(2026, 4, 30), date(2026, 5, 7), 1),  # only 4/30 itself; 5/1–5/6 closed
        (date(2026, 11, 23), date(2026, 11, 30), 4),  # holiday Monday, then Tue–Fri
        (date(2026, 11, 26), date(2026, 11, 26), 0),  # empty range
        (date(2026, 11, 30), date(2026, 11, 23), -4),  # reversed range is negative
        (date(2026, 12, 28), date(2027, 1, 5), 3),  # 12/28, 12/29, 1/4 across the year
    ],
)
def test_business_days_between_counts_half_open_range(a, b, expected):
    assert business_days_between(a, b) == expected


def _tokyo(*args: int) -> datetime:
    return datetime(*args, tzinfo=TOKYO)


@pytest.mark.parametrize(
    ("at", "open_"),
    [
        (_tokyo(2026, 11, 26, 8, 59, 59), False),  # before 9:00
        (_tokyo(2026, 11, 26, 9, 0), True),  # opening
        (_tokyo(2026, 11, 26, 11, 59, 59), True),  # just before lunch
        (_tokyo(2026, 11, 26, 12, 0), False),  # lunch break starts
        (_tokyo(2026, 11, 26, 12, 30), False),  # lunch break
        (_tokyo(2026, 11, 26, 13, 0), True),  # afternoon opening
        (_tokyo(2026, 11, 26, 17, 29, 59), True),  # just before closing
        (_tokyo(2026, 11, 26, 17, 30), False),  # closing time
        (_tokyo(2026, 11, 28, 10, 0), False),  # Saturday
        (_tokyo(2026, 5, 1, 10, 0), False),  # May 1 closure
        # 01:00 UTC is 10:00 in Tokyo: the zone of the argument does not matter
        (datetime(2026, 11, 26, 1, 0, tzinfo=UTC), True),
    ],
)
def test_helpdesk_is_open_on_business_days_outside_the_lunch_break(at, open_):
    assert is_helpdesk_open(at) is open_


def test_helpdesk_refuses_naive_datetimes():
    with pytest.raises(ValueError, match="timezone-aware"):
        is_helpdesk_open(datetime(2026, 11, 26, 10, 0))


days = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))


@given(day=days, n=st.integers(min_value=0, max_value=40))
def test_add_business_days_lands_on_a_business_day_counted_back_by_between(day, n):
    result = add_business_days(day, n)
    assert is_oxt_business_day(result)
    assert result >= day
    assert business_days_between(day, result) == n


@given(day=days)
def test_next_business_day_skips_only_closed_days(day):
    result = next_oxt_business_day(day)
    assert result > day
    gap = (result - day).days
    assert all(not is_oxt_business_day(day + timedelta(days=i)) for i in range(1, gap))
