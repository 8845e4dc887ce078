"""Registration lifecycle deadlines of rules.md §4: 10-day apply, 1-year void, 14-day inquiry."""

from datetime import date, timedelta

import pytest

from dispatch.domain.codes import RuleCode
from dispatch.domain.lifecycle import (
    LifecycleStep,
    application_due,
    consent_codes,
    inquiry_lapse_date,
    is_application_late,
    is_inquiry_lapsed,
    is_registration_late,
    is_void_on,
    lifecycle_step,
    registration_due,
    void_date,
)
from dispatch.domain.products import PackStatus

S = PackStatus
VOID = LifecycleStep(S.VOID, RuleCode.NOT_REGISTERED_WITHIN_1_YEAR)
CANCEL = LifecycleStep(S.CANCELLED, RuleCode.INQUIRY_UNANSWERED)


def add_weekdays(d: date, n: int) -> date:
    """Stand-in for the calendar module: Monday–Friday only, no holidays."""
    while n > 0:
        d += timedelta(days=1)
        if d.weekday() < 5:
            n -= 1
    return d


@pytest.mark.parametrize(
    ("received", "on", "late"),
    [
        (date(2024, 4, 1), date(2024, 4, 11), False),  # the 10th day after arrival: on time
        (date(2024, 4, 1), date(2024, 4, 12), True),  # the day after: reminder
        (date(2024, 12, 25), date(2025, 1, 4), False),  # deadline across the year end
        (date(2024, 2, 25), date(2024, 3, 6), False),  # Feb 29 counts: due Mar 6
        (date(2024, 2, 25), date(2024, 3, 7), True),  # and late from Mar 7
    ],
)
def test_application_is_due_within_10_days_after_the_pack_arrives(received, on, late):
    assert application_due(received) == received + timedelta(days=10)
    assert is_application_late(received, on) is late


@pytest.mark.parametrize(
    ("bought", "void_from"),
    [
        (date(2024, 4, 10), date(2025, 4, 10)),  # last valid day 2025-04-09
        (date(2024, 2, 29), date(2025, 3, 1)),  # last valid day 2025-02-28 (no Feb 29)
        (date(2023, 3, 1), date(2024, 3, 1)),  # last valid day is the leap day 2024-02-29
        (date(2024, 12, 31), date(2025, 12, 31)),  # year-end purchase
    ],
)
def test_pack_without_application_is_void_the_day_after_one_year(bought, void_from):
    assert void_date(bought) == void_from
    assert not is_void_on(bought, void_from - timedelta(days=1))
    assert is_void_on(bought, void_from)


@pytest.mark.parametrize(
    ("sent", "answered", "on", "lapsed"),
    [
        (date(2024, 5, 1), None, date(2024, 5, 14), False),  # day 13: still waiting
        (date(2024, 5, 1), None, date(2024, 5, 15), True),  # D + 14 unanswered: cancelled
        # answered on D + 13, the last day before the job of D + 14 (延長/標準パック使用説明書
        # §3-1 ＜ご注意＞ 2週間以上回答を頂けない場合…取消し)
        (date(2024, 5, 1), date(2024, 5, 14), date(2024, 5, 20), False),
        # answered on D + 14: the job of that day cancels it; the answer is refused (issue 14)
        (date(2024, 5, 1), date(2024, 5, 15), date(2024, 5, 20), True),
        (date(2024, 5, 1), date(2024, 5, 16), date(2024, 5, 20), True),  # answered too late
        (date(2024, 2, 20), None, date(2024, 3, 5), True),  # 14 days across Feb 29
    ],
)
def test_inquiry_unanswered_for_two_weeks_cancels_the_application(sent, answered, on, lapsed):
    assert inquiry_lapse_date(sent) == sent + timedelta(days=14)
    assert is_inquiry_lapsed(sent, on, answered) is lapsed


@pytest.mark.parametrize(
    ("applied", "due"),
    [
        (date(2024, 4, 1), date(2024, 4, 10)),  # Monday + 7 business days = next Wednesday
        (date(2024, 4, 5), date(2024, 4, 16)),  # Friday: two weekends skipped
        (date(2024, 4, 6), date(2024, 4, 16)),  # applied on a Saturday
    ],
)
def test_registration_is_due_about_7_business_days_after_the_application(applied, due):
    assert registration_due(applied, add_weekdays) == due
    assert not is_registration_late(applied, due, add_weekdays)
    assert is_registration_late(applied, due + timedelta(days=1), add_weekdays)


@pytest.mark.parametrize(
    ("service_spec", "privacy", "antisocial", "codes"),
    [
        (True, True, True, ()),  # all three consents: the application stands
        (False, True, True, (RuleCode.CONSENT_REQUIRED,)),  # service specification missing
        (True, False, True, (RuleCode.CONSENT_REQUIRED,)),  # privacy terms missing
        (True, True, False, (RuleCode.CONSENT_REQUIRED,)),  # anti-social declaration missing
    ],
)
def test_application_needs_all_three_consents(service_spec, privacy, antisocial, codes):
    assert consent_codes(
        service_spec=service_spec, privacy=privacy, antisocial_declaration=antisocial
    ) == codes


BOUGHT = date(2024, 4, 10)  # void from 2025-04-10


@pytest.mark.parametrize(
    ("status", "on", "sent", "answered", "step"),
    [
        (S.PURCHASED, date(2025, 4, 9), None, None, None),  # last day of the year: still valid
        (S.PURCHASED, date(2025, 4, 10), None, None, VOID),  # the day after: void
        (S.CANCELLED, date(2025, 4, 10), None, None, VOID),  # cancelled, never re-applied
        (S.APPLIED, date(2025, 4, 10), None, None, None),  # applied in time: never void
        (S.REGISTERED, date(2026, 1, 1), None, None, None),  # registered: nothing due
        (S.INQUIRY, date(2024, 6, 14), date(2024, 6, 1), None, None),  # day 13 of the inquiry
        (S.INQUIRY, date(2024, 6, 15), date(2024, 6, 1), None, CANCEL),  # D + 14 unanswered
        (S.INQUIRY, date(2024, 6, 20), date(2024, 6, 1), date(2024, 6, 10), None),  # answered
        (S.INQUIRY, date(2024, 6, 15), None, None, None),  # no inquiry date known
    ],
)
def test_daily_lifecycle_step_voids_and_cancels_on_their_first_day(status, on, sent, answered,
                                                                   step):
    assert lifecycle_step(status, purchased_on=BOUGHT, on=on, inquiry_sent_on=sent,
                          inquiry_answered_on=answered) == step
