"""From a solved State back to NodeSolution routes with service, departure and break times."""

from __future__ import annotations

from routing.nodes import NodeModel, VehicleRoute
from routing.ruin_recreate.arrays import INF, Problem, State
from routing.ruin_recreate.schedule import earliest_in, ready_after_break


def timed_route(model: NodeModel, problem: Problem, state: State, v: int) -> VehicleRoute:
    """Like OR-Tools' finalizers: each stop as early as possible in turn, then back as early
    as possible; leave as late as that allows."""
    vehicle = model.vehicles[v]
    n = int(state.lens[v])
    if n == 2:
        return VehicleRoute((), vehicle.earliest_start, vehicle.earliest_start)
    nodes = [int(x) for x in state.routes[v, :n]]
    windows = problem.window_start, problem.window_end, problem.window_count

    def service(i: int) -> int:
        return 0 if i == 0 else model.nodes[nodes[i]].service

    def travel(i: int) -> int:
        return model.time[nodes[i]][nodes[i + 1]]

    def earliest(i: int, t: int) -> int:
        return int(earliest_in(*windows, nodes[i], t))

    if not vehicle.breaks:
        times = [int(x) for x in state.earliest[v, :n]]
        leave = max(vehicle.earliest_start, times[1] - travel(0))
        return VehicleRoute(tuple(zip(nodes[1:-1], times[1:-1], strict=True)), leave, times[-1])
    b_early, b_late, b_length = vehicle.breaks[0]
    early0, latest = state.earliest_before_break[v], state.latest[v]

    def ready(leave: int, i: int) -> int:
        return int(ready_after_break(leave, travel(i), b_early, b_late, b_length))

    def schedule(gap: int) -> list[int]:
        # Before the break as early as possible without it, then after it.
        times = [int(x) for x in early0[: gap + 1]]
        times.append(earliest(gap + 1, ready(times[gap] + service(gap), gap)))
        for i in range(gap + 2, n):
            times.append(earliest(i, times[i - 1] + service(i - 1) + travel(i - 1)))
        return times

    # The break goes in the gap that gives that order (a break taken while waiting for a
    # window beats one after the last stop).
    feasible = [
        g
        for g in range(n - 1)
        if early0[g] < INF
        and earliest(g + 1, ready(int(early0[g]) + service(g), g)) <= latest[g + 1]
    ]
    gap, times = min(((g, schedule(g)) for g in feasible), key=lambda c: (c[1][1:], -c[0]))
    if gap == 0:
        leave = max(vehicle.earliest_start, min(times[1] - travel(0) - b_length, b_late))
        lunch = max(leave, b_early)
    else:
        leave = max(vehicle.earliest_start, times[1] - travel(0))
        lunch = max(times[gap] + service(gap), b_early)
    stops = tuple(zip(nodes[1:-1], times[1:-1], strict=True))
    return VehicleRoute(stops, leave, times[-1], ((lunch, b_length),))
