"""The same-day promise of a repair call (rules.md §5; seed: 終了時間から2時間30分前までに受付完了).

A call whose acceptance completes no later than 2 h 30 min before the end of that day's
support hours gets onsite service that day; later calls get the next support day. A call
received outside support hours counts as accepted at the next opening.

"No later than" is exact to the microsecond: with hours ending 17:30 the cutoff is
15:00:00, and 15:00:00.000001 is already after it.

Degenerate hours shorter than 2 h 30 min put the cutoff before the opening, so no call
can ever meet it: every call on such a day, even one held over from the night, goes to
the next support day with AFTER_CUTOFF. The rule is applied once, so this never loops.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dispatch.domain.codes import RuleCode
from dispatch.domain.support_hours import SupportHours, hours_on, next_opening, next_support_day

CUTOFF_LEAD = timedelta(hours=2, minutes=30)


@dataclass(frozen=True)
class Promise:
    """When a call counts as accepted, which day it is served, and the cutoff that applied."""

    accepted_at: datetime  # Asia/Tokyo
    service_date: date
    cutoff_at: datetime  # the cutoff of the acceptance day, Asia/Tokyo
    same_day: bool
    codes: tuple[RuleCode, ...] = ()


def cutoff_on(hours: SupportHours, d: date) -> datetime | None:
    """Return the same-day cutoff on `d` (end of hours minus 2:30), or None if closed."""
    window = hours_on(hours, d)
    return None if window is None else window[1] - CUTOFF_LEAD


def same_day_promise(hours: SupportHours, received_at: datetime) -> Promise:
    """Decide whether a call received at `received_at` is served the same day (§5)."""
    accepted_at = next_opening(hours, received_at)
    acceptance_day = accepted_at.date()
    cutoff_at = cutoff_on(hours, acceptance_day)
    assert cutoff_at is not None  # next_opening always lands inside a support day
    if accepted_at <= cutoff_at:
        return Promise(accepted_at, acceptance_day, cutoff_at, same_day=True)
    return Promise(
        accepted_at,
        next_support_day(hours, acceptance_day),
        cutoff_at,
        same_day=False,
        codes=(RuleCode.AFTER_CUTOFF,),
    )
