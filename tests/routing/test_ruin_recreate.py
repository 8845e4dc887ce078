"""Ruin-and-recreate (routing.ruin_recreate) on node models small enough to check by hand,
and on random ones checked by an independent schedule replay."""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np
import pytest

from routing import ruin_recreate
from routing.hybrid import _improvable, construction_seconds, solve_nodes
from routing.nodes import NodeModel, NodeSolution, NodeSpec, SolveOptions, VehicleRoute, VehicleSpec
from routing.ruin_recreate import search
from routing.ruin_recreate.arrays import INF, empty_state, problem_arrays
from routing.ruin_recreate.schedule import latest_leave_with_break, load, ready_after_break


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
        end = t + service + model.time[here][vehicle.end] if stops else t
        vehicle_routes.append(VehicleRoute(tuple(stops), vehicle.earliest_start, end))
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
    """Independent check of the reported schedule: each service starts inside a window, no
    earlier than the previous service's end plus the drive (plus the break when it falls in
    between); the break starts inside its window, overlaps no service and is taken on a used
    route; shift, capacity, visit caps and allowed vehicles hold; every non-depot node is
    served once or dropped."""
    depots = model.depot_nodes()
    seen: list[int] = []
    for v, route in enumerate(solution.routes):
        vehicle = model.vehicles[v]
        nodes = [n for n, _ in route.stops]
        seen += nodes
        assert len(nodes) <= (vehicle.max_visits if vehicle.max_visits is not None else 10**9)
        load = sum(model.nodes[n].demand for n in nodes)
        assert load <= (vehicle.capacity if vehicle.capacity is not None else 10**18)
        if not nodes:
            continue
        assert len(route.breaks) == len(vehicle.breaks)
        lunches = []
        for (start, length), (early, late, duration) in zip(
            route.breaks, vehicle.breaks, strict=True
        ):
            assert early <= start <= late and length == duration
            lunches.append((start, start + length))
        free, here = route.start_time, vehicle.start
        assert free >= vehicle.earliest_start
        for node, begins in [*route.stops, (vehicle.end, route.end_time)]:
            spec = model.nodes[node]
            if spec.allowed_vehicles is not None:
                assert v in spec.allowed_vehicles, f"node {node} on vehicle {v}"
            taken = sum(b - a for a, b in lunches if free <= a and b <= begins)
            assert begins >= free + model.time[here][node] + taken, f"node {node} too early"
            if node != vehicle.end:
                windows = sorted(spec.windows) or [(0, 10**18)]  # no window: any time
                assert any(a <= begins <= b for a, b in windows), f"node {node} late"
                ends = begins + spec.service
                assert all(b <= begins or a >= ends for a, b in lunches), "lunch overlaps"
                free, here = ends, node
        assert route.end_time <= vehicle.latest_end
        assert all(route.start_time <= a and b <= route.end_time for a, b in lunches)
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


