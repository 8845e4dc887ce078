"""A pack's support hours (対応時間, rules.md §2 and §9.1)."""

from datetime import date, datetime, time, timedelta

import pytest
from hours_strategies import hours_strategy, moments
from hypothesis import example, given

from dispatch.domain.calendar import TOKYO
from dispatch.domain.support_hours import (
    STANDARD,
    SupportHours,
    hours_on,
    is_support_day,
    is_within_hours,
    next_opening,
    next_support_day,
)

WITH_SATURDAY = SupportHours.from_payload(
    {
        "days": ["mon", "tue", "wed", "thu", "fri", "sat"],
        "start": "09:00",
        "end": "17:30",
        "closed_on_holidays": True,
        "closed_dates": ["12-30", "12-31", "01-01", "01-02", "01-03"],
    }
)
OPEN_ON_HOLIDAYS = SupportHours.from_payload(
    {
        "days": ["mon", "tue", "wed", "thu", "fri"],
        "start": "09:00",
        "end": "17:30",
        "closed_on_holidays": False,
    }
)
CLOSED_MAY_1 = SupportHours.from_payload(
    {
        "days": ["mon", "tue", "wed", "thu", "fri"],
        "start": "09:00",
        "end": "17:30",
        "closed_on_holidays": True,
        "closed_dates": ["05-01", "12-30", "12-31", "01-01", "01-02", "01-03"],
    }
)


def _tokyo(*args: int) -> datetime:
    return datetime(*args, tzinfo=TOKYO)


def test_standard_matches_the_spec_example_payload():
    assert (
        SupportHours.from_payload(
            {
                "days": ["mon", "tue", "wed", "thu", "fri"],
                "start": "09:00",
                "end": "17:30",
                "closed_on_holidays": True,
                "closed_dates": ["12-30", "12-31", "01-01", "01-02", "01-03"],
            }
        )
        == STANDARD
    )


def test_to_payload_lists_days_and_closed_dates_in_order():
    assert STANDARD.to_payload() == {
        "days": ["mon", "tue", "wed", "thu", "fri"],
        "start": "09:00",
        "end": "17:30",
        "closed_on_holidays": True,
        "closed_dates": ["01-01", "01-02", "01-03", "12-30", "12-31"],
    }


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (
            {
                "days": ["mon", "funday"],
                "start": "09:00",
                "end": "17:30",
                "closed_on_holidays": True,
            },
            "unknown day 'funday'",
        ),  # unknown day
        (
            {"days": [], "start": "09:00", "end": "17:30", "closed_on_holidays": True},
            "days must be a non-empty list",
        ),  # no days
        (
            {"days": ["mon"], "start": "9am", "end": "17:30", "closed_on_holidays": True},
            "start must be a time HH:MM",
        ),  # bad format
        (
            {"days": ["mon"], "start": "09:00", "end": "24:00", "closed_on_holidays": True},
            "end must be a time HH:MM",
        ),  # hour out of range
        (
            {"days": ["mon"], "start": "09:60", "end": "17:30", "closed_on_holidays": True},
            "start must be a time HH:MM",
        ),  # minute out of range
        (
            {"days": ["mon"], "start": "17:30", "end": "09:00", "closed_on_holidays": True},
            "must be before end",
        ),  # start after end
        (
            {"days": ["mon"], "start": "09:00", "end": "09:00", "closed_on_holidays": True},
            "must be before end",
        ),  # empty interval
        (
            {
                "days": ["mon"],
                "start": "09:00",
                "end": "17:30",
                "closed_on_holidays": True,
                "closed_dates": ["12/30"],
            },
            "closed date must be MM-DD",
        ),  # wrong separator
        (
            {
                "days": ["mon"],
                "start": "09:00",
                "end": "17:30",
                "closed_on_holidays": True,
                "closed_dates": ["02-30"],
            },
            "02-30 is not a calendar day",
        ),  # no such day
        (
            {
                "days": ["mon"],
                "start": "09:00",
                "end": "17:30",
                "closed_on_holidays": True,
                "closed_dates": ["13-01"],
            },
            "13-01 is not a calendar day",
        ),  # no such month
        (
            {"days": ["mon"], "start": "09:00", "end": "17:30", "closed_on_holidays": "yes"},
            "closed_on_holidays must be true or false",
        ),  # not bool
        ({"days": ["mon"], "start": "09:00"}, "missing end, closed_on_holidays"),  # missing
        ("mon-fri", "support_hours must be an object"),  # not an object at all
    ],
)
def test_from_payload_rejects_bad_input_with_a_clear_message(payload, message):
    with pytest.raises(ValueError, match=message):
        SupportHours.from_payload(payload)


