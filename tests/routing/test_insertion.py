"""Inserting one new call into a planned day (places on a line, 1 min per km)."""

from __future__ import annotations

from collections.abc import Sequence

from routing.insertion import Leg, improve_route, insert_visit, schedule
from routing.nodes import SolveOptions
from routing.planner import solve
from routing.problem import (
    DropReason,
    Location,
    Pin,
    RoutePlan,
    RoutingProblem,
    Technician,
    TimeWindow,
    TravelMatrix,
    Visit,
)

HOUR = 3600
OPTIONS = SolveOptions(time_limit_s=5, metaheuristic="GREEDY_DESCENT", parallel=False)


class LineTravel:
    def matrix(self, locations: Sequence[Location]) -> TravelMatrix:
        xs = [loc[1] for loc in locations]
        return TravelMatrix(
            durations=tuple(tuple(round(abs(a - b) * 60) for b in xs) for a in xs),
            distances=tuple(tuple(round(abs(a - b) * 1000) for b in xs) for a in xs),
        )


def tech(tid: str, base: float, **kw) -> Technician:
    return Technician(tid, (0.0, base), (0.0, base), 9 * HOUR, 18 * HOUR, **kw)


def visit(vid: str, km: float, start_h: float = 9, end_h: float = 18, **kw) -> Visit:
    window = TimeWindow(int(start_h * HOUR), int(end_h * HOUR))
    return Visit(vid, (0.0, km), (window,), 1800, **kw)


def planned(technicians, visits, pins=()):
    problem = RoutingProblem(tuple(technicians), tuple(visits), LineTravel(), tuple(pins))
    return problem, solve(problem, OPTIONS)


def ids(route) -> list[str]:
    return [s.visit_id for s in route.stops]


def test_new_visit_goes_between_its_neighbours_and_nothing_else_moves():
    morning, afternoon = visit("v5", 5, 9, 10), visit("v15", 15, 13, 18)
    problem, plan = planned([tech("a", 0), tech("b", 100)], [morning, afternoon,
                                                            visit("v95", 95)])
    new = insert_visit(problem, plan, visit("new", 10, 11, 12))
    assert ids(new.route_of("a")) == ["v5", "new", "v15"]
    # 10 km lies on the way from 5 to 15, so the detour costs nothing.
    assert new.objective == plan.objective
    assert new.route_of("b") == plan.route_of("b")
    assert new.status == "INSERTED"


def test_inserted_route_has_hand_computed_times():
    problem, plan = planned([tech("a", 0)], [])
    new = insert_visit(problem, plan, visit("new", 10, start_h=10))
    route = new.route_of("a")
    # Leave 09:50, arrive 10:00, serve 30 min, back at 10:40.
    assert (route.departure, route.stops[0].arrival, route.return_time) == (
        9 * HOUR + 3000, 10 * HOUR, 10 * HOUR + 2400)
    assert route.distance_m == 20_000


def test_new_visit_is_never_put_before_a_started_visit():
    started = Pin("v20", "a", position=0, start_time=9 * HOUR + 1200)
    problem, plan = planned([tech("a", 0)], [visit("v20", 20)], pins=[started])
    new = insert_visit(problem, plan, visit("new", 2))
    assert ids(new.route_of("a")) == ["v20", "new"]


def test_new_visit_that_fits_nowhere_is_dropped_with_no_capacity():
    problem, plan = planned([tech("a", 0)], [visit("busy", 10, 9, 9.2)])
    new = insert_visit(problem, plan, visit("new", -10, 9, 9.2))
    assert [(d.visit_id, d.reason) for d in new.dropped] == [("new", DropReason.NO_CAPACITY)]
    assert new.routes == plan.routes


def test_new_visit_out_of_reach_is_dropped_with_cannot_arrive_in_hours():
    problem, plan = planned([tech("a", 0)], [])
    new = insert_visit(problem, plan, visit("new", 700))
    assert new.dropped[0].reason == DropReason.CANNOT_ARRIVE_IN_HOURS


def test_new_visit_needing_unknown_skill_is_dropped_with_no_skilled_technician():
    problem, plan = planned([tech("a", 0, skills=frozenset({"B412"}))], [])
    new = insert_visit(problem, plan, visit("new", 1, skill="C911"))
    assert new.dropped[0].reason == DropReason.NO_SKILLED_TECHNICIAN


def test_insertion_respects_the_visit_cap():
    problem, plan = planned([tech("a", 0, max_visits=1), tech("b", 30)], [visit("v1", 1)])
    new = insert_visit(problem, plan, visit("new", 2))
    assert ids(new.route_of("b")) == ["new"]


def test_technician_added_after_planning_can_take_the_new_visit():
    problem, plan = planned([tech("a", 0)], [visit("v1", 1)])
    later = RoutingProblem((tech("a", 0), tech("late", 50)), problem.visits, LineTravel())
    new = insert_visit(later, plan, visit("new", 49))
    assert ids(new.route_of("late")) == ["new"]
    assert ids(new.route_of("a")) == ["v1"]


def test_improving_a_route_reorders_a_zigzag_day_into_a_straight_one():
    problem, _ = planned([tech("a", 0)], [visit("v1", 1), visit("v10", 10), visit("v20", 20)])
    zigzag = [problem.visits[1], problem.visits[0], problem.visits[2]]
    matrix = LineTravel().matrix([(0.0, 0), (0.0, 0), *(v.location for v in zigzag)])
    route = schedule(problem.technicians[0], [Leg(v, None) for v in zigzag],
                     matrix.durations, matrix.distances)
    plan = RoutePlan((route,), (), 0, "HAND_MADE", 0.0)
    assert route.distance_m == 58_000  # 0 -> 10 -> 1 -> 20 -> 0
    better = improve_route(problem, plan, "a", seconds=1.0)
    assert better.route_of("a").distance_m == 40_000
    assert sorted(ids(better.route_of("a"))) == ["v1", "v10", "v20"]


def test_insertion_with_improvement_never_drives_more_than_without():
    problem, plan = planned([tech("a", 0)], [visit(f"v{i}", 4 * i - 10) for i in range(6)])
    plain = insert_visit(problem, plan, visit("new", 3))
    polished = insert_visit(problem, plan, visit("new", 3), improve_seconds=0.5)
    assert polished.route_of("a").distance_m <= plain.route_of("a").distance_m
    assert "new" in ids(polished.route_of("a"))
