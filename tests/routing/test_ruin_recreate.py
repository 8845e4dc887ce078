"""Ruin-and-recreate (routing.ruin_recreate) on node models small enough to check by hand,
and on random ones checked by an independent schedule replay."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from routing import ruin_recreate
from routing.nodes import NodeModel, NodeSolution, NodeSpec, SolveOptions, VehicleRoute, VehicleSpec
from routing.solver import _improvable, solve_nodes


def line_model(n: int = 4, **spec) -> NodeModel:
    """Depot 0 and customers 1..n at x = 1..n on a line; cost = time = |dx| * 10."""
    xs = [0, *range(1, n + 1)]
    matrix = tuple(tuple(abs(a - b) * 10 for b in xs) for a in xs)
    nodes = (NodeSpec(),) + tuple(NodeSpec(penalty=10**6, **spec) for _ in range(n))
    return NodeModel(matrix, matrix, nodes, (VehicleSpec(0, 0, 0, 10_000),) * 2)


def solution_of(model: NodeModel, routes, dropped=()) -> NodeSolution:
    """A NodeSolution with the given node lists, each stop served as early as it can be."""
    vehicle_routes = []
    for v, vehicle in enumerate(model.vehicles):
        nodes = routes[v] if v < len(routes) else ()
        t, here, service, stops = vehicle.earliest_start, vehicle.start, 0, []
        for node in nodes:
            arrive = t + service + model.time[here][node]
            t = min(
                max(a, arrive) for a, b in model.nodes[node].windows or [(0, 10**18)] if b >= arrive
            )
            here, service = node, model.nodes[node].service
            stops.append((node, t))
        vehicle_routes.append(VehicleRoute(tuple(stops), vehicle.earliest_start, t))
    objective = sum(
        route_cost(model, v, [n for n, _ in r.stops]) for v, r in enumerate(vehicle_routes)
    )
    objective += sum(model.nodes[n].penalty for n in dropped)
    return NodeSolution(tuple(vehicle_routes), tuple(dropped), objective, "test", 0.0)


def route_cost(model: NodeModel, v: int, nodes: list[int]) -> int:
    if not nodes:
        return 0
    vehicle = model.vehicles[v]
    path = [vehicle.start, *nodes, vehicle.end]
    return sum(model.cost[a][b] for a, b in zip(path, path[1:], strict=False))


def replay(model: NodeModel, solution: NodeSolution) -> None:
    """Independent check: every route can be driven within windows, shift, capacity, caps
    and allowed vehicles; reported service starts are at or after arrival, inside a window;
    every non-depot node is served once or dropped."""
    depots = model.depot_nodes()
    seen: list[int] = []
    for v, route in enumerate(solution.routes):
        vehicle = model.vehicles[v]
        nodes = [n for n, _ in route.stops]
        seen += nodes
        assert len(nodes) <= (vehicle.max_visits if vehicle.max_visits is not None else 10**9)
        load = sum(model.nodes[n].demand for n in nodes)
        assert load <= (vehicle.capacity if vehicle.capacity is not None else 10**18)
        t, here, service = vehicle.earliest_start, vehicle.start, 0
        for node, reported in route.stops:
            spec = model.nodes[node]
            if spec.allowed_vehicles is not None:
                assert v in spec.allowed_vehicles, f"node {node} on vehicle {v}"
            arrive = t + service + model.time[here][node]
            windows = sorted(spec.windows) or [(0, 10**18)]  # no window: any time
            starts = [max(a, arrive) for a, b in windows if b >= arrive]
            assert starts, f"node {node} reached at {arrive}, after its windows {spec.windows}"
            assert reported >= arrive and any(a <= reported <= b for a, b in windows)
            t, here, service = starts[0], node, spec.service
        if nodes:
            assert t + service + model.time[here][vehicle.end] <= vehicle.latest_end
    assert sorted(seen + list(solution.dropped)) == [
        n for n in range(len(model.nodes)) if n not in depots
    ]
    assert len(seen) == len(set(seen))


def test_zigzag_route_is_untangled_to_the_optimum():
    # 1..4 on a line, visited 3, 1, 4, 2: 30 + 20 + 30 + 20 + 20 = 120. The optimum goes
    # out to 4 and back: 80.
    model = line_model()
    start = solution_of(model, [[3, 1, 4, 2], []])
    result = ruin_recreate.improve(model, start, 0.0, iterations=2000)
    assert result.objective == 80
    replay(model, result)
    assert result.config.endswith("+ruin-recreate")


def test_an_optimal_start_is_returned_unchanged():
    model = line_model()
    start = solution_of(model, [[1, 2, 3, 4], []])
    assert ruin_recreate.improve(model, start, 0.0, iterations=500) is start


def test_dropped_optional_node_is_inserted_when_it_fits():
    model = line_model()
    start = solution_of(model, [[1, 2], []], dropped=(3, 4))
    result = ruin_recreate.improve(model, start, 0.0, iterations=500)
    assert result.dropped == ()
    assert result.objective == 80


def test_node_that_fits_nowhere_stays_dropped_with_its_penalty():
    # Node 4 must start by 5 but is 40 away from the depot: no route can serve it.
    model = line_model()
    nodes = list(model.nodes)
    nodes[4] = replace(nodes[4], windows=((0, 5),))
    model = replace(model, nodes=tuple(nodes))
    start = solution_of(model, [[], []], dropped=(1, 2, 3, 4))
    result = ruin_recreate.improve(model, start, 0.0, iterations=500)
    assert result.dropped == (4,)
    assert result.objective == 60 + 10**6


def test_second_window_is_used_when_the_first_cannot_be_reached():
    # Node 3 opens [0, 25] and [500, 600]; it is 30 from the depot, so only the second
    # window can be met: the route waits there, and the line's 80 is still the best cost.
    model = line_model()
    nodes = list(model.nodes)
    nodes[3] = replace(nodes[3], windows=((0, 25), (500, 600)))
    model = replace(model, nodes=tuple(nodes))
    start = solution_of(model, [[4], [3, 2, 1]])
    result = ruin_recreate.improve(model, start, 0.0, iterations=2000)
    replay(model, result)
    assert result.objective == 80
    served = {node: at for route in result.routes for node, at in route.stops}
    assert 500 <= served[3] <= 600


def test_allowed_vehicles_are_respected():
    # Node 2 may only go on vehicle 1; everything else would be cheapest on one route.
    model = line_model()
    nodes = list(model.nodes)
    nodes[2] = replace(nodes[2], allowed_vehicles=(1,))
    model = replace(model, nodes=tuple(nodes))
    start = solution_of(model, [[], [1, 2, 3, 4]])
    result = ruin_recreate.improve(model, start, 0.0, iterations=2000)
    replay(model, result)
    assert 2 in [n for n, _ in result.routes[1].stops]


def test_vehicle_with_a_pinned_position_keeps_its_route():
    # Node 1 is pinned to vehicle 0 at position 1: vehicle 0's route is frozen as given.
    model = line_model()
    nodes = list(model.nodes)
    nodes[1] = replace(nodes[1], allowed_vehicles=(0,), position=1)
    model = replace(model, nodes=tuple(nodes))
    start = solution_of(model, [[3, 1], [4, 2]])
    result = ruin_recreate.improve(model, start, 0.0, iterations=2000)
    assert [n for n, _ in result.routes[0].stops] == [3, 1]
    replay(model, result)


def test_same_seed_and_iterations_give_the_same_plan():
    model = random_model(random.Random(7))
    start = solution_of(model, [], dropped=tuple(range(len(model.vehicles) * 2, len(model.nodes))))
    a = ruin_recreate.improve(model, start, 0.0, seed=3, iterations=300)
    b = ruin_recreate.improve(model, start, 0.0, seed=3, iterations=300)
    assert a.routes == b.routes and a.objective == b.objective


def random_model(rng: random.Random, n: int = 30, vehicles: int = 4) -> NodeModel:
    """Vehicles with their own start and end points and shifts, customers with one or two
    windows, demands, some restricted to certain vehicles."""
    points = [(rng.uniform(0, 100), rng.uniform(0, 100)) for _ in range(2 * vehicles + n)]
    matrix = tuple(
        tuple(int(((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5) + 1 for b in points)
        for a in points
    )
    specs = [NodeSpec() for _ in range(2 * vehicles)]
    for _ in range(n):
        start = rng.randint(0, 400)
        windows = ((start, start + rng.randint(10, 120)),)
        if rng.random() < 0.3:
            later = windows[0][1] + rng.randint(20, 100)
            windows += ((later, later + rng.randint(10, 60)),)
        allowed = tuple(sorted(rng.sample(range(vehicles), 2))) if rng.random() < 0.2 else None
        specs.append(
            NodeSpec(
                windows=windows,
                service=rng.randint(0, 15),
                demand=rng.randint(1, 10),
                penalty=10**6,
                allowed_vehicles=allowed,
            )
        )
    fleet = tuple(
        VehicleSpec(
            2 * v,
            2 * v + 1,
            rng.randint(0, 50),
            rng.randint(450, 600),
            capacity=60,
            max_visits=rng.choice([None, 8, 12]),
        )
        for v in range(vehicles)
    )
    return NodeModel(matrix, matrix, tuple(specs), fleet)


@pytest.mark.parametrize("seed", range(12))
def test_random_models_from_nothing_stay_feasible(seed):
    # Every customer starts dropped; whatever gets inserted must replay feasibly.
    model = random_model(random.Random(seed))
    everyone = tuple(range(2 * len(model.vehicles), len(model.nodes)))
    start = solution_of(model, [], dropped=everyone)
    result = ruin_recreate.improve(model, start, 0.0, seed=seed, iterations=3000)
    replay(model, result)
    assert len(result.dropped) < len(everyone)
    assert result.objective == (
        sum(route_cost(model, v, [n for n, _ in r.stops]) for v, r in enumerate(result.routes))
        + sum(model.nodes[n].penalty for n in result.dropped)
    )


@pytest.mark.parametrize("seed", range(4))
def test_random_models_never_get_worse_than_ortools(seed):
    model = random_model(random.Random(100 + seed))
    ortools = solve_nodes(
        model, SolveOptions(time_limit_s=0.5, parallel=False, ruin_recreate=False)
    )
    result = ruin_recreate.improve(model, ortools, 0.0, seed=seed, iterations=3000)
    replay(model, result)
    assert result.objective <= ortools.objective


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # Plain model, time budget: improve.
        ({}, True),
        # A solution limit asks for OR-Tools' repeatable run.
        ({"solution_limit": 5}, False),
        # Soft windows may be late; ruin-and-recreate never is.
        ({"soft_window_cost": 10}, False),
        # Switched off by the caller.
        ({"ruin_recreate": False}, False),
    ],
)
def test_when_ruin_and_recreate_runs(change, expected):
    assert _improvable(line_model(), replace(SolveOptions(), **change)) is expected


def test_models_with_breaks_are_left_to_ortools():
    # Lunch breaks are not modelled by ruin-and-recreate.
    model = line_model()
    with_lunch = replace(model, vehicles=(replace(model.vehicles[0], breaks=((100, 200, 60),)),))
    assert ruin_recreate.supports(model)
    assert not ruin_recreate.supports(with_lunch)
    assert not _improvable(with_lunch, SolveOptions())


def test_solver_hands_the_ortools_solution_and_the_rest_of_the_budget_over(monkeypatch):
    calls = []
    real = ruin_recreate.improve

    def spy(model, start, time_limit_s, seed=1, iterations=None):
        calls.append((start, time_limit_s, seed))
        return real(model, start, time_limit_s, seed=seed, iterations=iterations)

    monkeypatch.setattr(ruin_recreate, "improve", spy)
    model = line_model(8)
    solution = solve_nodes(model, SolveOptions(time_limit_s=1.0, parallel=False))
    replay(model, solution)
    assert solution.objective == 160
    [(start, budget, seed)] = calls
    assert start.config.startswith("PARALLEL_CHEAPEST_INSERTION+")
    # OR-Tools had a tenth of the budget; the rest went to ruin-and-recreate.
    assert 0.5 < budget < 0.95 and seed == 1
