"""The one table of the steps a technician reports on a visit (rules.md §6)."""

import pytest

from dispatch.domain.visit_status import REPORTABLE, STARTED, VisitStatus, can_move, next_statuses

V = VisitStatus


@pytest.mark.parametrize(("start", "to", "allowed"), [
    (V.PLANNED, V.EN_ROUTE, True),  # leaves for the site
    (V.PLANNED, V.ARRIVED, True),  # forgot to tap "en route": arriving straight away is fine
    (V.EN_ROUTE, V.ARRIVED, True),  # reaches the site
    (V.ARRIVED, V.DONE, True),  # finishes the job
    (V.PLANNED, V.DONE, False),  # cannot finish a job never started
    (V.EN_ROUTE, V.DONE, False),  # must arrive before finishing
    (V.ARRIVED, V.EN_ROUTE, False),  # no going back
    (V.DONE, V.ARRIVED, False),  # a finished visit is final
    (V.EN_ROUTE, V.EN_ROUTE, False),  # repeating a step is a conflict, not a no-op
    (V.UNASSIGNED, V.EN_ROUTE, False),  # not on anyone's route yet
    (V.CANCELLED, V.ARRIVED, False),  # a cancelled visit stays cancelled
    (V.PLANNED, V.CANCELLED, False),  # cancelling belongs to the coordinator, not the tablet
])
def test_technician_moves_a_visit_only_along_the_table(start, to, allowed):
    assert can_move(start, to) is allowed


def test_stored_strings_work_as_well_as_members():
    assert can_move("planned", "en_route") and next_statuses("en_route") == (V.ARRIVED,)


def test_reportable_statuses_are_the_table_targets_in_order():
    assert REPORTABLE == (V.EN_ROUTE, V.ARRIVED, V.DONE)


def test_every_reported_status_starts_the_visit():
    # A technician's report always pins the visit (rules.md §6, not moved once started).
    assert set(REPORTABLE) <= STARTED