def random_model(
    rng: random.Random, n: int = 30, vehicles: int = 4, with_breaks: bool = False
) -> NodeModel:
    """Vehicles with their own start and end points and shifts (half of them with a
    30-minute break starting in [200, 260] if with_breaks), customers with one or two
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
@pytest.mark.parametrize("with_breaks", [False, True])
def test_random_models_from_nothing_stay_feasible(seed, with_breaks):
    # Every customer starts dropped; whatever gets inserted must replay feasibly.
    model = random_model(random.Random(seed), with_breaks=with_breaks)
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
@pytest.mark.parametrize("with_breaks", [False, True])
def test_random_models_never_get_worse_than_ortools(seed, with_breaks):
    model = random_model(random.Random(100 + seed), with_breaks=with_breaks)
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


def one_visit_with_lunch(window: tuple[int, int]) -> NodeModel:
    # Depot 0, customer 1 ten away with 10 of service; shift [0, 1000]; a 100-long lunch
    # starting in [0, 500].
    matrix = ((0, 10), (10, 0))
    nodes = (NodeSpec(), NodeSpec(windows=(window,), service=10, penalty=10**6))
    return NodeModel(matrix, matrix, nodes, (VehicleSpec(0, 0, 0, 1000, breaks=((0, 500, 100),)),))


@pytest.mark.parametrize(
    ("window", "leave", "served", "lunch", "back"),
    [
        # Open all day: serve at 10, lunch right after (20), back at 20 + 100 + 10.
        ((0, 1000), 0, 10, 20, 130),
        # Opens at 150: lunch while waiting for it (leave at 40, eat 40-140, drive, serve
        # at 150), back at 170, not after a lunch taken once the visit is done.
        ((150, 1000), 40, 150, 40, 170),
    ],
)
def test_lunch_goes_where_it_delays_nothing(window, leave, served, lunch, back):
    model = one_visit_with_lunch(window)
    start = solution_of(model, [[]], dropped=(1,))
    [route] = ruin_recreate.improve(model, start, 0.0, iterations=50).routes
    assert (route.start_time, route.stops, route.breaks, route.end_time) == (
        leave,
        ((1, served),),
        ((lunch, 100),),
        back,
    )


def test_long_visit_takes_lunch_first_or_is_dropped_when_the_day_is_too_short():
    # The lunch must start by 500 and the shift ends at 1000; a visit open only in
    # [400, 450] with 500 of service leaves no room for it: dropped.
    matrix = ((0, 10), (10, 0))
    nodes = (NodeSpec(), NodeSpec(windows=((400, 450),), service=500, penalty=10**6))
    vehicle = VehicleSpec(0, 0, 0, 1000, breaks=((0, 500, 100),))
    model = NodeModel(matrix, matrix, nodes, (vehicle,))
    start = solution_of(model, [[]], dropped=(1,))
    result = ruin_recreate.improve(model, start, 0.0, iterations=50)
    # Lunch before (0-100) then serve 400-900 and back 910: it fits after all.
    replay(model, result)
    assert result.dropped == ()
    tight = replace(model, vehicles=(replace(vehicle, latest_end=905),))
    assert ruin_recreate.improve(tight, start, 0.0, iterations=50).dropped == (1,)


def test_two_breaks_on_one_vehicle_are_left_to_ortools():
    model = line_model()
    one = replace(model.vehicles[0], breaks=((100, 200, 60),))
    two = replace(model.vehicles[0], breaks=((100, 200, 60), (300, 400, 15)))
    assert ruin_recreate.supports(replace(model, vehicles=(one, one)))
    assert not ruin_recreate.supports(replace(model, vehicles=(one, two)))
    assert not _improvable(replace(model, vehicles=(one, two)), SolveOptions())


def test_solver_hands_the_ortools_solution_and_the_rest_of_the_budget_over(monkeypatch):
    calls = []
    real = ruin_recreate.improve

    def spy(model, start, time_limit_s, seed=1, iterations=None):
        calls.append((start, time_limit_s, seed))
        return real(model, start, time_limit_s, seed=seed, iterations=iterations)

    # A solve improves only with kernels already loaded (a cold start runs OR-Tools alone,
    # issue 18): load them outside the budget, as a worker does when it starts.
    ruin_recreate.warm_up()
    monkeypatch.setattr(ruin_recreate, "improve", spy)
    model = line_model(8)
    solution = solve_nodes(model, SolveOptions(time_limit_s=1.0, parallel=False))
    replay(model, solution)
    assert solution.objective == 160
    [(start, budget, seed)] = calls
    assert start.config.startswith("PARALLEL_CHEAPEST_INSERTION+")
    # OR-Tools had a tenth of the budget; the rest went to ruin-and-recreate.
    assert 0.5 < budget < 0.95 and seed == 1


@pytest.mark.parametrize(
    ("left_out", "touched", "routed"),
    [
        # Ruined by this move: offered every route; it goes into vehicle 0's route.
        (False, (False, False), True),
        # Left out before, and no route changed: every route is as it was when it fitted
        # nowhere, so none is offered (not even the empty one).
        (True, (False, False), False),
        # Left out before, and this move changed vehicle 0's route: offered that one.
        (True, (True, False), True),
        # Left out before, and only the empty route changed: offered that one.
        (True, (False, True), True),
    ],
)
def test_a_node_left_out_is_offered_only_the_routes_a_move_changed(left_out, touched, routed):
    model = line_model()
    problem = problem_arrays(model)
    state = empty_state(len(model.nodes), len(model.vehicles), len(model.nodes) + 2)
    load(problem, state, model, [[1, 2], []])
    search.seed_rng(1)
    out = np.zeros(len(model.nodes), dtype=np.bool_)
    out[3] = left_out
    changed = np.array(touched, dtype=np.bool_)
    missing = search._recreate(problem, state, np.array([3]), changed, out)
    assert bool(state.route_of[3] >= 0) == routed
    assert missing == (0 if routed else model.nodes[3].penalty)


def test_the_first_move_offers_a_node_left_out_by_ortools_every_route():
    # OR-Tools left node 3 out although vehicle 1's empty route, the only one it may use,
    # can take it; the first move ruins only vehicle 0's route (the only used one) and must
    # still offer node 3 vehicle 1's.
    model = line_model()
    nodes = list(model.nodes)
    nodes[3] = replace(nodes[3], allowed_vehicles=(1,))
    model = replace(model, nodes=tuple(nodes))
    start = solution_of(model, [[1, 2, 4], []], dropped=(3,))
    for seed in range(1, 21):
        assert ruin_recreate.improve(model, start, 0.0, seed=seed, iterations=1).dropped == ()


@pytest.mark.parametrize(
    ("budget", "nodes", "seconds"),
    [
        # Solomon-sized at 10 s: a tenth of the budget (what the PyVRP comparison used).
        (10.0, 101, 1.0),
        # A national region at 0.5 s: 2.5 ms a node, 0.3 s, rather than 0.05 s.
        (0.5, 120, 0.3),
        # A large region at 0.5 s: at most 0.6 of the budget, leaving the rest to improve.
        (0.5, 250, 0.3),
        # A tiny budget: never under 0.05 s, OR-Tools' least useful run.
        (0.05, 5, 0.05),
    ],
)
def test_ortools_share_of_a_solve_grows_with_the_nodes_on_short_budgets(budget, nodes, seconds):
    assert construction_seconds(budget, nodes) == pytest.approx(seconds)


@pytest.mark.parametrize(
    ("leave", "travel", "ready"),
    [
        # Leave at 100, break window opens at 200: drive 30, wait, eat 200-260.
        (100, 30, 260),
        # Leave at 250 (window open): eat at once 250-310, then drive 30.
        (250, 30, 340),
        # Leave at 190 with a 30 drive: the break starts at 200 mid-drive; ready 190+30+60.
        (190, 30, 280),
        # Leave at 301, after the last allowed start (300): impossible.
        (301, 0, INF),
    ],
)
def test_ready_after_break(leave, travel, ready):
    # Break of 60 starting in [200, 300].
    assert ready_after_break(leave, travel, 200, 300, 60) == ready


@pytest.mark.parametrize(
    ("latest_next", "travel", "leave"),
    [
        # Service next by 400: leave by 400 - 60 - 30 = 310, but the break must start by
        # 300 and we take it at departure at the latest: 300.
        (400, 30, 300),
        # Next by 300: leave by 300 - 60 - 30 = 210.
        (300, 30, 210),
        # Next by 259: even a break at 200 ends at 260: no departure works.
        (259, 0, -INF),
    ],
)
def test_latest_leave_with_break(latest_next, travel, leave):
    assert latest_leave_with_break(latest_next, travel, 200, 300, 60) == leave


def test_warm_up_loads_every_kernel_a_solve_calls():
    # Issue 18: a worker warms the kernels when it starts; once it has, every solve runs
    # ruin-and-recreate (kernels_loaded() gates it), never OR-Tools alone.
    ruin_recreate.warm_up()
    assert ruin_recreate.kernels_loaded()
