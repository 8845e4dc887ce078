"""How a follow-up visit stands, in the words the customer portal uses (rules.md §7).

A site manager does not need the planner's six visit statuses: the date is set (scheduled),
a technician is on it (assigned), it took place (done), or it was called off (cancelled).
The arrival window is the one the visit-scheduled e-mail gives (rules.md §11), so the portal
and the mail never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from dispatch.domain.notices_text import arrival_window
from dispatch.domain.visit_status import VisitStatus


class FollowUpStage(StrEnum):
    """A follow-up visit as the customer sees it."""

    SCHEDULED = "scheduled"
    ASSIGNED = "assigned"
    DONE = "done"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class FollowUpState:
    stage: FollowUpStage
    window: tuple[datetime, datetime] | None  # the arrival window, once a route gives an ETA

    @property
    def is_upcoming(self) -> bool:
        """The visit is still to come (its window may not be known yet)."""
        return self.stage in (FollowUpStage.SCHEDULED, FollowUpStage.ASSIGNED)


_ON_A_ROUTE = frozenset({VisitStatus.PLANNED, VisitStatus.EN_ROUTE, VisitStatus.ARRIVED})


def follow_up_state(status: VisitStatus, technician_id: int | None,
                    eta: datetime | None) -> FollowUpState:
    """The stage of a follow-up visit and its arrival window when one is known."""
    if status is VisitStatus.DONE:
        return FollowUpState(FollowUpStage.DONE, None)
    if status is VisitStatus.CANCELLED:
        return FollowUpState(FollowUpStage.CANCELLED, None)
    if status in _ON_A_ROUTE and technician_id is not None:
        return FollowUpState(FollowUpStage.ASSIGNED,
                             arrival_window(eta) if eta is not None else None)
    # Unassigned, or dropped back off a route: the date stands, the technician does not yet.
    return FollowUpState(FollowUpStage.SCHEDULED, None)
