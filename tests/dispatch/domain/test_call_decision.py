"""The decision on a repair call (rules.md §5)."""

from datetime import date, datetime, time

import pytest
from hours_strategies import moments
from hypothesis import given
from hypothesis import strategies as st

from dispatch.domain.calendar import TOKYO
from dispatch.domain.call_decision import (
    IN_SAME_DAY_AREA,
    Area,
    AreaVerdict,
    CallDecision,
    CoverageVerdict,
    Decision,
    decide_call,
    defer_for_routing,
    move_to_next_support_day,
)
from dispatch.domain.codes import RuleCode as C
from dispatch.domain.support_hours import STANDARD, SupportHours, is_support_day

COVERED = CoverageVerdict(covered=True)
WITH_SATURDAY = SupportHours(frozenset(range(6)), time(9, 0), time(17, 30), True)
CLOSED_MAY_1 = SupportHours(
    frozenset(range(5)), time(9, 0), time(17, 30), True, STANDARD.closed_dates | {(5, 1)}
)
OUTSIDE_SAME_DAY = AreaVerdict(Area.OUTSIDE_SAME_DAY_AREA)
ISLAND = AreaVerdict(Area.REMOTE_ISLAND)
FAR = AreaVerdict(Area.OUTSIDE_SERVICE_AREA)
ISLAND_OVERRIDDEN = AreaVerdict(Area.REMOTE_ISLAND, override_reason="hospital printer")
FAR_OVERRIDDEN = AreaVerdict(Area.OUTSIDE_SERVICE_AREA, override_reason="key account")


def _tokyo(*args: int) -> datetime:
    return datetime(*args, tzinfo=TOKYO)


THU_10 = _tokyo(2026, 11, 26, 10, 0)  # before the cutoff
THU_16 = _tokyo(2026, 11, 26, 16, 0)  # after the cutoff
THU_CUTOFF = _tokyo(2026, 11, 26, 15, 0)
THU, FRI = date(2026, 11, 26), date(2026, 11, 27)


@pytest.mark.parametrize(
    ("coverage", "area", "parts", "received_at", "expected"),
    [
        # covered, in the same-day area, before the cutoff
        (
            COVERED,
            IN_SAME_DAY_AREA,
            False,
            THU_10,
            CallDecision(Decision.SAME_DAY, THU, THU_CUTOFF, ()),
        ),
        # not covered wins over everything, keeps the coverage codes, no date
        (
            CoverageVerdict(False, (C.EXPIRED,)),
            ISLAND,
            True,
            THU_16,
            CallDecision(Decision.NOT_COVERED, None, None, (C.EXPIRED,)),
        ),
        (
            CoverageVerdict(False, (C.LIFETIME_EXCEEDED, C.PRINT_LIMIT_EXCEEDED)),
            IN_SAME_DAY_AREA,
            False,
            THU_10,
            CallDecision(
                Decision.NOT_COVERED, None, None, (C.LIFETIME_EXCEEDED, C.PRINT_LIMIT_EXCEEDED)
            ),
        ),
        # remote island / outside the service area → phone only, no date
        (
            COVERED,
            ISLAND,
            False,
            THU_10,
            CallDecision(Decision.PHONE_ONLY, None, None, (C.REMOTE_ISLAND,)),
        ),
        (
            COVERED,
            FAR,
            True,
            THU_16,
            CallDecision(Decision.PHONE_ONLY, None, None, (C.OUTSIDE_SERVICE_AREA,)),
        ),
        # an override gives onsite service, on the next support day, keeping the area code
        (
            COVERED,
            ISLAND_OVERRIDDEN,
            False,
            THU_10,
            CallDecision(Decision.NEXT_BUSINESS_DAY, FRI, THU_CUTOFF, (C.REMOTE_ISLAND,)),
        ),
        (
            COVERED,
            FAR_OVERRIDDEN,
            False,
            THU_16,
            CallDecision(
                Decision.NEXT_BUSINESS_DAY,
                FRI,
                THU_CUTOFF,
                (C.OUTSIDE_SERVICE_AREA, C.AFTER_CUTOFF),
            ),
        ),
        # outside the same-day area → next support day even before the cutoff
        (
            COVERED,
            OUTSIDE_SAME_DAY,
            False,
            THU_10,
            CallDecision(Decision.NEXT_BUSINESS_DAY, FRI, THU_CUTOFF, (C.OUTSIDE_SAME_DAY_AREA,)),
        ),
        # parts to order → next support day even before the cutoff
        (
            COVERED,
            IN_SAME_DAY_AREA,
            True,
            THU_10,
            CallDecision(Decision.NEXT_BUSINESS_DAY, FRI, THU_CUTOFF, (C.PARTS_REQUIRED,)),
        ),
        # after the cutoff → next support day
        (
            COVERED,
            IN_SAME_DAY_AREA,
            False,
            THU_16,
            CallDecision(Decision.NEXT_BUSINESS_DAY, FRI, THU_CUTOFF, (C.AFTER_CUTOFF,)),
        ),
        # every reason that applies is listed, and the call still moves one support day
        (
            COVERED,
            OUTSIDE_SAME_DAY,
            True,
            THU_16,
            CallDecision(
                Decision.NEXT_BUSINESS_DAY,
                FRI,
                THU_CUTOFF,
                (C.OUTSIDE_SAME_DAY_AREA, C.PARTS_REQUIRED, C.AFTER_CUTOFF),
            ),
        ),
        # coverage warnings of a covered call come first
        (
            CoverageVerdict(True, (C.CAPPED_AT_LIFETIME,)),
            IN_SAME_DAY_AREA,
            False,
            THU_16,
            CallDecision(
                Decision.NEXT_BUSINESS_DAY, FRI, THU_CUTOFF, (C.CAPPED_AT_LIFETIME, C.AFTER_CUTOFF)
            ),
        ),
    ],
)
def test_call_decision_applies_coverage_area_parts_and_cutoff_in_order(
    coverage, area, parts, received_at, expected
):
    assert decide_call(coverage, area, parts, STANDARD, received_at) == expected


