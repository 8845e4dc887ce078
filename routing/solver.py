"""OR-Tools vehicle routing over a NodeModel. The only module that imports ortools.

The steps follow OR-Tools' own order: manager and model, transit callbacks and arc cost,
dimensions with windows, breaks, capacities, per-node rules, disjunctions, search
parameters, (warm) solve, extraction. Which searches run, and for how long, is
routing.hybrid's.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

from ortools.constraint_solver import pywrapcp, routing_enums_pb2
from ortools.util import optional_boolean_pb2

from routing.nodes import NodeModel, NodeSolution, SolveOptions, VehicleRoute

# OR-Tools ships .pyi files but no py.typed marker, so mypy sees its objects as Any; these
# names only say which OR-Tools object a parameter holds.
Manager = Any  # pywrapcp.RoutingIndexManager
Routing = Any  # pywrapcp.RoutingModel
Dimension = Any  # pywrapcp.RoutingDimension
Assignment = Any  # pywrapcp.Assignment
SearchParameters = Any  # routing_parameters_pb2.RoutingSearchParameters
# A multi-start entry: first solution strategy and extra search parameters.
Start = tuple[str, tuple[tuple[str, object], ...]]


def better(mine: NodeSolution, theirs: NodeSolution) -> NodeSolution:
    """The better of two solutions: never a late one, then fewer dropped nodes, then the
    lower objective; on a tie, `mine`."""
    return min((mine, theirs), key=lambda s: (s.late > 0, len(s.dropped), s.objective))


# Multi-start. On tight-window VRPTW GLS reaches at 2.5 s (100 customers) within ~0.5 % of
# what it reaches at 10 s: it stalls in the basin of its first solution, and which first
# solution leads to the best basin varies by instance (savings builds more, shorter routes
# and wins on R2; cheapest insertion wins on C1). On wide windows (R2, RC2, x04/x08) it keeps
# improving for longer. So a process runs several differently started searches, each long
# enough for the wide-window case, and keeps the best.
# Seconds per node one start gets; the number of starts is the budget over that, rounded.
# 100 customers at 10 s: 2 starts per process; 200 customers: 1. 0.025 (4 + 3 starts on
# 100 customers) was 1.4 % worse on 8 Solomon instances (R112 −6.6 %, R203 −2.3 %, RC208
# −2.2 %, none better) and even on 8 Homberger ones (within noise); 0.016 was worse still.
_START_SECONDS_PER_NODE = 0.045
# Each process's starts after its first (options.first_solution in this process, its
# alternative in the helper): (first solution strategy, extra search parameters).
MAIN_STARTS: tuple[Start, ...] = (
    ("LOCAL_CHEAPEST_INSERTION", ()),
    ("SAVINGS", (("savings_arc_coefficient", 2.0),)),
    ("PARALLEL_CHEAPEST_INSERTION", (("cheapest_insertion_farthest_seeds_ratio", 0.1),)),
)
HELPER_STARTS: tuple[Start, ...] = (
    ("SAVINGS", (("savings_arc_coefficient", 1.5),)),
    ("SAVINGS", (("savings_arc_coefficient", 0.8),)),
    ("LOCAL_CHEAPEST_INSERTION", ()),
)


def solve_starts(
    model: NodeModel, options: SolveOptions, others: tuple[Start, ...]
) -> NodeSolution:
    """options' own start, then `others`, splitting the budget evenly; the best one wins.

    Only without a warm start and without a solution limit (both keep one search: the
    warm start is the point of re-planning, and the solution limit makes runs repeatable).
    """
    started = time.monotonic()
    per_start = _START_SECONDS_PER_NODE * len(model.nodes)
    count = min(1 + len(others), max(1, round(options.time_limit_s / per_start)))
    if count == 1 or model.initial_routes is not None or options.solution_limit is not None:
        return solve_once(model, options)
    own: Start = (options.first_solution, ())
    starts = [own, *others][:count]
    best: NodeSolution | None = None
    for k, (first_solution, tweaks) in enumerate(starts):
        remaining = options.time_limit_s - (time.monotonic() - started)
        budget = remaining / (count - k)
        variant = replace(
            options,
            first_solution=first_solution,
            tweaks=(*options.tweaks, *tweaks),
            time_limit_s=max(0.1, budget),
        )
        result = solve_once(model, variant)
        best = result if best is None else better(best, result)
    assert best is not None  # count >= 2 starts ran
    return best


# The helper starts elsewhere: on Solomon/Homberger at 10 s, savings-started GLS wins on
# several R/RC instances where cheapest-insertion-started GLS wins on the others.
ALTERNATIVE_FIRST_SOLUTION = {
    "PARALLEL_CHEAPEST_INSERTION": "SAVINGS",
    "SAVINGS": "PARALLEL_CHEAPEST_INSERTION",
}


def solve_once(model: NodeModel, options: SolveOptions) -> NodeSolution:
    started = time.monotonic()
    # 1. Index manager and routing model: one start and one end node per vehicle.
    manager = pywrapcp.RoutingIndexManager(
        len(model.nodes),
        len(model.vehicles),
        [v.start for v in model.vehicles],
        [v.end for v in model.vehicles],
    )
    routing = pywrapcp.RoutingModel(manager)
    depots = model.depot_nodes()

    # 2. Arc cost from the cost matrix (registered as a matrix: evaluated in C++, not Python).
    cost_cb = routing.RegisterTransitMatrix([list(row) for row in model.cost])
    routing.SetArcCostEvaluatorOfAllVehicles(cost_cb)

    # 3. "Time" dimension: transit = service at the from-node + travel; slack = waiting.
    horizon = model.horizon()
    time_rows = [
        [t + model.nodes[i].service for t in row] for i, row in enumerate(model.time)
    ]
    time_cb = routing.RegisterTransitMatrix(time_rows)
    routing.AddDimension(time_cb, horizon, horizon, False, "Time")
    time_dim = routing.GetDimensionOrDie("Time")

    # 4. Time windows: service starts inside one of the node's windows; gaps are removed.
    for node, spec in enumerate(model.nodes):
        if node in depots or not spec.windows:
            continue
        cumul = time_dim.CumulVar(manager.NodeToIndex(node))
        windows = sorted(spec.windows)
        last_end = max(w[1] for w in windows)
        if options.soft_window_cost is None:
            cumul.SetRange(windows[0][0], last_end)
        else:
            cumul.SetRange(windows[0][0], horizon)
            time_dim.SetCumulVarSoftUpperBound(
                manager.NodeToIndex(node), last_end, options.soft_window_cost
            )
        for (_, gap_start), (gap_end, _) in zip(windows, windows[1:], strict=False):
            if gap_end - gap_start > 1:
                cumul.RemoveInterval(gap_start + 1, gap_end - 1)
    for v, vehicle in enumerate(model.vehicles):
        time_dim.CumulVar(routing.Start(v)).SetRange(vehicle.earliest_start, vehicle.latest_end)
        time_dim.CumulVar(routing.End(v)).SetRange(vehicle.earliest_start, vehicle.latest_end)

    # 5. Breaks (lunch): intervals that may not overlap a service, may overlap travel.
    break_vars = _add_breaks(model, manager, routing, time_dim)

    # 6. Capacity (load) and visit-count dimensions, only when the model uses them.
    _add_capacity(model, routing)
    visits_dim = _add_visit_count(model, routing, depots)

    # 7. Per-node rules: allowed vehicles (skills, pins), pinned position and start time.
    for node, spec in enumerate(model.nodes):
        if node in depots:
            continue
        index = manager.NodeToIndex(node)
        if spec.allowed_vehicles is not None:
            routing.SetAllowedVehiclesForIndex(list(spec.allowed_vehicles), index)
        if spec.position is not None and visits_dim is not None:
            # The visit-count cumul at a node is the number of visits before it.
            visits_dim.CumulVar(index).SetValue(spec.position)
        if spec.start_time is not None:
            time_dim.CumulVar(index).SetValue(spec.start_time)

    # 8. Disjunctions: an optional node may be dropped at its penalty, so a plan always exists.
    for node, spec in enumerate(model.nodes):
        if node not in depots and spec.penalty is not None:
            routing.AddDisjunction([manager.NodeToIndex(node)], spec.penalty)

    # 9. Finalizers (applied in this order): serve as early as possible, then leave as late
    # and return as early as that allows, so reported times are tight, not arbitrary.
    if model.tight_times:
        _add_time_finalizers(model, manager, routing, time_dim, depots)

    # 10. Search parameters: first solution, metaheuristic and budget.
    params = _search_parameters(options)

    # 11. Solve, from the previous plan when one is given (in-day re-planning).
    solution = _solve(model, manager, routing, params)

    # 12. Extract plain data.
    return _extract(model, manager, routing, time_dim, break_vars, solution, options, started)


def _add_time_finalizers(
    model: NodeModel, manager: Manager, routing: Routing, time_dim: Dimension, depots: set[int]
) -> None:
    for node in range(len(model.nodes)):
        if node not in depots:
            routing.AddVariableMinimizedByFinalizer(
                time_dim.CumulVar(manager.NodeToIndex(node))
            )
    for v in range(len(model.vehicles)):
        routing.AddVariableMaximizedByFinalizer(time_dim.CumulVar(routing.Start(v)))
        routing.AddVariableMinimizedByFinalizer(time_dim.CumulVar(routing.End(v)))


def _add_breaks(
    model: NodeModel, manager: Manager, routing: Routing, time_dim: Dimension
) -> dict[int, list[Any]]:
    """Fixed-duration break intervals per vehicle; services may not overlap them."""
    if not any(v.breaks for v in model.vehicles):
        return {}
    service_by_index = [
        model.nodes[manager.IndexToNode(i)].service for i in range(routing.Size())
    ]
    solver = routing.solver()
    result: dict[int, list[Any]] = {}  # pywrapcp.IntervalVar per break
    for v, vehicle in enumerate(model.vehicles):
        intervals = [
            solver.FixedDurationIntervalVar(early, late, duration, False, f"break {v} {k}")
            for k, (early, late, duration) in enumerate(vehicle.breaks)
        ]
        if intervals:
            time_dim.SetBreakIntervalsOfVehicle(intervals, v, service_by_index)
            result[v] = intervals
    return result


def _add_capacity(model: NodeModel, routing: Routing) -> None:
    if not any(spec.demand for spec in model.nodes):
        return
    demand_cb = routing.RegisterUnaryTransitVector([spec.demand for spec in model.nodes])
    caps = [v.capacity if v.capacity is not None else 2**40 for v in model.vehicles]
    routing.AddDimensionWithVehicleCapacity(demand_cb, 0, caps, True, "Load")


def _add_visit_count(model: NodeModel, routing: Routing, depots: set[int]) -> Dimension | None:
    """Count dimension: one per visit, capped by max_visits; also used for pinned positions."""
    uses_positions = any(spec.position is not None for spec in model.nodes)
    if not uses_positions and all(v.max_visits is None for v in model.vehicles):
        return None
    ones = [0 if node in depots else 1 for node in range(len(model.nodes))]
    count_cb = routing.RegisterUnaryTransitVector(ones)
    caps = [v.max_visits if v.max_visits is not None else len(ones) for v in model.vehicles]
    routing.AddDimensionWithVehicleCapacity(count_cb, 0, caps, True, "Visits")
    return routing.GetDimensionOrDie("Visits")


def _search_parameters(options: SolveOptions) -> SearchParameters:
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = getattr(
        routing_enums_pb2.FirstSolutionStrategy, options.first_solution
    )
    params.local_search_metaheuristic = getattr(
        routing_enums_pb2.LocalSearchMetaheuristic, options.metaheuristic
    )
    params.guided_local_search_lambda_coefficient = options.gls_lambda
    params.time_limit.FromMilliseconds(max(1, int(options.time_limit_s * 1000)))
    if options.solution_limit is not None:
        params.solution_limit = options.solution_limit
    for dotted, value in options.tweaks:
        *path, name = dotted.split(".")
        holder = params
        for part in path:
            holder = getattr(holder, part)
        field = holder.DESCRIPTOR.fields_by_name[name]
        if isinstance(value, bool) and field.enum_type is not None:
            # Operator switches are OptionalBoolean enums, not Python bools.
            value = optional_boolean_pb2.BOOL_TRUE if value else optional_boolean_pb2.BOOL_FALSE
        setattr(holder, name, value)
    return params


def _solve(
    model: NodeModel, manager: Manager, routing: Routing, params: SearchParameters
) -> Assignment | None:
    if model.initial_routes is None:
        return routing.SolveWithParameters(params)
    routing.CloseModelWithParameters(params)
    routes = [[manager.NodeToIndex(n) for n in route] for route in model.initial_routes]
    initial = routing.ReadAssignmentFromRoutes(routes, True)
    if initial is None:
        # The old routes no longer fit (e.g. a pin changed): plan from scratch.
        return routing.SolveWithParameters(params)
    return routing.SolveFromAssignmentWithParameters(initial, params)


def _extract(
    model: NodeModel,
    manager: Manager,
    routing: Routing,
    time_dim: Dimension,
    break_vars: dict[int, list[Any]],
    solution: Assignment | None,
    options: SolveOptions,
    started: float,
) -> NodeSolution:
    status = routing_enums_pb2.RoutingSearchStatus.Value.Name(routing.status())
    config = f"{options.first_solution}+{options.metaheuristic}"
    if options.soft_window_cost is not None:
        config += f"+soft{options.soft_window_cost}"
    config += "".join(f"+{name.rsplit('.', 1)[-1]}={value}" for name, value in options.tweaks)
    if solution is None:
        everything = tuple(n for n in range(len(model.nodes)) if n not in model.depot_nodes())
        empty = tuple(VehicleRoute((), v.earliest_start, v.earliest_start) for v in model.vehicles)
        return NodeSolution(empty, everything, 0, status, time.monotonic() - started, config)
    routes = []
    served: set[int] = set()
    late = 0
    for v in range(len(model.vehicles)):
        index = solution.Value(routing.NextVar(routing.Start(v)))
        stops = []
        while not routing.IsEnd(index):
            node = manager.IndexToNode(index)
            stops.append((node, solution.Value(time_dim.CumulVar(index))))
            windows = model.nodes[node].windows
            if windows and stops[-1][1] > max(w[1] for w in windows):
                late += 1
            served.add(node)
            index = solution.Value(routing.NextVar(index))
        start_time = solution.Value(time_dim.CumulVar(routing.Start(v)))
        end_time = solution.Value(time_dim.CumulVar(routing.End(v)))
        breaks = tuple(
            (solution.StartValue(b), solution.DurationValue(b)) for b in break_vars.get(v, [])
        )
        routes.append(VehicleRoute(tuple(stops), start_time, end_time, breaks))
    depots = model.depot_nodes()
    dropped = tuple(n for n in range(len(model.nodes)) if n not in depots and n not in served)
    return NodeSolution(
        tuple(routes),
        dropped,
        solution.ObjectiveValue(),
        status,
        time.monotonic() - started,
        config,
        late,
    )
