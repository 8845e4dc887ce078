"""A visit's statuses and the one table of the steps its technician reports (rules.md §6).

Only the technician's own progress moves through this table (tablet buttons and
`PATCH /visits/{id}/status` alike). The planner places and drops visits (unassigned ↔
planned), a coordinator pins or moves one that has not started, signing the work report
closes it (done, rules.md §7), and a phone resolution or a termination cancels it
(rules.md §5, §8); those services state their own preconditions.
"""

from __future__ import annotations

from enum import StrEnum


class VisitStatus(StrEnum):
    """Where one onsite visit stands; the values are stored and sent by the API."""

    UNASSIGNED = "unassigned"
    PLANNED = "planned"
    EN_ROUTE = "en_route"
    ARRIVED = "arrived"
    DONE = "done"
    CANCELLED = "cancelled"


# A started visit stays where it is: later plans pin it, coordinators cannot move it (§6).
STARTED: frozenset[VisitStatus] = frozenset(
    {VisitStatus.EN_ROUTE, VisitStatus.ARRIVED, VisitStatus.DONE})

# from → the statuses the visit's technician may report next.
TRANSITIONS: dict[VisitStatus, tuple[VisitStatus, ...]] = {
    # Leaving for the site; "arrived" straight away when the technician forgot to tap.
    VisitStatus.PLANNED: (VisitStatus.EN_ROUTE, VisitStatus.ARRIVED),
    VisitStatus.EN_ROUTE: (VisitStatus.ARRIVED,),
    # Usually signing the work report closes the visit (§7); the tablet has a button too.
    VisitStatus.ARRIVED: (VisitStatus.DONE,),
}

# The statuses a technician can report at all (the API validates the request against these).
REPORTABLE: tuple[VisitStatus, ...] = tuple(
    dict.fromkeys(to for targets in TRANSITIONS.values() for to in targets))


def next_statuses(status: VisitStatus | str) -> tuple[VisitStatus, ...]:
    """The statuses the technician may report for a visit in `status` (none once done)."""
    return TRANSITIONS.get(VisitStatus(status), ())


def can_move(status: VisitStatus | str, to: VisitStatus | str) -> bool:
    """Tell whether the technician may move a visit from `status` to `to`."""
    return VisitStatus(to) in next_statuses(status)