@pytest.mark.parametrize(
    ("hours", "received_at", "decision", "service_date", "cutoff_at"),
    [
        # exactly 15:00:00 is same-day; 15:00:01 and 15:00:00.000001 are not
        (STANDARD, _tokyo(2026, 11, 26, 15, 0, 0), Decision.SAME_DAY, THU, THU_CUTOFF),
        (STANDARD, _tokyo(2026, 11, 26, 15, 0, 1), Decision.NEXT_BUSINESS_DAY, FRI, THU_CUTOFF),
        (STANDARD, _tokyo(2026, 11, 26, 15, 0, 0, 1), Decision.NEXT_BUSINESS_DAY, FRI, THU_CUTOFF),
        # 08:00 → accepted at 9:00, same day
        (STANDARD, _tokyo(2026, 11, 26, 8, 0), Decision.SAME_DAY, THU, THU_CUTOFF),
        # 12:30 is inside support hours (no lunch break for the repair line)
        (STANDARD, _tokyo(2026, 11, 26, 12, 30), Decision.SAME_DAY, THU, THU_CUTOFF),
        # 17:45 and 23:59 → accepted at Friday 9:00, same day Friday
        (
            STANDARD,
            _tokyo(2026, 11, 26, 17, 45),
            Decision.SAME_DAY,
            FRI,
            _tokyo(2026, 11, 27, 15, 0),
        ),
        (
            STANDARD,
            _tokyo(2026, 11, 26, 23, 59),
            Decision.SAME_DAY,
            FRI,
            _tokyo(2026, 11, 27, 15, 0),
        ),
        # Sunday → Monday same day
        (
            STANDARD,
            _tokyo(2026, 11, 29, 14, 0),
            Decision.SAME_DAY,
            date(2026, 11, 30),
            _tokyo(2026, 11, 30, 15, 0),
        ),
        # Saturday support: a Saturday call is same-day Saturday
        (
            WITH_SATURDAY,
            _tokyo(2026, 11, 28, 10, 0),
            Decision.SAME_DAY,
            date(2026, 11, 28),
            _tokyo(2026, 11, 28, 15, 0),
        ),
        # Golden Week: Thu 4/30 late → Fri 5/1 under STANDARD (May 1 is OXT's closure only)
        (
            STANDARD,
            _tokyo(2026, 4, 30, 16, 0),
            Decision.NEXT_BUSINESS_DAY,
            date(2026, 5, 1),
            _tokyo(2026, 4, 30, 15, 0),
        ),
        # ... and 5/7 when the certificate closes May 1 (5/2–5/3 weekend, 5/4–5/6 holidays)
        (
            CLOSED_MAY_1,
            _tokyo(2026, 4, 30, 16, 0),
            Decision.NEXT_BUSINESS_DAY,
            date(2026, 5, 7),
            _tokyo(2026, 4, 30, 15, 0),
        ),
        # year-end: Mon 12/28 late → Tue 12/29 (open); Tue 12/29 late → Mon 1/4
        (
            STANDARD,
            _tokyo(2026, 12, 28, 16, 0),
            Decision.NEXT_BUSINESS_DAY,
            date(2026, 12, 29),
            _tokyo(2026, 12, 28, 15, 0),
        ),
        (
            STANDARD,
            _tokyo(2026, 12, 29, 16, 0),
            Decision.NEXT_BUSINESS_DAY,
            date(2027, 1, 4),
            _tokyo(2026, 12, 29, 15, 0),
        ),
        # a call during the closure waits for 1/4 and is same-day then
        (
            STANDARD,
            _tokyo(2026, 12, 31, 10, 0),
            Decision.SAME_DAY,
            date(2027, 1, 4),
            _tokyo(2027, 1, 4, 15, 0),
        ),
    ],
)
def test_call_decision_follows_the_pack_support_hours(
    hours, received_at, decision, service_date, cutoff_at
):
    result = decide_call(COVERED, IN_SAME_DAY_AREA, False, hours, received_at)
    assert (result.decision, result.service_date, result.cutoff_at) == (
        decision,
        service_date,
        cutoff_at,
    )


