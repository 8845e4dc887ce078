"""Capacity bound of an oversized day: which visits reach the solver, which are excess."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from routing.capacity import select_within_capacity, working_seconds
from routing.problem import (
    Break,
    Pin,
    Priority,
    RoutingProblem,
    Technician,
    TimeWindow,
    Visit,
)

HOUR = 3600
T0 = datetime(2026, 11, 26, 0, 0, tzinfo=UTC)


class NoTravel:
    """The selection must never ask for travel (that is the cost it avoids)."""

    def matrix(self, locations):
        raise AssertionError("travel asked for")


def tech(tid: str, hours: float = 4, skills=("A",), lunch: int = 0,
         max_visits: int | None = None) -> Technician:
    """A technician on a shift of `hours` from 09:00, lunch in minutes."""
    brk = Break(12 * HOUR, 13 * HOUR, lunch * 60) if lunch else None
    return Technician(tid, (35.0, 139.0), (35.0, 139.0), 9 * HOUR, 9 * HOUR + int(hours * HOUR),
                      frozenset(skills), brk, max_visits)


def visit(vid: str, minutes: int = 60, skill: str | None = "A", same_day: bool = False) -> Visit:
    priority = Priority.SAME_DAY if same_day else Priority.NEXT_DAY
    return Visit(vid, (35.1, 139.1), (TimeWindow(9 * HOUR, 17 * HOUR),), minutes * 60, skill,
                 priority)


def problem(techs, visits, pins=()) -> RoutingProblem:
    return RoutingProblem(tuple(techs), tuple(visits), NoTravel(), tuple(pins))


def received(*order: str) -> dict[str, datetime]:
    """Reception times: the first id was received first, a minute apart."""
    return {vid: T0 + timedelta(minutes=i) for i, vid in enumerate(order)}


@pytest.mark.parametrize(("techs", "visits", "pins", "order", "keep", "excess"), [
    # fits: 4 h of shift holds four 1-hour visits, nothing is cut
    ([tech("t")], [visit(f"v{i}") for i in range(4)], (), ("v0", "v1", "v2", "v3"), (), ()),
    # over: the fifth hour of work does not fit; the newest call is the excess
    ([tech("t")], [visit(f"v{i}") for i in range(5)], (), ("v0", "v1", "v2", "v3", "v4"), (),
     ("v4",)),
    # oldest received first, whatever the id order
    ([tech("t", hours=2)], [visit("a"), visit("b"), visit("c")], (), ("c", "a", "b"), (),
     ("b",)),
    # same-day promises go in before older next-day visits
    ([tech("t", hours=2)], [visit("old"), visit("new1", same_day=True),
                            visit("new2", same_day=True)], (), ("old", "new1", "new2"), (),
     ("old",)),
    # lunch is not working time: 3 h shift with 60 min lunch holds two 1-hour visits
    ([tech("t", hours=3, lunch=60)], [visit("a"), visit("b"), visit("c")], (),
     ("a", "b", "c"), (), ("c",)),
    # a visit cap binds before the hours do
    ([tech("t", hours=8, max_visits=2)], [visit("a"), visit("b"), visit("c")], (),
     ("a", "b", "c"), (), ("c",)),
    # capacity adds up over technicians
    ([tech("t1", hours=1), tech("t2", hours=1)], [visit("a"), visit("b"), visit("c")], (),
     ("a", "b", "c"), (), ("c",)),
    # skill B has only t2's hour: the second B visit is excess although t1 is idle
    ([tech("t1", hours=4, skills=("A",)), tech("t2", hours=1, skills=("B",))],
     [visit("b1", skill="B"), visit("b2", skill="B"), visit("a1")], (), ("b1", "b2", "a1"),
     (), ("b2",)),
    # a visit nobody may do is passed through: the planner gives it NO_SKILLED_TECHNICIAN
    ([tech("t", hours=1)], [visit("a"), visit("x", skill="X"), visit("b")], (),
     ("a", "x", "b"), (), ("b",)),
    # a started visit (pinned with a start time) always stays, even over the bound,
    # and uses the hours before any newer work
    ([tech("t", hours=1)], [visit("new", same_day=True), visit("done")],
     (Pin("done", "t", 0, 10 * HOUR),), ("done", "new"), (), ("new",)),
    # a coordinator's pin ranks before same-day promises, on its technician's hours
    ([tech("t1", hours=1), tech("t2", hours=1)],
     [visit("s1", same_day=True), visit("s2", same_day=True), visit("p")],
     (Pin("p", "t1"),), ("s1", "s2", "p"), (), ("s2",)),
    # `keep` (the routes already told during an insertion) is never cut
    ([tech("t", hours=1)], [visit("told"), visit("new", same_day=True)], (), ("told", "new"),
     ("told",), ("new",)),
    # a visit without a reception time ranks after those that have one
    ([tech("t", hours=1)], [visit("a"), visit("b")], (), ("b",), (), ("a",)),
])
def test_visits_are_admitted_by_priority_while_the_technicians_could_serve_them(
        techs, visits, pins, order, keep, excess):
    cut = select_within_capacity(problem(techs, visits, pins), received(*order), keep)
    assert cut.excess == excess
    assert [v.id for v in cut.problem.visits] == [v.id for v in visits if v.id not in excess]
    assert {p.visit_id for p in cut.problem.pins} == {p.visit_id for p in pins} - set(excess)


def test_fleet_bounds_are_reported():
    techs = [tech("t1", hours=9, lunch=45, max_visits=8), tech("t2", hours=2, max_visits=3)]
    cut = select_within_capacity(problem(techs, [visit("a")]), received("a"))
    assert (cut.seconds, cut.slots) == (int(8.25 * HOUR) + 2 * HOUR, 11)
    uncapped = select_within_capacity(problem([tech("t")], [visit("a")]), received("a"))
    assert uncapped.slots is None


def test_thousands_of_visits_for_six_technicians_keep_only_what_fits():
    techs = [tech(f"t{i}", hours=9, lunch=45) for i in range(6)]
    visits = [visit(f"v{i:05d}", same_day=i % 3 == 0) for i in range(6000)]
    cut = select_within_capacity(problem(techs, visits), received(*[v.id for v in visits]))
    # 6 × 8 h 15 min of work holds 49 one-hour visits; same-day ones come first.
    assert len(cut.problem.visits) == 49
    assert all(v.priority == Priority.SAME_DAY for v in cut.problem.visits)
    assert len(cut.excess) == 6000 - 49


def test_working_seconds_never_negative():
    assert working_seconds(tech("t", hours=0.5, lunch=45)) == 0
