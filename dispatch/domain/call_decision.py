"""The decision on a repair call: same day, next business day, phone only, not covered (§5).

Pure: coverage, the service area, the failure and the pack's support hours come in as
values; the call's decision, service date, applied cutoff and rule codes go out.

Order of the rules, first match wins:
1. not covered → not_covered, with the coverage codes; no date, no cutoff.
2. remote island / outside the service area, not overridden → phone_only; no date.
3. otherwise onsite: same_day unless one of OUTSIDE_SAME_DAY_AREA, PARTS_REQUIRED,
   AFTER_CUTOFF applies (all that apply are listed), then next_business_day, which is
   the pack's next support day after the acceptance day (its days, holidays, closed
   dates), not OXT's business calendar.

A coordinator's override of phone_only (§5, "may override with a reason") gives onsite
service on the next support day, never the same day: the site is by definition far from
every base (over sea or beyond every service radius), so it is at best outside the
same-day area, and travel has to be arranged. The original area code stays in the codes
so the record shows why the call was deferred; the service layer stores the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from dispatch.domain.codes import RuleCode
from dispatch.domain.cutoff import same_day_promise
from dispatch.domain.support_hours import SupportHours, next_support_day


class Decision(StrEnum):
    """The four decisions of rules.md §5; the values are part of the API."""

    SAME_DAY = "same_day"
    NEXT_BUSINESS_DAY = "next_business_day"
    PHONE_ONLY = "phone_only"
    NOT_COVERED = "not_covered"


# The decisions that send a technician (a visit waits for the planner, rules.md §6).
ONSITE: tuple[Decision, ...] = (Decision.SAME_DAY, Decision.NEXT_BUSINESS_DAY)


class Area(StrEnum):
    """Where the site lies relative to the service bases (§5)."""

    SAME_DAY_AREA = "same_day_area"
    OUTSIDE_SAME_DAY_AREA = "outside_same_day_area"
    OUTSIDE_SERVICE_AREA = "outside_service_area"
    REMOTE_ISLAND = "remote_island"


_AREA_CODES: dict[Area, RuleCode] = {
    Area.OUTSIDE_SAME_DAY_AREA: RuleCode.OUTSIDE_SAME_DAY_AREA,
    Area.OUTSIDE_SERVICE_AREA: RuleCode.OUTSIDE_SERVICE_AREA,
    Area.REMOTE_ISLAND: RuleCode.REMOTE_ISLAND,
}
# §5: "no onsite service in principle" for these areas.
PHONE_ONLY_AREAS: frozenset[Area] = frozenset({Area.OUTSIDE_SERVICE_AREA, Area.REMOTE_ISLAND})


@dataclass(frozen=True)
class CoverageVerdict:
    """Whether the device is covered at the call's time, with the coverage codes."""

    covered: bool
    codes: tuple[RuleCode, ...] = ()  # refusal reasons, or warnings when covered

    def __post_init__(self) -> None:
        if not self.covered and not self.codes:
            raise ValueError("an uncovered call needs at least one rule code saying why")


@dataclass(frozen=True)
class AreaVerdict:
    """The site's area and, for phone-only areas, a coordinator's override reason."""

    area: Area
    override_reason: str | None = None

    def __post_init__(self) -> None:
        if self.override_reason is None:
            return
        if not self.override_reason.strip():
            raise ValueError("a coordinator override needs a reason")
        if self.area not in PHONE_ONLY_AREAS:
            raise ValueError(f"only a phone-only area can be overridden, not {self.area}")

    @property
    def is_phone_only(self) -> bool:
        """Tell whether the call gets no onsite service (phone-only area, not overridden)."""
        return self.area in PHONE_ONLY_AREAS and self.override_reason is None


IN_SAME_DAY_AREA = AreaVerdict(Area.SAME_DAY_AREA)


@dataclass(frozen=True)
class CallDecision:
    """A call's decision with its service date, the cutoff that applied and rule codes."""

    decision: Decision
    service_date: date | None
    cutoff_at: datetime | None
    codes: tuple[RuleCode, ...] = ()


def decide_call(
    coverage: CoverageVerdict,
    area: AreaVerdict,
    parts_required: bool,
    hours: SupportHours,
    received_at: datetime,
) -> CallDecision:
    """Decide how a repair call received at `received_at` is served (rules.md §5)."""
    if not coverage.covered:
        return CallDecision(Decision.NOT_COVERED, None, None, coverage.codes)
    if area.is_phone_only:
        return CallDecision(
            Decision.PHONE_ONLY, None, None, (*coverage.codes, _AREA_CODES[area.area])
        )
    promise = same_day_promise(hours, received_at)
    deferrals: list[RuleCode] = []
    if area.area in _AREA_CODES:  # outside the same-day area, or an overridden phone-only
        deferrals.append(_AREA_CODES[area.area])
    if parts_required:
        deferrals.append(RuleCode.PARTS_REQUIRED)
    deferrals.extend(promise.codes)  # AFTER_CUTOFF
    codes = (*coverage.codes, *deferrals)
    if not deferrals:
        return CallDecision(Decision.SAME_DAY, promise.service_date, promise.cutoff_at, codes)
    # Whatever the reasons, the call is served on the next support day after acceptance.
    service_date = next_support_day(hours, promise.accepted_at.date())
    return CallDecision(Decision.NEXT_BUSINESS_DAY, service_date, promise.cutoff_at, codes)


def move_to_next_support_day(hours: SupportHours, service_date: date) -> date:
    """Return the support day after `service_date`, for CANNOT_ARRIVE_IN_HOURS (§5)."""
    return next_support_day(hours, service_date)


def defer_for_routing(decision: CallDecision, hours: SupportHours) -> CallDecision:
    """Move an onsite decision one support day later with CANNOT_ARRIVE_IN_HOURS (§5)."""
    # Routing decides this after the call was taken (§6); the cutoff that applied stays.
    if decision.service_date is None:
        raise ValueError(f"a {decision.decision} call has no onsite visit to move")
    codes = decision.codes
    if RuleCode.CANNOT_ARRIVE_IN_HOURS not in codes:
        codes = (*codes, RuleCode.CANNOT_ARRIVE_IN_HOURS)
    return replace(
        decision,
        decision=Decision.NEXT_BUSINESS_DAY,
        service_date=move_to_next_support_day(hours, decision.service_date),
        codes=codes,
    )
