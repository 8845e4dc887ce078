"""Properties every plan must have, on small random days (hypothesis)."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from routing.insertion import insert_visit
from routing.nodes import SolveOptions
from routing.planner import solve
from routing.problem import (
    Break,
    Location,
    Priority,
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


windows = st.sampled_from([
    ((9, 18),), ((9, 12),), ((13, 17),), ((9, 10), (15, 16)), ((10, 10.5),),
])
visits = st.lists(
    st.tuples(st.integers(-120, 120), windows, st.sampled_from([15, 30, 60]),
              st.sampled_from([None, "A", "B"]), st.booleans()),
    min_size=0, max_size=12,
)
LUNCH = Break(12 * HOUR, 13 * HOUR, 45 * 60)
techs = st.lists(
    st.tuples(st.integers(-40, 40), st.sampled_from([frozenset(), frozenset({"A"})]),
              st.sampled_from([None, 2, 5]), st.sampled_from([None, LUNCH])),
    min_size=1, max_size=3,
)


def build(tech_rows, visit_rows) -> RoutingProblem:
    technicians = tuple(
        Technician(f"t{i}", (0.0, base), (0.0, base), 9 * HOUR, 18 * HOUR, skills,
                   lunch=lunch, max_visits=cap)
        for i, (base, skills, cap, lunch) in enumerate(tech_rows)
    )
    day = tuple(
        Visit(f"v{i}", (0.0, x), tuple(TimeWindow(int(a * HOUR), int(b * HOUR)) for a, b in ws),
              minutes * 60, skill, Priority.SAME_DAY if urgent else Priority.NEXT_DAY)
        for i, (x, ws, minutes, skill, urgent) in enumerate(visit_rows)
    )
    return RoutingProblem(technicians, day, LineTravel())


def assert_plan_is_sound(problem: RoutingProblem, plan) -> None:
    """Each visit once; windows, shifts, caps, skills, lunch and travel order respected."""
    routed = [s.visit_id for r in plan.routes for s in r.stops]
    dropped = [d.visit_id for d in plan.dropped]
    assert sorted(routed + dropped) == sorted(v.id for v in problem.visits)
    by_id = {v.id: v for v in problem.visits}
    for tech, route in zip(problem.technicians, plan.routes, strict=True):
        assert route.technician_id == tech.id
        if tech.max_visits is not None:
            assert len(route.stops) <= tech.max_visits
        if route.stops:
            assert tech.shift_start <= route.departure and route.return_time <= tech.shift_end
        for stop in route.stops:
            visit = by_id[stop.visit_id]
            assert any(w.start <= stop.service_start <= w.end for w in visit.windows)
            assert stop.arrival <= stop.service_start
            assert visit.skill is None or visit.skill in tech.skills
        for before, after in zip(route.stops, route.stops[1:], strict=False):
            assert before.service_end <= after.arrival
        if tech.lunch is not None and route.stops:
            start = route.lunch_start
            assert tech.lunch.earliest_start <= start <= tech.lunch.latest_start
            end = start + tech.lunch.duration
            assert all(s.service_end <= start or s.service_start >= end for s in route.stops)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(techs, visits)
def test_every_plan_routes_or_drops_each_visit_once_within_all_the_rules(tech_rows, visit_rows):
    problem = build(tech_rows, visit_rows)
    assert_plan_is_sound(problem, solve(problem, OPTIONS))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(techs, visits, st.integers(-60, 60), windows)
def test_inserting_a_new_visit_keeps_the_plan_sound(tech_rows, visit_rows, x, new_windows):
    problem = build(tech_rows, visit_rows)
    plan = solve(problem, OPTIONS)
    new = Visit("new", (0.0, x), tuple(TimeWindow(int(a * HOUR), int(b * HOUR))
                                        for a, b in new_windows), 1800)
    bigger = RoutingProblem(problem.technicians, (*problem.visits, new), problem.travel)
    assert_plan_is_sound(bigger, insert_visit(bigger, plan, new))
