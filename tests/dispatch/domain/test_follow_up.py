"""A follow-up visit's stage and arrival window as the portal shows them (rules.md §7)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dispatch.domain.follow_up import FollowUpStage, follow_up_state
from dispatch.domain.visit_status import VisitStatus

ETA = datetime(2026, 11, 27, 1, 40, tzinfo=UTC)  # 10:40 JST
WINDOW = (datetime(2026, 11, 27, 1, 30, tzinfo=UTC), datetime(2026, 11, 27, 3, 30, tzinfo=UTC))


@pytest.mark.parametrize(("status", "technician_id", "eta", "stage", "window"), [
    # just created by the signature: a date, no technician, no time
    (VisitStatus.UNASSIGNED, None, None, FollowUpStage.SCHEDULED, None),
    # dropped off a route keeps an old ETA: no window is promised without a technician
    (VisitStatus.UNASSIGNED, None, ETA, FollowUpStage.SCHEDULED, None),
    # on a technician's route with an ETA: the mail's two-hour window from the half hour
    (VisitStatus.PLANNED, 7, ETA, FollowUpStage.ASSIGNED, WINDOW),
    # assigned by hand without a time (board: "time set by the next plan")
    (VisitStatus.PLANNED, 7, None, FollowUpStage.ASSIGNED, None),
    # the technician is on the way
    (VisitStatus.EN_ROUTE, 7, ETA, FollowUpStage.ASSIGNED, WINDOW),
    # on site
    (VisitStatus.ARRIVED, 7, ETA, FollowUpStage.ASSIGNED, WINDOW),
    # its own report signed: done, no window any more
    (VisitStatus.DONE, 7, ETA, FollowUpStage.DONE, None),
    # the call was resolved by phone or the pack ended
    (VisitStatus.CANCELLED, None, None, FollowUpStage.CANCELLED, None),
])
def test_follow_up_stage_and_window(status, technician_id, eta, stage, window):
    state = follow_up_state(status, technician_id, eta)
    assert (state.stage, state.window) == (stage, window)
    assert state.is_upcoming == (stage in (FollowUpStage.SCHEDULED, FollowUpStage.ASSIGNED))
