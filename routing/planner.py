"""Plan a day: RoutingProblem → RoutePlan, with a reason for every dropped visit.

Visits that no technician could do even alone are dropped before solving
(NO_SKILLED_TECHNICIAN, CANNOT_ARRIVE_IN_HOURS); visits the solver leaves out are
NO_CAPACITY (feasible alone, not together with the rest).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from routing.nodes import NodeModel, NodeSolution, NodeSpec, SolveOptions, VehicleSpec
from routing.problem import (
    DroppedVisit,
    DropReason,
    Pin,
    Priority,
    Route,
    RoutePlan,
    RoutingProblem,
    Stop,
    Technician,
    TravelMatrix,
    Visit,
)

# Penalties are in the cost unit (travel seconds). Any serving detour is cheaper than a
# drop; a same-day promise outranks any number of next-day visits a technician could do.
PENALTY = {Priority.NEXT_DAY: 10**6, Priority.SAME_DAY: 10**9}
# Pinned visits (started, done or placed by a coordinator) are dropped only if impossible.
PINNED_PENALTY = 10**12


@dataclass(frozen=True)
class _Layout:
    """Node numbering: technician v has start node 2v and end node 2v+1, then the visits."""

    technicians: tuple[Technician, ...]
    visits: tuple[Visit, ...]
    travel: TravelMatrix

    def visit_node(self, k: int) -> int:
        return 2 * len(self.technicians) + k

    def seconds(self, a: int, b: int) -> int:
        return self.travel.durations[a][b]


def build_layout(problem: RoutingProblem, visits: Sequence[Visit]) -> _Layout:
    """Ask the travel source once for every location of the model."""
    locations = [loc for t in problem.technicians for loc in (t.start, t.end)]
    locations += [v.location for v in visits]
    return _Layout(problem.technicians, tuple(visits), problem.travel.matrix(locations))


def allowed_technicians(
    visit: Visit, technicians: Sequence[Technician], pin: Pin | None
) -> list[int]:
    """Indices of technicians who may do the visit (a pin overrides skills: a human chose)."""
    if pin is not None:
        return [v for v, t in enumerate(technicians) if t.id == pin.technician_id]
    return [v for v, t in enumerate(technicians) if visit.skill is None or visit.skill in t.skills]


def can_do_alone(layout: _Layout, tech_index: int, k: int) -> bool:
    """Could this technician, with nothing else to do, serve visit k inside its window?"""
    tech, visit = layout.technicians[tech_index], layout.visits[k]
    if tech.max_visits == 0:
        return False
    node = layout.visit_node(k)
    arrival = tech.shift_start + layout.seconds(2 * tech_index, node)
    lunch = tech.lunch.duration if tech.lunch else 0
    for window in visit.windows:
        start = max(arrival, window.start)
        back = start + visit.service_seconds + layout.seconds(node, 2 * tech_index + 1)
        # The lunch break has to fit somewhere in the shift as well.
        if start <= window.end and back + lunch <= tech.shift_end:
            return True
    return False


def _pre_drop(problem: RoutingProblem, pins: Mapping[str, Pin]) -> dict[str, DropReason]:
    reasons: dict[str, DropReason] = {}
    for visit in problem.visits:
        if not allowed_technicians(visit, problem.technicians, pins.get(visit.id)):
            reasons[visit.id] = DropReason.NO_SKILLED_TECHNICIAN
    return reasons


def _node_spec(visit: Visit, allowed: list[int], pin: Pin | None) -> NodeSpec:
    windows = tuple((w.start, w.end) for w in visit.windows)
    if pin is None:
        return NodeSpec(
            windows=windows,
            service=visit.service_seconds,
            penalty=PENALTY[visit.priority],
            allowed_vehicles=tuple(allowed),
        )
    return NodeSpec(
        # A fixed start time replaces the windows: the visit is already under way or done.
        windows=() if pin.start_time is not None else windows,
        service=visit.service_seconds,
        penalty=PINNED_PENALTY,
        allowed_vehicles=tuple(allowed),
        position=pin.position,
        start_time=pin.start_time,
    )


def _vehicle(v: int, tech: Technician) -> VehicleSpec:
    lunch = tech.lunch
    breaks = ((lunch.earliest_start, lunch.latest_start, lunch.duration),) if lunch else ()
    return VehicleSpec(2 * v, 2 * v + 1, tech.shift_start, tech.shift_end,
                       max_visits=tech.max_visits, breaks=breaks)


def solve(
    problem: RoutingProblem,
    options: SolveOptions | None = None,
    previous: RoutePlan | Mapping[str, Sequence[str]] | None = None,
) -> RoutePlan:
    """Plan the day; `previous` (a plan or technician id → visit ids) warm-starts the search."""
    started = time.monotonic()
    options = options or SolveOptions()
    pins = {p.visit_id: p for p in problem.pins}
    reasons = _pre_drop(problem, pins)
    layout = build_layout(problem, [v for v in problem.visits if v.id not in reasons])
    specs: dict[int, NodeSpec] = {}
    for k, visit in enumerate(layout.visits):
        pin = pins.get(visit.id)
        allowed = allowed_technicians(visit, problem.technicians, pin)
        if pin is None or pin.start_time is None:
            # Only technicians who could do it alone; a started visit is kept regardless.
            allowed = [t for t in allowed if can_do_alone(layout, t, k)]
        if not allowed:
            reasons[visit.id] = DropReason.CANNOT_ARRIVE_IN_HOURS
            continue
        specs[k] = _node_spec(visit, allowed, pin)
    model, node_to_visit = _node_model(layout, specs, previous)
    if not specs:
        solution = None
    else:
        # OR-Tools is imported by the processes that solve, not by every web process.
        from routing.hybrid import solve_nodes

        solution = solve_nodes(model, options)
        for node in solution.dropped:
            reasons[layout.visits[node_to_visit[node]].id] = DropReason.NO_CAPACITY
    return _plan(layout, model, node_to_visit, solution, reasons, problem, started)


def _node_model(
    layout: _Layout,
    specs: dict[int, NodeSpec],
    previous: RoutePlan | Mapping[str, Sequence[str]] | None,
) -> tuple[NodeModel, dict[int, int]]:
    """Keep depots and the visits that stay in the model; renumber compactly."""
    depots = list(range(2 * len(layout.technicians)))
    original = depots + [layout.visit_node(k) for k in specs]
    node_to_visit = {len(depots) + i: k for i, k in enumerate(specs)}
    durations = layout.travel.durations
    time_matrix = tuple(tuple(durations[a][b] for b in original) for a in original)
    nodes = (NodeSpec(),) * len(depots) + tuple(specs.values())
    vehicles = tuple(_vehicle(v, t) for v, t in enumerate(layout.technicians))
    initial = None
    if previous is not None:
        sequences = previous.sequences() if isinstance(previous, RoutePlan) else previous
        node_of = {layout.visits[k].id: n for n, k in node_to_visit.items()}
        initial = tuple(
            tuple(node_of[i] for i in sequences.get(t.id, ()) if i in node_of)
            for t in layout.technicians
        )
    model = NodeModel(time_matrix, time_matrix, nodes, vehicles, initial)
    return model, node_to_visit


def _plan(
    layout: _Layout,
    model: NodeModel,
    node_to_visit: dict[int, int],
    solution: NodeSolution | None,
    reasons: dict[str, DropReason],
    problem: RoutingProblem,
    started: float,
) -> RoutePlan:
    distances = layout.travel.distances
    routes: list[Route] = []
    for v, tech in enumerate(layout.technicians):
        vehicle_route = solution.routes[v] if solution else None
        if vehicle_route is None or not vehicle_route.stops:
            routes.append(Route(tech.id, tech.shift_start, tech.shift_start, (), 0, 0))
            continue
        stops: list[Stop] = []
        metres = 0
        previous_node, free_at = 2 * v, vehicle_route.start_time
        for node, service_start in vehicle_route.stops:
            visit_node = layout.visit_node(node_to_visit[node])
            visit = layout.visits[node_to_visit[node]]
            arrival = free_at + layout.seconds(previous_node, visit_node)
            for break_start, duration in vehicle_route.breaks:
                # A lunch taken before reaching the customer delays the arrival.
                if free_at <= break_start < arrival:
                    arrival += duration
            arrival = min(arrival, service_start)
            stops.append(Stop(visit.id, arrival, service_start,
                              service_start + visit.service_seconds))
            metres += distances[previous_node][visit_node]
            previous_node, free_at = visit_node, service_start + visit.service_seconds
        metres += distances[previous_node][2 * v + 1]
        lunch = vehicle_route.breaks[0][0] if vehicle_route.breaks else None
        routes.append(Route(tech.id, vehicle_route.start_time, vehicle_route.end_time,
                            tuple(stops), metres,
                            vehicle_route.end_time - vehicle_route.start_time, lunch))
    order = {v.id: i for i, v in enumerate(problem.visits)}
    dropped = tuple(
        DroppedVisit(visit_id, reason)
        for visit_id, reason in sorted(reasons.items(), key=lambda item: order[item[0]])
    )
    return RoutePlan(
        routes=tuple(routes),
        dropped=dropped,
        objective=solution.objective if solution else 0,
        status=solution.status if solution else "NO_VISITS",
        wall_seconds=time.monotonic() - started,
    )
