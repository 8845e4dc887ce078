"""A new call swapped into a full day (routing.swap): who gives way, and where they go.

Places on a line, 1 minute per km; every visit takes 30 minutes. A "tight" window is
09:00-09:12, so a technician can serve only one tight visit, and only one within 12 km.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from routing.insertion import Leg, schedule
from routing.problem import (
    DropReason,
    Location,
    Pin,
    Priority,
    RoutePlan,
    RoutingProblem,
    Technician,
    TimeWindow,
    TravelMatrix,
    Visit,
)
from routing.swap import gives_way, swap_visit

HOUR = 3600
SAME, NEXT = Priority.SAME_DAY, Priority.NEXT_DAY


class LineTravel:
    def matrix(self, locations: Sequence[Location]) -> TravelMatrix:
        xs = [loc[1] for loc in locations]
        return TravelMatrix(
            durations=tuple(tuple(round(abs(a - b) * 60) for b in xs) for a in xs),
            distances=tuple(tuple(round(abs(a - b) * 1000) for b in xs) for a in xs),
        )


def tech(tid: str, base: float) -> Technician:
    return Technician(tid, (0.0, base), (0.0, base), 9 * HOUR, 18 * HOUR)


def tight(vid: str, km: float, priority: Priority = NEXT) -> Visit:
    return Visit(vid, (0.0, km), (TimeWindow(9 * HOUR, 9 * HOUR + 720),), 1800,
                 priority=priority)


def day(routes: dict[Technician, list[Visit]], pins: Sequence[Pin] = ()) -> tuple[
        RoutingProblem, RoutePlan]:
    """The plan with exactly these routes, scheduled as routing.insertion would."""
    pinned = {p.visit_id: p for p in pins}
    built = []
    for t, stops in routes.items():
        locations = [t.start, t.end, *(v.location for v in stops)]
        matrix = LineTravel().matrix(locations)
        legs = [Leg(v, pinned[v.id].start_time if v.id in pinned else None) for v in stops]
        route = schedule(t, legs, matrix.durations, matrix.distances)
        assert route is not None, f"test day infeasible for {t.id}"
        built.append(route)
    visits = tuple(v for stops in routes.values() for v in stops)
    problem = RoutingProblem(tuple(routes), visits, LineTravel(), tuple(pins))
    return problem, RoutePlan(tuple(built), (), 0, "HAND_MADE", 0.0)


def stops(plan: RoutePlan, tid: str) -> list[str]:
    return [s.visit_id for s in plan.route_of(tid).stops]


@pytest.mark.parametrize(("new", "stop", "expected"), [
    (SAME, NEXT, True),    # a next-day visit gives way to a same-day promise
    (SAME, SAME, False),   # a same-day promise never gives way, not even to another
    (NEXT, NEXT, False),   # a next-day call does not push out another next-day visit
    (NEXT, SAME, False),   # nor a same-day one
])
def test_only_a_lower_priority_visit_gives_way(new, stop, expected):
    assert gives_way(new, stop) is expected


def test_the_displaced_next_day_visit_moves_to_a_technician_with_room():
    a, b = tech("a", 0), tech("b", 20)
    problem, plan = day({a: [tight("next", 10)], b: []})
    swap = swap_visit(problem, plan, tight("urgent", -10, SAME))
    assert swap is not None
    assert (swap.technician_id, swap.displaced, swap.relocated_to) == ("a", "next", "b")
    assert stops(swap.plan, "a") == ["urgent"] and stops(swap.plan, "b") == ["next"]
    assert swap.plan.dropped == () and swap.plan.status == "SWAPPED"


def test_a_displaced_visit_nobody_can_take_is_dropped_with_no_capacity():
    a, far = tech("a", 0), tech("far", 100)
    problem, plan = day({a: [tight("next", 10)], far: []})
    swap = swap_visit(problem, plan, tight("urgent", -10, SAME))
    assert swap is not None and swap.relocated_to is None
    assert stops(swap.plan, "a") == ["urgent"]
    assert [(d.visit_id, d.reason) for d in swap.plan.dropped] == [
        ("next", DropReason.NO_CAPACITY)]


def test_a_swap_that_re_homes_its_visit_beats_a_cheaper_one_that_drops_it():
    # Swapping at "a" saves 8 minutes of driving, at "b" it adds 16; but only b's next-day
    # visit can go elsewhere (c reaches -18 in 7 minutes, -10 only in 15: too late).
    a, b, c = tech("a", 0), tech("b", -16), tech("c", -25)
    problem, plan = day({a: [tight("next-a", -10)], b: [tight("next-b", -18)], c: []})
    swap = swap_visit(problem, plan, tight("urgent", -6, SAME))
    assert swap is not None
    assert (swap.technician_id, swap.displaced, swap.relocated_to) == ("b", "next-b", "c")
    assert stops(swap.plan, "a") == ["next-a"]


@pytest.mark.parametrize(("case", "stop", "pins", "new"), [
    # a same-day promise on the route: nothing of lower priority to give way
    ("same-day stop", tight("promise", 10, SAME), (), tight("urgent", -10, SAME)),
    # a next-day call never pushes out a next-day visit
    ("next-day call", tight("next", 10), (), tight("late", -10, NEXT)),
    # the coordinator pinned the visit to this technician
    ("pinned", tight("next", 10), (Pin("next", "a"),), tight("urgent", -10, SAME)),
    # the technician is already there (started visits are pinned in place and time)
    ("started", tight("next", 10), (Pin("next", "a", 0, 9 * HOUR + 600),),
     tight("urgent", -10, SAME)),
])
def test_no_swap_when_nothing_on_the_route_may_give_way(case, stop, pins, new):
    problem, plan = day({tech("a", 0): [stop]}, pins)
    assert swap_visit(problem, plan, new) is None, case


def test_no_swap_for_a_call_no_technician_is_skilled_for():
    problem, plan = day({tech("a", 0): [tight("next", 10)]})
    unknown = Visit("urgent", (0.0, -10), (TimeWindow(9 * HOUR, 18 * HOUR),), 1800,
                    skill="C911", priority=SAME)
    assert swap_visit(problem, plan, unknown) is None


def test_other_routes_keep_their_stops_and_times():
    a, b, c = tech("a", 0), tech("b", 20), tech("c", 200)
    problem, plan = day({a: [tight("next", 10)], b: [], c: [tight("far", 205)]})
    swap = swap_visit(problem, plan, tight("urgent", -10, SAME))
    assert swap is not None and swap.plan.route_of("c") == plan.route_of("c")
