"""Ruin-and-recreate improvement of a feasible solution, compiled with numba.

OR-Tools' guided local search accepts only some tens of moves per second on time-window
instances and stalls in the basin of its first solution (benchmarks/RESULTS-routing.md).
This phase takes the OR-Tools solution and runs many cheap large-neighbourhood moves
instead, in the style of SISR (Christiaens & Vanden Berghe, "Slack induction by string
removals for vehicle routing problems", Transportation Science 54(2), 2020): remove a few
strings of consecutive visits from routes near one another, put every removed visit back at
its cheapest feasible place (skipping each place with a small probability), and accept the
result by simulated annealing.

Every route is kept feasible at all times. Feasibility of one insertion is checked in O(1)
from numbers kept per stop: the earliest time service can start there given the stops
before it, and the latest time it may start without making a later stop late, each with the
vehicle's break already taken and with it still to take.

Supported: per-vehicle start and end nodes and working hours, one or more windows per node,
service times, capacity, visit caps, allowed vehicles per node, optional nodes with drop
penalties, one break per vehicle (a lunch: it starts inside its window, never during a
service, and is taken on the way or while waiting; a used route must fit it), and frozen
vehicles whose routes are left as they are (pinned positions or start times). Two or more
breaks on one vehicle are not; `supports()` says when the phase applies.

Modules: `arrays` (the model and a solution as numpy arrays), `schedule` (one route's
times and the O(1) insertion check), `search` (ruin, recreate, accept), `timing` (times of
the routes found). This module runs them within a budget.
"""

from __future__ import annotations

import time as wall
from typing import Any

import numpy as np

from routing.nodes import NodeModel, NodeSolution, NodeSpec, VehicleRoute, VehicleSpec
from routing.ruin_recreate.arrays import empty_state, problem_arrays
from routing.ruin_recreate.schedule import load
from routing.ruin_recreate.search import iterate, seed_rng
from routing.ruin_recreate.timing import timed_route

# Annealing temperature at the start and at the end, as multiples of the mean arc cost of
# the starting solution. On RC208 and R205 at 8 s, 2.0 → 0.05 and 5.0 → 0.1 reached PyVRP's
# distance where 0.5 → 0.01 stayed 8 % above on RC208 (the wide windows need the heat); on
# R112 and the 200-customer ones they were within 0.5 % of each other.
T_START = 2.0
T_END = 0.05


def supports(model: NodeModel) -> bool:
    """Whether this phase can improve solutions of `model` (at most one break a vehicle)."""
    return all(len(v.breaks) <= 1 for v in model.vehicles)


def improve(
    model: NodeModel,
    start: NodeSolution,
    time_limit_s: float,
    seed: int = 1,
    iterations: int | None = None,
) -> NodeSolution:
    """Improve `start` for time_limit_s seconds (or exactly `iterations` moves, which makes
    the result depend only on the input and the seed). Never returns a worse solution."""
    started = wall.monotonic()
    routes = [[node for node, _ in r.stops] for r in start.routes]
    arcs = sum(len(r) + 1 for r in routes if r) or 1
    travel = sum(
        model.cost[a][b]
        for v, r in zip(model.vehicles, routes, strict=True)
        if r
        for a, b in zip([v.start, *r], [*r, v.end], strict=True)
    )
    mean_arc = max(1.0, travel / arcs)
    problem = problem_arrays(model)
    n_nodes, n_vehicles = len(model.nodes), len(model.vehicles)
    cur, cand, best = (empty_state(n_nodes, n_vehicles, n_nodes + 2) for _ in range(3))
    for state in (cur, cand, best):
        load(problem, state, model, routes)
    # A start route this model reads as infeasible (OR-Tools may place a break where this
    # phase would not) is kept exactly as OR-Tools gave it.
    for v in range(n_vehicles):
        if cur.lens[v] > 2 and cur.earliest[v, cur.lens[v] - 1] > problem.shift_end[v]:
            problem.frozen[v] = True
    missing = sum(int(problem.penalty[c]) for c in start.dropped)
    total = int(cur.cost.sum()) + missing
    costs = np.array([total, total, missing, missing], dtype=np.int64)
    t_start, t_end = T_START * mean_arc, T_END * mean_arc
    seed_rng(seed)
    if iterations is not None:
        iterate(problem, cur, cand, best, costs, iterations, t_start, t_end, True)
    else:
        chunk, everywhere = 200, True
        while (elapsed := wall.monotonic() - started) < time_limit_s:
            tick = wall.monotonic()
            t_now = t_start * (t_end / t_start) ** (elapsed / time_limit_s)
            iterate(problem, cur, cand, best, costs, chunk, t_now, t_now, everywhere)
            everywhere = False
            spent = max(1e-4, wall.monotonic() - tick)
            # Chunks of about 50 ms: often enough to cool smoothly and stop on time.
            chunk = max(10, min(20000, int(chunk * 0.05 / spent)))
    if costs[1] >= total:
        return start
    # Frozen routes are OR-Tools' own, with its times (which honour pinned start times).
    found = tuple(
        start.routes[v] if problem.frozen[v] else timed_route(model, problem, best, v)
        for v in range(n_vehicles)
    )
    served = {node for r in found for node, _ in r.stops}
    return NodeSolution(
        found,
        tuple(int(c) for c in problem.customers if int(c) not in served),
        int(costs[1]),
        start.status,
        wall.monotonic() - started + start.wall_seconds,
        start.config + "+ruin-recreate",
        start.late,
    )


def _kernels() -> list[Any]:
    # The @njit kernels improve() calls from Python. The kernels they call in turn are
    # compiled into them (and cached with them), so these three being compiled means a
    # solve starts at once; the inner ones never get dispatcher signatures of their own.
    from routing.ruin_recreate import schedule, search

    return [search.iterate, search.seed_rng, schedule.refresh]


def kernels_loaded() -> bool:
    """True when every kernel is compiled in this process: improve() starts at once."""
    return all(kernel.signatures for kernel in _kernels())


def kernels_cached() -> bool:
    """True when every kernel not yet loaded has a valid entry in numba's on-disk cache
    (NUMBA_CACHE_DIR, else __pycache__), so loading takes a moment and compiles nothing."""
    for kernel in _kernels():
        if kernel.signatures:
            continue
        try:
            # numba's index is empty when missing or written for another version of the source.
            if not kernel._cache._cache_file._load_index():
                return False
        except (AttributeError, OSError, EOFError, ValueError):
            return False
    return True


def warm_if_cached() -> bool:
    """Load the kernels when numba's cache has them all (no compiling); True when loaded.

    For a process about to solve (a region pool's worker): loading takes a second or two,
    compiling tens of seconds (53 s for a 10 s solve measured from an empty cache).
    """
    if not kernels_loaded() and kernels_cached():
        warm_up()
    return kernels_loaded()


def warm_up() -> None:
    """Compile the kernels (or load them from numba's on-disk cache) outside any budget."""
    model = NodeModel(
        time=((0, 1, 1), (1, 0, 1), (1, 1, 0)),
        cost=((0, 1, 1), (1, 0, 1), (1, 1, 0)),
        nodes=(NodeSpec(), NodeSpec(windows=((0, 10),)), NodeSpec(windows=((0, 10),))),
        vehicles=(VehicleSpec(0, 0, 0, 100),),
    )
    start = NodeSolution((VehicleRoute(((1, 1), (2, 2)), 0, 3),), (), 3, "warm-up", 0.0)
    improve(model, start, 0.0, iterations=1)
