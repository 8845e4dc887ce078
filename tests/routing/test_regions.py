"""National-scale decomposition: regions by base, merged, dropped visits repaired."""

from __future__ import annotations

from collections.abc import Sequence

from routing.nodes import SolveOptions
from routing.problem import (
    Location,
    RoutingProblem,
    Technician,
    TimeWindow,
    TravelMatrix,
    Visit,
)
from routing.regions import solve_by_region, split_by_base

HOUR = 3600
OPTIONS = SolveOptions(time_limit_s=5, metaheuristic="GREEDY_DESCENT")


class LineTravel:
    def matrix(self, locations: Sequence[Location]) -> TravelMatrix:
        xs = [loc[1] for loc in locations]
        return TravelMatrix(
            durations=tuple(tuple(round(abs(a - b) * 60) for b in xs) for a in xs),
            distances=tuple(tuple(round(abs(a - b) * 1000) for b in xs) for a in xs),
        )


def tech(tid: str, base: float, skills=()) -> Technician:
    return Technician(tid, (0.0, base), (0.0, base), 9 * HOUR, 18 * HOUR, frozenset(skills))


def visit(vid: str, x: float, skill: str | None = None) -> Visit:
    return Visit(vid, (0.0, x), (TimeWindow(9 * HOUR, 18 * HOUR),), 1800, skill=skill)


def world(visits) -> RoutingProblem:
    techs = (tech("w1", 0), tech("w2", 0), tech("e1", 1, skills={"C9"}))
    return RoutingProblem(techs, tuple(visits), LineTravel())


def test_visits_go_to_the_region_of_the_nearest_base():
    regions = split_by_base(world([visit("a", 0.1), visit("b", 0.9), visit("c", 0.4)]))
    assert [[t.id for t in r.technicians] for r in regions] == [["w1", "w2"], ["e1"]]
    assert [[v.id for v in r.visits] for r in regions] == [["a", "c"], ["b"]]


def test_regional_plans_merge_into_one_plan_in_technician_order():
    plan = solve_by_region(world([visit("a", 0.1), visit("b", 0.9)]), OPTIONS, workers=1)
    assert [r.technician_id for r in plan.routes] == ["w1", "w2", "e1"]
    assert plan.dropped == ()


def test_visit_whose_region_lacks_the_skill_is_given_to_a_skilled_neighbour():
    # Near the west base, but only the east technician (1 km further) has skill C9.
    plan = solve_by_region(world([visit("x", 0.05, skill="C9")]), OPTIONS, workers=1)
    assert [s.visit_id for s in plan.route_of("e1").stops] == ["x"]
    assert plan.dropped == ()


def test_regions_can_be_solved_in_parallel_processes():
    plan = solve_by_region(world([visit("a", 0.1), visit("b", 0.9)]), OPTIONS, workers=2)
    assert sum(len(r.stops) for r in plan.routes) == 2


def test_region_processes_load_the_solver_kernels_before_their_first_solve(monkeypatch):
    # Without them each region would run OR-Tools alone (a solve never loads them inside
    # its budget); benchmarks/dispatch_scenario.py measured exactly that for a while.
    from routing import regions
    from routing.ruin_recreate import kernels_loaded

    pools = []
    real = regions.ProcessPoolExecutor

    def recording(*args, **kwargs):
        pools.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(regions, "ProcessPoolExecutor", recording)
    solve_by_region(world([visit("a", 0.1), visit("b", 0.9)]), OPTIONS, workers=2)
    [kwargs] = pools
    with real(max_workers=1, mp_context=kwargs["mp_context"],
              initializer=kwargs["initializer"]) as pool:
        assert pool.submit(kernels_loaded).result() is True