def test_from_payload_accepts_february_29_as_a_closed_date():
    hours = SupportHours.from_payload(
        {
            "days": ["mon"],
            "start": "09:00",
            "end": "17:30",
            "closed_on_holidays": False,
            "closed_dates": ["02-29"],
        }
    )
    assert hours.closed_dates == frozenset({(2, 29)})


@pytest.mark.parametrize(
    ("hours", "label"),
    [
        (STANDARD, "月〜金 9:00〜17:30（祝日・12/30〜1/3 休業）"),  # the certificate example
        (WITH_SATURDAY, "月〜土 9:00〜17:30（祝日・12/30〜1/3 休業）"),  # Saturday support
        (OPEN_ON_HOLIDAYS, "月〜金 9:00〜17:30"),  # no closures at all
        (CLOSED_MAY_1, "月〜金 9:00〜17:30（祝日・5/1・12/30〜1/3 休業）"),  # single closed date
        (
            SupportHours(frozenset({0, 2, 4}), time(8, 30), time(20, 0), False),
            "月・水・金 8:30〜20:00",
        ),  # days that are not a range
        (
            SupportHours(frozenset({5, 6}), time(10, 0), time(16, 0), True),
            "土・日 10:00〜16:00（祝日 休業）",
        ),  # two days are listed, not a range
    ],
)
def test_label_ja_gives_the_certificate_text(hours, label):
    assert hours.label_ja() == label


def test_equals_terms_compares_the_promised_hours():
    same = SupportHours.from_payload(STANDARD.to_payload())
    assert STANDARD.equals_terms(same)
    assert not STANDARD.equals_terms(WITH_SATURDAY)  # different days
    assert not STANDARD.equals_terms(OPEN_ON_HOLIDAYS)  # different closures
    assert not STANDARD.equals_terms(CLOSED_MAY_1)  # one more closed date


@pytest.mark.parametrize(
    ("hours", "day", "open_"),
    [
        (STANDARD, date(2026, 11, 26), True),  # Thursday
        (STANDARD, date(2026, 11, 28), False),  # Saturday
        (STANDARD, date(2026, 5, 1), True),  # May 1 is OXT's closure, not the pack's
        (CLOSED_MAY_1, date(2026, 5, 1), False),  # unless the certificate closes it
        (STANDARD, date(2026, 5, 6), False),  # 振替休日
        (STANDARD, date(2026, 9, 22), False),  # 国民の休日
        (STANDARD, date(2027, 3, 22), False),  # 振替休日
        (OPEN_ON_HOLIDAYS, date(2026, 5, 6), True),  # pack open on holidays
        (OPEN_ON_HOLIDAYS, date(2026, 12, 31), True),  # and with no year-end closure
        (STANDARD, date(2026, 12, 29), True),  # Tuesday 12/29 is not a closed date
        (STANDARD, date(2026, 12, 30), False),  # year-end closure
        (WITH_SATURDAY, date(2026, 11, 28), True),  # Saturday support
        (WITH_SATURDAY, date(2026, 5, 2), True),  # a Saturday in Golden Week, not a holiday
        (WITH_SATURDAY, date(2026, 5, 3), False),  # Sunday
        (WITH_SATURDAY, date(2027, 1, 2), False),  # Saturday inside the year-end closure
    ],
)
def test_support_day_follows_the_pack_days_holidays_and_closed_dates(hours, day, open_):
    assert is_support_day(hours, day) is open_


@pytest.mark.parametrize(
    ("hours", "day", "expected"),
    [
        (STANDARD, date(2026, 4, 30), date(2026, 5, 1)),  # May 1 open under STANDARD
        (CLOSED_MAY_1, date(2026, 4, 30), date(2026, 5, 7)),  # Golden Week all closed
        (STANDARD, date(2026, 5, 1), date(2026, 5, 7)),  # Fri → weekend + 5/4–5/6 holidays
        (WITH_SATURDAY, date(2026, 5, 1), date(2026, 5, 2)),  # Saturday support
        (OPEN_ON_HOLIDAYS, date(2026, 5, 1), date(2026, 5, 4)),  # holidays are work days
        (STANDARD, date(2026, 12, 28), date(2026, 12, 29)),  # Tuesday 12/29 is open
        (STANDARD, date(2026, 12, 29), date(2027, 1, 4)),  # across Dec 30 – Jan 3
        (STANDARD, date(2026, 9, 18), date(2026, 9, 24)),  # Silver Week
        (STANDARD, date(2027, 3, 19), date(2027, 3, 23)),  # weekend + 振替休日 3/22
    ],
)
def test_next_support_day_is_strictly_after_and_skips_closed_days(hours, day, expected):
    assert next_support_day(hours, day) == expected


