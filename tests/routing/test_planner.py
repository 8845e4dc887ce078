"""Planner behaviour on tiny worlds: places on a line, one minute of driving per kilometre."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from routing.nodes import SolveOptions
from routing.planner import solve
from routing.problem import (
    Break,
    DropReason,
    Location,
    Pin,
    Priority,
    RoutingProblem,
    Stop,
    Technician,
    TimeWindow,
    TravelMatrix,
    Visit,
)

HOUR = 3600


class LineTravel:
    """Location (0, x): x is kilometres along a road; 60 s and 1000 m per kilometre."""

    def matrix(self, locations: Sequence[Location]) -> TravelMatrix:
        xs = [loc[1] for loc in locations]
        return TravelMatrix(
            durations=tuple(tuple(round(abs(a - b) * 60) for b in xs) for a in xs),
            distances=tuple(tuple(round(abs(a - b) * 1000) for b in xs) for a in xs),
        )


def at(km: float) -> Location:
    """A place km kilometres along the line."""
    return (0.0, km)


def tech(tid: str = "t1", base: float = 0, skills=(), **kw) -> Technician:
    """A technician working 09:00-18:00 from a base on the line."""
    defaults = dict(shift_start=9 * HOUR, shift_end=18 * HOUR)
    defaults.update(kw)
    return Technician(tid, at(base), at(base), skills=frozenset(skills), **defaults)


def visit(vid: str, km: float, windows=((9, 18),), service_min: int = 30, **kw) -> Visit:
    """A visit km along the line, windows in whole hours, service in minutes."""
    tws = tuple(TimeWindow(int(a * HOUR), int(b * HOUR)) for a, b in windows)
    return Visit(vid, at(km), tws, service_min * 60, **kw)


@pytest.fixture
def fast() -> SolveOptions:
    """A small deterministic budget: plain descent stops at the first local optimum."""
    return SolveOptions(time_limit_s=5, metaheuristic="GREEDY_DESCENT", parallel=False)


def plan_of(technicians, visits, options, pins=(), previous=None):
    problem = RoutingProblem(tuple(technicians), tuple(visits), LineTravel(), tuple(pins))
    return solve(problem, options, previous)


def reasons(plan) -> dict[str, DropReason]:
    return {d.visit_id: d.reason for d in plan.dropped}


def test_single_visit_is_served_at_the_earliest_possible_time(fast):
    plan = plan_of([tech()], [visit("v1", 10)], fast)
    route = plan.route_of("t1")
    # Leave 09:00, drive 10 min, 30 min service, drive 10 min back.
    assert route.stops == (Stop("v1", 9 * HOUR + 600, 9 * HOUR + 600, 9 * HOUR + 2400),)
    assert (route.departure, route.return_time) == (9 * HOUR, 9 * HOUR + 3000)
    assert (route.distance_m, route.duration_s) == (20_000, 3000)
    assert plan.dropped == ()


def test_visit_needing_unknown_skill_is_dropped_with_no_skilled_technician(fast):
    plan = plan_of([tech(skills={"B412"})], [visit("v1", 1, skill="C911")], fast)
    assert reasons(plan) == {"v1": DropReason.NO_SKILLED_TECHNICIAN}


def test_visit_goes_only_to_a_technician_with_its_skill(fast):
    technicians = [tech("near", base=0), tech("far", base=50, skills={"C911"})]
    plan = plan_of(technicians, [visit("v1", 1, skill="C911")], fast)
    assert [s.visit_id for s in plan.route_of("far").stops] == ["v1"]
    assert plan.route_of("near").stops == ()


def test_visit_out_of_reach_within_hours_is_dropped_with_cannot_arrive_in_hours(fast):
    # 600 km is 10 hours away: no 09:00-18:00 shift can reach it and come back.
    plan = plan_of([tech()], [visit("v1", 600), visit("v2", 5)], fast)
    assert reasons(plan) == {"v1": DropReason.CANNOT_ARRIVE_IN_HOURS}


def test_visit_feasible_alone_but_not_with_the_rest_is_dropped_with_no_capacity(fast):
    # Both must start by 09:30 and take 30 min, at opposite ends: one technician does one.
    visits = [visit("east", 10, windows=((9, 9.5),)), visit("west", -12, windows=((9, 9.5),))]
    plan = plan_of([tech()], visits, fast)
    assert list(reasons(plan).values()) == [DropReason.NO_CAPACITY]
    assert len(plan.route_of("t1").stops) == 1


def test_same_day_promise_is_kept_over_a_cheaper_next_day_visit(fast):
    visits = [
        visit("next", 1, windows=((9, 9.5),)),
        visit("promise", -20, windows=((9, 9.5),), priority=Priority.SAME_DAY),
    ]
    plan = plan_of([tech()], visits, fast)
    assert [s.visit_id for s in plan.route_of("t1").stops] == ["promise"]
    assert reasons(plan) == {"next": DropReason.NO_CAPACITY}


def test_second_time_window_is_used_when_the_first_cannot_be_reached(fast):
    # 60 km = 1 h: the 09:00-09:30 window is missed, so service starts when 14:00-15:00 opens
    # (and the technician leaves at 13:00 rather than wait on site).
    plan = plan_of([tech()], [visit("v1", 60, windows=((9, 9.5), (14, 15)))], fast)
    route = plan.route_of("t1")
    assert (route.departure, route.stops[0].service_start) == (13 * HOUR, 14 * HOUR)


def test_service_starts_in_the_first_window_when_reachable(fast):
    plan = plan_of([tech()], [visit("v1", 6, windows=((9, 9.5), (14, 15)))], fast)
    assert plan.route_of("t1").stops[0].service_start == 9 * HOUR + 360


def test_service_does_not_overlap_the_lunch_break(fast):
    # Lunch 12:00-13:00 fixed; a 60 min service with window 11:30-13:00 must start at 13:00.
    lunch = Break(12 * HOUR, 12 * HOUR, HOUR)
    plan = plan_of([tech(lunch=lunch)], [visit("v1", 10, windows=((11.5, 13),),
                                               service_min=60)], fast)
    assert plan.route_of("t1").stops[0].service_start == 13 * HOUR


def test_lunch_taken_on_the_way_delays_the_arrival(fast):
    # Leave 11:55 at the earliest for a 13:00 start? No: service window 12:10-12:20 at 10 km.
    # Lunch must start 11:50-11:55 and lasts 15 min, so the technician eats, then drives.
    lunch = Break(11 * HOUR + 50 * 60, 11 * HOUR + 55 * 60, 15 * 60)
    v = Visit("v1", at(10), (TimeWindow(12 * HOUR + 600, 12 * HOUR + 1200),), 600)
    stop = plan_of([tech(lunch=lunch)], [v], fast).route_of("t1").stops[0]
    assert stop.service_start == 12 * HOUR + 600
    assert stop.arrival <= stop.service_start


def test_max_visits_caps_the_stops_of_a_technician(fast):
    visits = [visit(f"v{i}", i) for i in range(1, 4)]
    plan = plan_of([tech(max_visits=2)], visits, fast)
    assert len(plan.route_of("t1").stops) == 2
    assert list(reasons(plan).values()) == [DropReason.NO_CAPACITY]


def test_max_visits_spreads_visits_over_technicians(fast):
    visits = [visit(f"v{i}", i) for i in range(1, 5)]
    plan = plan_of([tech("a", max_visits=2), tech("b", max_visits=2)], visits, fast)
    assert sorted(len(r.stops) for r in plan.routes) == [2, 2]
    assert plan.dropped == ()


def test_pinned_visit_goes_to_its_technician_even_when_another_is_closer(fast):
    technicians = [tech("near", base=0), tech("far", base=40)]
    pins = [Pin("v1", "far")]
    plan = plan_of(technicians, [visit("v1", 1)], fast, pins=pins)
    assert [s.visit_id for s in plan.route_of("far").stops] == ["v1"]


def test_pinned_position_puts_the_visit_where_the_coordinator_said(fast):
    visits = [visit("a", 5), visit("b", 10), visit("c", 20)]
    plan = plan_of([tech()], visits, fast, pins=[Pin("c", "t1", position=0)])
    assert [s.visit_id for s in plan.route_of("t1").stops][0] == "c"


def test_pinned_start_time_is_kept(fast):
    pins = [Pin("v1", "t1", start_time=15 * HOUR)]
    plan = plan_of([tech()], [visit("v1", 10), visit("v2", 12)], fast, pins=pins)
    stops = {s.visit_id: s for s in plan.route_of("t1").stops}
    assert stops["v1"].service_start == 15 * HOUR
    assert plan.dropped == ()


def test_started_visit_stays_first_while_a_new_call_is_planned_around_it(fast):
    # The technician started v1 at 09:20 (outside its window, which no longer matters).
    started = [Pin("v1", "t1", position=0, start_time=9 * HOUR + 1200)]
    visits = [visit("v1", 10, windows=((10, 11),)), visit("new", 2, priority=Priority.SAME_DAY)]
    plan = plan_of([tech()], visits, fast, pins=started)
    stops = plan.route_of("t1").stops
    assert [s.visit_id for s in stops] == ["v1", "new"]
    assert stops[0].service_start == 9 * HOUR + 1200


def test_warm_start_from_previous_plan_plans_the_new_visit_too(fast):
    visits = [visit(f"v{i}", 3 * i) for i in range(1, 6)]
    first = plan_of([tech("a"), tech("b", base=20)], visits, fast)
    again = plan_of([tech("a"), tech("b", base=20)], [*visits, visit("new", 7)], fast,
                    previous=first)
    assert again.dropped == ()
    assert sum(len(r.stops) for r in again.routes) == 6


def test_warm_start_never_makes_the_plan_worse(fast):
    visits = [visit(f"v{i}", (-1) ** i * 2 * i) for i in range(1, 8)]
    first = plan_of([tech("a"), tech("b", base=5)], visits, fast)
    again = plan_of([tech("a"), tech("b", base=5)], visits, fast, previous=first.sequences())
    assert again.objective <= first.objective


def test_same_input_and_budget_give_the_same_plan():
    # Guided local search never stops by itself; the solution limit makes the budget exact.
    budget = SolveOptions(time_limit_s=30, solution_limit=40, parallel=False)
    visits = [visit(f"v{i}", (i * 7) % 23 - 11, windows=((9 + i % 3, 18),)) for i in range(12)]
    technicians = [tech("a"), tech("b", base=8), tech("c", base=-8)]
    one = plan_of(technicians, visits, budget)
    two = plan_of(technicians, visits, budget)
    assert one.routes == two.routes and one.objective == two.objective


def test_every_visit_is_either_routed_or_dropped_exactly_once(fast):
    visits = [visit(f"v{i}", i * 9 - 50, windows=((9 + i % 4, 10 + i % 4),)) for i in range(14)]
    plan = plan_of([tech("a", max_visits=4), tech("b", base=30)], visits, fast)
    routed = [s.visit_id for r in plan.routes for s in r.stops]
    dropped = [d.visit_id for d in plan.dropped]
    assert sorted(routed + dropped) == sorted(v.id for v in visits)


def test_plan_without_visits_has_one_empty_route_per_technician(fast):
    plan = plan_of([tech("a"), tech("b")], [], fast)
    assert [r.stops for r in plan.routes] == [(), ()]


def test_parallel_search_in_two_processes_returns_a_complete_plan():
    budget = SolveOptions(time_limit_s=10, solution_limit=20, parallel=True)
    visits = [visit(f"v{i}", i * 3 - 10) for i in range(8)]
    plan = plan_of([tech("a"), tech("b", base=10)], visits, budget)
    assert plan.dropped == ()
    assert sum(len(r.stops) for r in plan.routes) == 8