def test_next_business_day_counts_from_the_acceptance_day_not_the_received_day():
    # Received Friday night, accepted Monday 9:00; parts needed → Tuesday, Monday's cutoff.
    result = decide_call(COVERED, IN_SAME_DAY_AREA, True, STANDARD, _tokyo(2026, 11, 27, 22, 0))
    assert result == CallDecision(
        Decision.NEXT_BUSINESS_DAY,
        date(2026, 12, 1),
        _tokyo(2026, 11, 30, 15, 0),
        (C.PARTS_REQUIRED,),
    )


def test_call_outside_same_day_area_on_friday_goes_to_saturday_with_saturday_support():
    result = decide_call(COVERED, OUTSIDE_SAME_DAY, False, WITH_SATURDAY, THU_10)
    assert result.service_date == FRI
    result = decide_call(
        COVERED, OUTSIDE_SAME_DAY, False, WITH_SATURDAY, _tokyo(2026, 11, 27, 10, 0)
    )
    assert result.service_date == date(2026, 11, 28)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(area=Area.REMOTE_ISLAND, override_reason="  "), "needs a reason"),  # blank
        (dict(area=Area.SAME_DAY_AREA, override_reason="x"), "only a phone-only area"),
        (dict(area=Area.OUTSIDE_SAME_DAY_AREA, override_reason="x"), "only a phone-only area"),
    ],
)
def test_area_override_needs_a_reason_and_a_phone_only_area(kwargs, message):
    with pytest.raises(ValueError, match=message):
        AreaVerdict(**kwargs)


def test_uncovered_verdict_needs_a_code():
    with pytest.raises(ValueError, match="at least one rule code"):
        CoverageVerdict(covered=False)


@pytest.mark.parametrize(
    ("service_date", "expected"),
    [
        (THU, FRI),  # ordinary day
        (FRI, date(2026, 11, 30)),  # over the weekend
        (date(2026, 5, 1), date(2026, 5, 7)),  # over Golden Week
        (date(2026, 12, 29), date(2027, 1, 4)),  # over the year-end closure
    ],
)
def test_move_to_next_support_day_when_no_technician_can_arrive(service_date, expected):
    assert move_to_next_support_day(STANDARD, service_date) == expected


def test_defer_for_routing_moves_a_same_day_call_and_adds_the_code():
    same_day = decide_call(COVERED, IN_SAME_DAY_AREA, False, STANDARD, THU_10)
    deferred = defer_for_routing(same_day, STANDARD)
    assert deferred == CallDecision(
        Decision.NEXT_BUSINESS_DAY, FRI, THU_CUTOFF, (C.CANNOT_ARRIVE_IN_HOURS,)
    )
    again = defer_for_routing(deferred, STANDARD)
    assert again.service_date == date(2026, 11, 30)
    assert again.codes == (C.CANNOT_ARRIVE_IN_HOURS,)  # listed once


def test_defer_for_routing_refuses_decisions_without_a_visit():
    phone = decide_call(COVERED, ISLAND, False, STANDARD, THU_10)
    with pytest.raises(ValueError, match="no onsite visit"):
        defer_for_routing(phone, STANDARD)


hours_choices = st.sampled_from([STANDARD, WITH_SATURDAY, CLOSED_MAY_1])
onsite_areas = st.sampled_from([IN_SAME_DAY_AREA, OUTSIDE_SAME_DAY, ISLAND_OVERRIDDEN])


@given(hours=hours_choices, area=onsite_areas, parts=st.booleans(), received_at=moments)
def test_onsite_service_date_is_a_support_day_never_before_the_call(
    hours, area, parts, received_at
):
    result = decide_call(COVERED, area, parts, hours, received_at)
    assert result.service_date is not None and result.cutoff_at is not None
    assert is_support_day(hours, result.service_date)
    assert result.service_date >= received_at.date()
    assert result.service_date >= result.cutoff_at.date()
    assert (result.decision == Decision.SAME_DAY) == (
        result.service_date == result.cutoff_at.date()
    )
    assert (result.decision == Decision.SAME_DAY) == (not result.codes)
