"""Civil Code art. 143 period arithmetic and day deadlines (rules.md §2)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatch.domain.coverage import pack_period
from dispatch.domain.periods import day_after, days_after, days_between, period_last_day
from dispatch.domain.products import PackProduct


@pytest.mark.parametrize(
    ("start", "years", "months", "last_day"),
    [
        (date(2024, 4, 10), 3, 0, date(2027, 4, 9)),  # rules.md §2: day before corresponding
        (date(2024, 2, 29), 1, 0, date(2025, 2, 28)),  # no 2025-02-29 → last day of February
        (date(2023, 8, 31), 0, 6, date(2024, 2, 29)),  # no 2024-02-31 → leap-year Feb 29
        (date(2024, 2, 29), 4, 0, date(2028, 2, 28)),  # corresponding day exists → day before
        (date(2024, 1, 31), 0, 1, date(2024, 2, 29)),  # month-end start, no Feb 31
        (date(2023, 1, 31), 0, 1, date(2023, 2, 28)),  # same in a common year
        (date(2024, 1, 29), 0, 1, date(2024, 2, 28)),  # Feb 29 exists in 2024 → day before
        (date(2024, 1, 1), 1, 0, date(2024, 12, 31)),  # whole calendar year
        (date(2024, 3, 1), 1, 0, date(2025, 2, 28)),  # day before Mar 1 of a common year
        (date(2023, 3, 1), 1, 0, date(2024, 2, 29)),  # day before Mar 1 of a leap year
        (date(2024, 8, 31), 0, 6, date(2025, 2, 28)),  # 6-month window from a month end
        (date(2024, 10, 15), 0, 6, date(2025, 4, 14)),  # window crosses a year end
        (date(2024, 12, 31), 0, 2, date(2025, 2, 28)),  # Dec 31 + 2 months → end of February
        (date(2024, 5, 31), 0, 1, date(2024, 6, 30)),  # 30-day month has no 31st
        (date(2024, 4, 10), 7, 0, date(2031, 4, 9)),  # 7-year lifetime
        (date(2024, 4, 10), 1, 6, date(2025, 10, 9)),  # years and months together
    ],
)
def test_period_ends_day_before_corresponding_day_or_at_month_end(start, years, months, last_day):
    assert period_last_day(start, years=years, months=months) == last_day


@pytest.mark.parametrize(
    ("years", "months"),
    [
        (0, 0),  # a period needs a length
        (-1, 0),  # negative years
        (0, -3),  # negative months
    ],
)
def test_period_without_positive_length_is_rejected(years, months):
    with pytest.raises(ValueError):
        period_last_day(date(2024, 1, 1), years=years, months=months)


@pytest.mark.parametrize(
    ("start", "n", "deadline"),
    [
        (date(2024, 4, 1), 10, date(2024, 4, 11)),  # "within 10 days after it arrives"
        (date(2024, 12, 25), 10, date(2025, 1, 4)),  # crosses the year end
        (date(2024, 2, 20), 14, date(2024, 3, 5)),  # 2-week inquiry across Feb 29
    ],
)
def test_days_after_counts_calendar_days(start, n, deadline):
    assert days_after(start, n) == deadline


def test_day_after_and_days_between_agree():
    assert day_after(date(2024, 2, 28)) == date(2024, 2, 29)
    assert days_between(date(2024, 2, 28), date(2024, 3, 1)) == 2
    assert days_between(date(2024, 3, 1), date(2024, 2, 28)) == -2


@given(
    start=st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)),
    months=st.integers(min_value=1, max_value=120),
)
def test_period_last_day_is_before_the_corresponding_month_and_monotonic(start, months):
    last = period_last_day(start, months=months)
    assert last >= start
    # A longer period never ends earlier.
    assert period_last_day(start, months=months + 1) > last
    # The period ends in the target month or (day-before on the 1st) the month before it.
    target = (start.year * 12 + start.month - 1 + months)
    assert target - 1 <= last.year * 12 + last.month - 1 <= target


@given(
    start=st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)),
    years=st.integers(min_value=1, max_value=10),
)
def test_years_are_twelve_months(start, years):
    assert period_last_day(start, years=years) == period_last_day(start, months=12 * years)


@given(
    current_end=st.dates(min_value=date(2000, 1, 1), max_value=date(2080, 12, 31)),
    bought_days_before=st.integers(min_value=0, max_value=3 * 366),
    product=st.sampled_from([PackProduct.EXT1, PackProduct.EXT2]),
)
def test_extension_bought_while_covered_starts_the_day_after_the_coverage_end(
        current_end, bought_days_before, product):
    # rules.md §4: an extension bought on or before the current coverage end continues it:
    # it starts on the day after that end, so there is neither a gap nor an overlapping day.
    bought = date.fromordinal(current_end.toordinal() - bought_days_before)
    far_lifetime_end = date(2099, 12, 31)  # no cap: the rule alone decides the dates
    period = pack_period(product, bought, device_purchase=date(1999, 1, 1),
                         lifetime_end=far_lifetime_end, current_end=current_end)
    assert period.continuous
    assert days_between(current_end, period.start) == 1
    assert period.end == period_last_day(period.start, years=product.years)
    # The next continuous extension follows this one the same way.
    following = pack_period(product, bought, device_purchase=date(1999, 1, 1),
                            lifetime_end=far_lifetime_end, current_end=period.end)
    assert days_between(period.end, following.start) == 1