def test_next_support_day_gives_up_on_hours_that_never_open():
    every_day = [
        f"{m:02d}-{d:02d}"
        for m in range(1, 13)
        for d in range(1, 32)
        if (m, d) not in {(2, 30), (2, 31), (4, 31), (6, 31), (9, 31), (11, 31)}
    ]
    never = SupportHours.from_payload(
        {
            "days": ["mon"],
            "start": "09:00",
            "end": "17:30",
            "closed_on_holidays": False,
            "closed_dates": every_day,
        }
    )
    with pytest.raises(ValueError, match="no support day"):
        next_support_day(never, date(2026, 11, 26))


def test_hours_on_gives_tokyo_datetimes_or_none_when_closed():
    assert hours_on(STANDARD, date(2026, 11, 26)) == (
        _tokyo(2026, 11, 26, 9, 0),
        _tokyo(2026, 11, 26, 17, 30),
    )
    assert hours_on(STANDARD, date(2026, 11, 28)) is None  # Saturday


@pytest.mark.parametrize(
    ("at", "inside"),
    [
        (_tokyo(2026, 11, 26, 8, 59, 59), False),  # before opening
        (_tokyo(2026, 11, 26, 9, 0), True),  # opening is inside
        (_tokyo(2026, 11, 26, 12, 30), True),  # no lunch break in support hours
        (_tokyo(2026, 11, 26, 17, 29, 59), True),  # last second
        (_tokyo(2026, 11, 26, 17, 30), False),  # closing time is outside
        (_tokyo(2026, 11, 29, 10, 0), False),  # Sunday
        (datetime(2026, 11, 26, 0, 0, tzinfo=TOKYO) + timedelta(hours=10), True),  # 10:00
    ],
)
def test_within_hours_is_half_open_on_support_days(at, inside):
    assert is_within_hours(STANDARD, at) is inside


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (_tokyo(2026, 11, 26, 10, 15), _tokyo(2026, 11, 26, 10, 15)),  # inside → itself
        (_tokyo(2026, 11, 26, 8, 0), _tokyo(2026, 11, 26, 9, 0)),  # early → same day
        (_tokyo(2026, 11, 26, 17, 45), _tokyo(2026, 11, 27, 9, 0)),  # evening → next day
        (_tokyo(2026, 11, 27, 23, 59), _tokyo(2026, 11, 30, 9, 0)),  # Friday night → Monday
        (_tokyo(2026, 11, 29, 10, 0), _tokyo(2026, 11, 30, 9, 0)),  # Sunday → Monday
        (_tokyo(2026, 12, 29, 18, 0), _tokyo(2027, 1, 4, 9, 0)),  # year-end closure
        (_tokyo(2026, 5, 6, 10, 0), _tokyo(2026, 5, 7, 9, 0)),  # 振替休日
    ],
)
def test_next_opening_is_now_inside_hours_else_the_next_start(at, expected):
    assert next_opening(STANDARD, at) == expected


def test_next_opening_converts_other_zones_to_tokyo():
    # 2026-11-26 23:30 UTC is Friday 08:30 in Tokyo: opening is Friday 9:00.
    from datetime import UTC

    assert next_opening(STANDARD, datetime(2026, 11, 26, 23, 30, tzinfo=UTC)) == _tokyo(
        2026, 11, 27, 9, 0
    )


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        is_within_hours(STANDARD, datetime(2026, 11, 26, 10, 0))
    with pytest.raises(ValueError, match="timezone-aware"):
        next_opening(STANDARD, datetime(2026, 11, 26, 10, 0))




@given(hours=hours_strategy)
def test_payload_round_trips(hours):
    assert SupportHours.from_payload(hours.to_payload()) == hours


@given(hours=hours_strategy, at=moments)
# Generated moments fall inside the hours about one time in twenty: these pin both branches.
@example(hours=STANDARD, at=datetime(2026, 11, 26, 10, 0, tzinfo=TOKYO))  # Thursday, open
@example(hours=STANDARD, at=datetime(2026, 11, 28, 10, 0, tzinfo=TOKYO))  # Saturday, closed
def test_next_opening_is_inside_hours_and_not_before_the_call(hours, at):
    opening = next_opening(hours, at)
    assert opening >= at
    assert is_within_hours(hours, opening)
    if is_within_hours(hours, at):
        assert opening == at


@pytest.mark.parametrize(("locale", "expected"), [
    # the certificate's Japanese text (rules.md §2)
    ("ja", "月〜金 9:00〜17:30（祝日・12/30〜1/3 休業）"),
    # issue 16: English pages show the hours in English
    ("en", "Mon–Fri 9:00–17:30 (closed: holidays, 12/30–1/3)"),
])
def test_support_hours_label_in_the_pages_language(locale, expected):
    assert STANDARD.label(locale) == expected
