"""The board's day figures and alerts (dispatch/domain/day_kpis.py, rules.md §6)."""

from __future__ import annotations

from datetime import datetime

import pytest

from dispatch.clock import TOKYO
from dispatch.domain.call_decision import Decision
from dispatch.domain.day_kpis import (
    AlertKind,
    VisitRow,
    alerts,
    at_risk,
    day_kpis,
    promise_kept,
)
from dispatch.domain.visit_status import VisitStatus

END = datetime(2026, 11, 26, 17, 30, tzinfo=TOKYO)  # standard support hours end


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 26, hour, minute, tzinfo=TOKYO)


def row(status=VisitStatus.PLANNED, *, assigned=True, eta=None, end=None, hours_end=END,
        decision=Decision.SAME_DAY, overridden=False, codes=(), moved=0, n=1) -> VisitRow:
    return VisitRow(n, 100 + n, decision, status, assigned, eta, end, hours_end, overridden,
                    codes, moved)


@pytest.mark.parametrize(("visit", "expected"), [
    # issue 16: at risk = an ETA past the support-hours end
    (row(eta=at(17, 45)), True),
    # arriving exactly at the end is still inside the hours
    (row(eta=at(17, 30)), False),
    (row(eta=at(10)), False),
    # a visit already done is no longer at risk, whatever its ETA was
    (row(VisitStatus.DONE, eta=at(18)), False),
    # an unassigned visit has no ETA to judge (it shows in the unassigned list)
    (row(VisitStatus.UNASSIGNED, assigned=False, eta=None), False),
    # a pack whose hours cannot be read gives no band: no judgement
    (row(eta=at(18), hours_end=None), False),
])
def test_at_risk_is_an_eta_after_the_support_hours_end(visit, expected):
    assert at_risk(visit) is expected


@pytest.mark.parametrize(("visit", "expected"), [
    # done within the hours: the same-day promise is kept
    (row(VisitStatus.DONE, end=at(16)), True),
    # done after the hours end: the promise was missed
    (row(VisitStatus.DONE, end=at(17, 31)), False),
    # not done yet: not kept (yet)
    (row(VisitStatus.ARRIVED, end=at(11)), False),
])
def test_same_day_promise_kept_means_done_within_the_hours(visit, expected):
    assert promise_kept(visit) is expected


def test_day_kpis_count_same_day_promises_done_planned_at_risk_and_km():
    rows = [row(VisitStatus.DONE, end=at(11), n=1),
            row(VisitStatus.PLANNED, eta=at(18), n=2),
            row(VisitStatus.UNASSIGNED, assigned=False, n=3),
            row(VisitStatus.DONE, end=at(12), decision=Decision.NEXT_BUSINESS_DAY, n=4)]
    figures = day_kpis(rows, 12_345.0)
    assert (figures.same_day_kept, figures.same_day_total) == (1, 3)
    assert (figures.done, figures.planned) == (2, 3)
    assert (figures.at_risk, figures.km_planned) == (1, 12.3)


@pytest.mark.parametrize(("visit", "expected"), [
    # moved by re-planning two days in a row: a person must place it
    (row(VisitStatus.UNASSIGNED, assigned=False, moved=2), AlertKind.MOVED_REPEATEDLY),
    # moved once: the normal next-day rule (rules.md §5), no alert
    (row(VisitStatus.UNASSIGNED, assigned=False, moved=1), None),
    # an overridden call (rules.md §5) the last plan could not route
    (row(VisitStatus.UNASSIGNED, assigned=False, overridden=True,
         codes=("CANNOT_ARRIVE_IN_HOURS",)), AlertKind.OVERRIDE_UNROUTABLE),
    # an overridden call not planned yet is not an alert (no plan has tried)
    (row(VisitStatus.UNASSIGNED, assigned=False, overridden=True), None),
    # an overridden call on a route is fine
    (row(overridden=True, codes=()), None),
])
def test_alerts_for_repeated_moves_and_unroutable_overrides(visit, expected):
    found = alerts([visit])
    assert [a.kind for a in found] == ([expected] if expected else [])
