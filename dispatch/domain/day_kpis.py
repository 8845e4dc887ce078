"""The board's day figures and alerts, computed from the day's visits (rules.md §6).

Pure: the service hands in plain rows; nothing here reads the clock or the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from dispatch.domain.call_decision import Decision
from dispatch.domain.visit_status import VisitStatus

# A call moved to a later day this many times by re-planning needs a person (issue: an
# overridden island call slid from day to day and nobody was told).
MOVES_BEFORE_ALERT = 2


class AlertKind(StrEnum):
    MOVED_REPEATEDLY = "moved_repeatedly"
    OVERRIDE_UNROUTABLE = "override_unroutable"


@dataclass(frozen=True)
class VisitRow:
    visit_id: int
    call_id: int
    decision: Decision
    status: VisitStatus
    assigned: bool
    eta: datetime | None
    end_at: datetime | None
    hours_end: datetime | None  # the end of the pack's support hours that day
    overridden: bool = False  # phone-only turned onsite by a coordinator (rules.md §5)
    routing_codes: tuple[str, ...] = ()  # why the last plan could not route it
    times_moved: int = 0  # re-plans that moved its call to a later day


@dataclass(frozen=True)
class DayKpis:
    same_day_kept: int
    same_day_total: int
    done: int
    planned: int
    at_risk: int
    km_planned: float


@dataclass(frozen=True)
class Alert:
    kind: AlertKind
    visit_id: int
    call_id: int
    codes: tuple[str, ...]
    times_moved: int


def at_risk(row: VisitRow) -> bool:
    """An open visit whose arrival is after its support hours end."""
    if row.status in (VisitStatus.DONE, VisitStatus.CANCELLED) or not row.assigned:
        return False
    return row.eta is not None and row.hours_end is not None and row.eta > row.hours_end


def promise_kept(row: VisitRow) -> bool:
    """A same-day call is kept when its visit is done within the support hours."""
    if row.status != VisitStatus.DONE or row.end_at is None:
        return False
    return row.hours_end is None or row.end_at <= row.hours_end


def day_kpis(rows: list[VisitRow], metres_planned: float) -> DayKpis:
    same_day = [r for r in rows if r.decision == Decision.SAME_DAY]
    return DayKpis(
        same_day_kept=sum(promise_kept(r) for r in same_day),
        same_day_total=len(same_day),
        done=sum(r.status == VisitStatus.DONE for r in rows),
        planned=sum(r.assigned for r in rows),
        at_risk=sum(at_risk(r) for r in rows),
        km_planned=round(metres_planned / 1000, 1),
    )


def alerts(rows: list[VisitRow]) -> list[Alert]:
    """Visits a person must place by hand: moved by re-planning again and again, or
    overridden onsite but left unrouted by the plan."""
    out = []
    for r in rows:
        if r.times_moved >= MOVES_BEFORE_ALERT:
            out.append(Alert(AlertKind.MOVED_REPEATEDLY, r.visit_id, r.call_id, r.routing_codes,
                             r.times_moved))
        elif r.overridden and not r.assigned and r.routing_codes:
            out.append(Alert(AlertKind.OVERRIDE_UNROUTABLE, r.visit_id, r.call_id,
                             r.routing_codes, r.times_moved))
    return out
