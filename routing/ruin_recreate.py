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
from two numbers per stop: the earliest time service can start there given the stops
before it, and the latest time it may start without making a later stop late.

Supported: per-vehicle start and end nodes and working hours, one or more windows per node,
service times, capacity, visit caps, allowed vehicles per node, optional nodes with drop
penalties, and frozen vehicles whose routes are left as they are (pinned positions or
start times). Not supported: breaks; `supports()` says when the phase applies.

Everything below the `njit` functions is plain numpy: the state of a solution is a set of
arrays, so a move touches only the rows of the routes it changes.
"""

from __future__ import annotations

import math
import time as wall

import numpy as np
from numba import njit

from routing.nodes import NodeModel, NodeSolution, VehicleRoute

INF = np.int64(2**62)
# Cost of leaving out a node that has no disjunction (it was served; it must stay served).
MANDATORY_PENALTY = 10**13
# SISR's ruin parameters: mean number of visits removed, longest string.
MEAN_REMOVED = 10.0
MAX_STRING = 10
# Probability of skipping a candidate place during insertion ("blinks").
BLINK = 0.01
# Annealing temperature at the start and at the end, as multiples of the mean arc cost of
# the starting solution. On RC208 and R205 at 8 s, 2.0 → 0.05 and 5.0 → 0.1 reached PyVRP's
# distance where 0.5 → 0.01 stayed 8 % above on RC208 (the wide windows need the heat); on
# R112 and the 200-customer ones they were within 0.5 % of each other.
T_START = 2.0
T_END = 0.05


def supports(model: NodeModel) -> bool:
    """Whether this phase can improve solutions of `model` (breaks are not modelled)."""
    return not any(v.breaks for v in model.vehicles)


# --- time windows -------------------------------------------------------------------------


@njit(cache=True)
def _earliest_in(wstart, wend, wcount, node, t):
    """Earliest service start at or after t inside one of node's windows (INF: none)."""
    k = wcount[node]
    if k == 0:
        return t
    for j in range(k):
        if wend[node, j] >= t:
            s = wstart[node, j]
            return s if s > t else t
    return INF


@njit(cache=True)
def _latest_in(wstart, wend, wcount, node, t):
    """Latest service start at or before t inside one of node's windows (-INF: none)."""
    k = wcount[node]
    if k == 0:
        return t
    for j in range(k - 1, -1, -1):
        if wstart[node, j] <= t:
            e = wend[node, j]
            return e if e < t else t
    return -INF


# --- one route ----------------------------------------------------------------------------


@njit(cache=True)
def _refresh(P, S, v):
    """Recompute route v's schedule, load, cost and the position of each of its nodes."""
    cost, ttime, service, wstart, wend, wcount, demand = P[0], P[1], P[2], P[3], P[4], P[5], P[6]
    vtw0, vtw1 = P[10], P[11]
    routes, lens, earliest, latest, load, rcost, route_of, pos_of = S
    n = lens[v]
    r = routes[v]
    earliest[v, 0] = vtw0[v]
    total_load = 0
    total_cost = 0
    for i in range(1, n):
        p = r[i - 1]
        q = r[i]
        svc = service[p] if i > 1 else 0
        arrive = earliest[v, i - 1] + svc + ttime[p, q]
        total_cost += cost[p, q]
        if i < n - 1:
            earliest[v, i] = _earliest_in(wstart, wend, wcount, q, arrive)
            total_load += demand[q]
            route_of[q] = v
            pos_of[q] = i
        else:
            earliest[v, i] = arrive
    latest[v, n - 1] = vtw1[v]
    for i in range(n - 2, -1, -1):
        p = r[i]
        q = r[i + 1]
        svc = service[p] if i > 0 else 0
        t = latest[v, i + 1] - ttime[p, q] - svc
        latest[v, i] = _latest_in(wstart, wend, wcount, p, t) if i > 0 else t
    load[v] = total_load
    rcost[v] = total_cost


@njit(cache=True)
def _insert(P, S, v, i, u):
    routes, lens = S[0], S[1]
    n = lens[v]
    for k in range(n, i + 1, -1):
        routes[v, k] = routes[v, k - 1]
    routes[v, i + 1] = u
    lens[v] = n + 1
    _refresh(P, S, v)


@njit(cache=True)
def _remove_marked(P, S, v, marked):
    """Drop the nodes at positions where marked[pos] is True from route v."""
    routes, lens, route_of = S[0], S[1], S[6]
    n = lens[v]
    w = 1
    for i in range(1, n - 1):
        if marked[i]:
            route_of[routes[v, i]] = -1
            marked[i] = False
        else:
            routes[v, w] = routes[v, i]
            w += 1
    routes[v, w] = routes[v, n - 1]
    lens[v] = w + 1
    _refresh(P, S, v)


# --- ruin and recreate --------------------------------------------------------------------


@njit(cache=True)
def _ruin(P, S, seed_node, touched, marked, removed, n_removed):
    """Remove strings of consecutive visits from routes around seed_node (SISR's ruin)."""
    routes, lens, route_of, pos_of = S[0], S[1], S[6], S[7]
    frozen, neighbours = P[15], P[17]
    used = 0
    routes_used = 0
    for v in range(lens.shape[0]):
        if lens[v] > 2:
            used += lens[v] - 2
            routes_used += 1
    if routes_used == 0:
        return n_removed
    mean_card = used / routes_used
    l_max = min(float(MAX_STRING), mean_card)
    k_max = 4.0 * MEAN_REMOVED / (1.0 + l_max) - 1.0
    k = int(np.random.uniform(1.0, k_max + 1.0))
    ruined = 0
    for j in range(neighbours.shape[1]):
        if ruined >= k:
            break
        c = neighbours[seed_node, j]
        v = route_of[c]
        if v < 0 or touched[v] or frozen[v]:
            continue
        card = lens[v] - 2
        l_cap = min(float(card), l_max)
        length = int(np.random.uniform(1.0, l_cap + 1.0))
        length = max(1, min(length, card))
        pc = pos_of[c]
        if length < card and np.random.random() < 0.5:
            # Split string: remove `length` visits out of a window of length + kept,
            # keeping `kept` consecutive ones in the middle of it.
            kept = 1 + int(np.random.random() * min(length, card - length))
            window = length + kept
            lo = max(1, pc - window + 1)
            hi = min(pc, card - window + 1)
            a = lo + int(np.random.random() * (hi - lo + 1))
            keep_at = a + 1
            if length > 1:
                keep_at += int(np.random.random() * (length - 1))
            for i in range(a, a + window):
                if i < keep_at or i >= keep_at + kept:
                    marked[i] = True
        else:
            lo = max(1, pc - length + 1)
            hi = min(pc, card - length + 1)
            a = lo + int(np.random.random() * (hi - lo + 1))
            for i in range(a, a + length):
                marked[i] = True
        for i in range(1, lens[v] - 1):
            if marked[i]:
                removed[n_removed] = routes[v, i]
                n_removed += 1
        _remove_marked(P, S, v, marked)
        touched[v] = True
        ruined += 1
    return n_removed


@njit(cache=True)
def _recreate(P, S, order, touched):
    """Insert each node of `order` at its cheapest feasible place; return the penalty of
    those that fit nowhere."""
    # The arrays are unpacked here, once, rather than passed to a helper per candidate
    # place: each call would copy and reference-count every array of the tuples.
    cost, ttime, service, wstart, wend, wcount, demand = P[0], P[1], P[2], P[3], P[4], P[5], P[6]
    penalty, allowed = P[7], P[8]
    vcap, vmax, frozen = P[12], P[13], P[15]
    routes, lens, earliest, latest, load = S[0], S[1], S[2], S[3], S[4]
    missing = 0
    for u in order:
        best = INF
        best_v = -1
        best_i = -1
        service_u = service[u]
        # Used routes first; an empty one only when u fits in none of them (as in SISR):
        # opening routes freely would trade vehicles for distance.
        for empty in range(2):
            if best_v >= 0:
                break
            for v in range(lens.shape[0]):
                if frozen[v] or not allowed[u, v] or (lens[v] == 2) != (empty == 1):
                    continue
                if load[v] + demand[u] > vcap[v] or lens[v] - 2 + 1 > vmax[v]:
                    continue
                last = lens[v] - 2
                for i in range(last + 1):
                    p = routes[v, i]
                    q = routes[v, i + 1]
                    delta = cost[p, u] + cost[u, q] - cost[p, q]
                    if delta >= best:
                        continue
                    if np.random.random() < BLINK:
                        continue
                    svc = service[p] if i > 0 else 0
                    arrive_u = earliest[v, i] + svc + ttime[p, u]
                    start_u = _earliest_in(wstart, wend, wcount, u, arrive_u)
                    if start_u >= INF:
                        continue
                    arrive_q = start_u + service_u + ttime[u, q]
                    if i == last:
                        if arrive_q > latest[v, i + 1]:
                            continue
                    elif _earliest_in(wstart, wend, wcount, q, arrive_q) > latest[v, i + 1]:
                        continue
                    best = delta
                    best_v = v
                    best_i = i
        if best_v < 0:
            missing += penalty[u]
        else:
            _insert(P, S, best_v, best_i, u)
            touched[best_v] = True
    return missing


@njit(cache=True)
def _copy_routes(src, dst, touched):
    """Copy the rows of touched routes from state src to state dst."""
    for v in range(touched.shape[0]):
        if not touched[v]:
            continue
        n = max(src[1][v], dst[1][v])
        for i in range(n):
            dst[0][v, i] = src[0][v, i]
            dst[2][v, i] = src[2][v, i]
            dst[3][v, i] = src[3][v, i]
        dst[1][v] = src[1][v]
        dst[4][v] = src[4][v]
        dst[5][v] = src[5][v]
    dst[6][:] = src[6]
    dst[7][:] = src[7]


@njit(cache=True)
def _seed_rng(seed):
    np.random.seed(seed)


@njit(cache=True)
def _iterate(P, cur, cand, best, costs, iterations, t_from, t_to):
    """Run `iterations` ruin-and-recreate moves, cooling from t_from to t_to.

    costs = [current, best, current missing penalty, best missing penalty]; cur and cand
    hold the same solution on entry and on exit; best is updated in place.
    """
    customers, depot_key = P[16], P[18]
    n_vehicles = cur[1].shape[0]
    n_nodes = cur[6].shape[0]
    touched = np.zeros(n_vehicles, dtype=np.bool_)
    marked = np.zeros(cur[0].shape[1], dtype=np.bool_)
    removed = np.empty(n_nodes, dtype=np.int64)
    all_touched = np.ones(n_vehicles, dtype=np.bool_)
    ratio = t_to / t_from if t_from > 0 else 1.0
    accepted = 0
    for it in range(iterations):
        temperature = t_from * ratio ** (it / max(1, iterations))
        touched[:] = False
        seed_node = customers[np.random.randint(0, customers.shape[0])]
        n_removed = _ruin(P, cand, seed_node, touched, marked, removed, 0)
        # Nodes left out so far get another chance every time.
        for c in customers:
            if cand[6][c] < 0 and not _in(removed, n_removed, c):
                removed[n_removed] = c
                n_removed += 1
        order = removed[:n_removed].copy()
        how = np.random.random()
        if how < 4.0 / 11.0:
            np.random.shuffle(order)
        elif how < 8.0 / 11.0:
            np.random.shuffle(order)
            keys = np.empty(n_removed, dtype=np.int64)
            for j in range(n_removed):
                keys[j] = -P[6][order[j]]
            order = order[np.argsort(keys, kind="mergesort")]
        elif how < 10.0 / 11.0:
            keys = np.empty(n_removed, dtype=np.int64)
            for j in range(n_removed):
                keys[j] = -depot_key[order[j]]
            order = order[np.argsort(keys, kind="mergesort")]
        else:
            keys = np.empty(n_removed, dtype=np.int64)
            for j in range(n_removed):
                keys[j] = depot_key[order[j]]
            order = order[np.argsort(keys, kind="mergesort")]
        missing = _recreate(P, cand, order, touched)
        delta = missing - costs[2]
        for v in range(n_vehicles):
            if touched[v]:
                delta += cand[5][v] - cur[5][v]
        new_cost = costs[0] + delta
        threshold = -temperature * math.log(max(1e-300, np.random.random()))
        if new_cost < costs[0] + threshold:
            _copy_routes(cand, cur, touched)
            costs[0] = new_cost
            costs[2] = missing
            accepted += 1
            if new_cost < costs[1]:
                _copy_routes(cur, best, all_touched)
                costs[1] = new_cost
                costs[3] = missing
        else:
            _copy_routes(cur, cand, touched)
    return accepted


@njit(cache=True)
def _in(values, count, x):
    return np.any(values[:count] == x)


# --- Python side --------------------------------------------------------------------------


def warm_up() -> None:
    """Compile the kernels (or load them from numba's on-disk cache) outside any budget."""
    from routing.nodes import NodeSpec, VehicleSpec

    model = NodeModel(
        time=((0, 1, 1), (1, 0, 1), (1, 1, 0)),
        cost=((0, 1, 1), (1, 0, 1), (1, 1, 0)),
        nodes=(NodeSpec(), NodeSpec(windows=((0, 10),)), NodeSpec(windows=((0, 10),))),
        vehicles=(VehicleSpec(0, 0, 0, 100),),
    )
    start = NodeSolution((VehicleRoute(((1, 1), (2, 2)), 0, 3),), (), 3, "warm-up", 0.0)
    improve(model, start, 0.0, iterations=1)


def _problem_arrays(model: NodeModel, frozen: np.ndarray):
    n = len(model.nodes)
    depots = model.depot_nodes()
    k = max(1, max((len(spec.windows) for spec in model.nodes), default=1))
    wstart = np.zeros((n, k), dtype=np.int64)
    wend = np.zeros((n, k), dtype=np.int64)
    wcount = np.zeros(n, dtype=np.int64)
    for node, spec in enumerate(model.nodes):
        if node in depots:
            continue
        for j, (a, b) in enumerate(sorted(spec.windows)):
            wstart[node, j] = a
            wend[node, j] = b
        wcount[node] = len(spec.windows)
    n_vehicles = len(model.vehicles)
    allowed = np.ones((n, n_vehicles), dtype=np.bool_)
    for node, spec in enumerate(model.nodes):
        if spec.allowed_vehicles is not None:
            allowed[node, :] = False
            allowed[node, list(spec.allowed_vehicles)] = True
    customers = np.array([c for c in range(n) if c not in depots], dtype=np.int64)
    cost = np.asarray(model.cost, dtype=np.int64)
    # Each node's customers nearest first (by cost both ways), itself first.
    sym = cost[:, customers] + cost[customers, :].T
    order = np.argsort(sym, axis=1, kind="stable")
    neighbours = customers[order]
    for c in customers:
        row = neighbours[c]
        where = int(np.nonzero(row == c)[0][0])
        neighbours[c] = np.concatenate(([c], np.delete(row, where)))
    starts = [v.start for v in model.vehicles]
    depot_key = cost[starts, :].min(axis=0) if starts else np.zeros(n, dtype=np.int64)
    big = 2**40
    return (
        cost,
        np.asarray(model.time, dtype=np.int64),
        np.array(
            [0 if node in depots else spec.service for node, spec in enumerate(model.nodes)],
            dtype=np.int64,
        ),
        wstart,
        wend,
        wcount,
        np.array([spec.demand for spec in model.nodes], dtype=np.int64),
        np.array(
            [MANDATORY_PENALTY if spec.penalty is None else spec.penalty for spec in model.nodes],
            dtype=np.int64,
        ),
        allowed,
        np.array(starts, dtype=np.int64),
        np.array([v.earliest_start for v in model.vehicles], dtype=np.int64),
        np.array([v.latest_end for v in model.vehicles], dtype=np.int64),
        np.array(
            [big if v.capacity is None else v.capacity for v in model.vehicles], dtype=np.int64
        ),
        np.array(
            [big if v.max_visits is None else v.max_visits for v in model.vehicles], dtype=np.int64
        ),
        np.array([v.end for v in model.vehicles], dtype=np.int64),
        frozen,
        customers,
        neighbours.astype(np.int64),
        depot_key.astype(np.int64),
    )


def _empty_state(n_nodes: int, n_vehicles: int, width: int):
    return (
        np.zeros((n_vehicles, width), dtype=np.int64),
        np.zeros(n_vehicles, dtype=np.int64),
        np.zeros((n_vehicles, width), dtype=np.int64),
        np.zeros((n_vehicles, width), dtype=np.int64),
        np.zeros(n_vehicles, dtype=np.int64),
        np.zeros(n_vehicles, dtype=np.int64),
        np.full(n_nodes, -1, dtype=np.int64),
        np.zeros(n_nodes, dtype=np.int64),
    )


def _load(P, state, model: NodeModel, routes: list[list[int]]) -> None:
    for v, vehicle in enumerate(model.vehicles):
        row = [vehicle.start, *routes[v], vehicle.end]
        state[0][v, : len(row)] = row
        state[1][v] = len(row)
        _refresh(P, state, v)


def _frozen_vehicles(model: NodeModel) -> np.ndarray:
    """Vehicles whose route holds a node pinned to a position or a start time."""
    frozen = np.zeros(len(model.vehicles), dtype=np.bool_)
    for spec in model.nodes:
        if (spec.position is not None or spec.start_time is not None) and spec.allowed_vehicles:
            frozen[list(spec.allowed_vehicles)] = True
    return frozen


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
    P = _problem_arrays(model, _frozen_vehicles(model))
    n_nodes, n_vehicles = len(model.nodes), len(model.vehicles)
    width = n_nodes + 2
    cur, cand, best = (_empty_state(n_nodes, n_vehicles, width) for _ in range(3))
    for state in (cur, cand, best):
        _load(P, state, model, routes)
    missing = sum(int(P[7][c]) for c in start.dropped)
    total = int(cur[5].sum()) + missing
    costs = np.array([total, total, missing, missing], dtype=np.int64)
    t_start, t_end = T_START * mean_arc, T_END * mean_arc
    _seed_rng(seed)
    if iterations is not None:
        _iterate(P, cur, cand, best, costs, iterations, t_start, t_end)
    else:
        chunk = 200
        while True:
            elapsed = wall.monotonic() - started
            if elapsed >= time_limit_s:
                break
            tick = wall.monotonic()
            f0 = elapsed / time_limit_s
            t_from = t_start * (t_end / t_start) ** f0
            _iterate(P, cur, cand, best, costs, chunk, t_from, t_from)
            spent = max(1e-4, wall.monotonic() - tick)
            # Chunks of about 50 ms: often enough to cool smoothly and stop on time.
            chunk = max(10, min(20000, int(chunk * 0.05 / spent)))
    if costs[1] >= total:
        return start
    return _solution(model, P, best, int(costs[1]), start, started)


def _solution(model, P, state, objective, start: NodeSolution, started) -> NodeSolution:
    routes = []
    for v in range(len(model.vehicles)):
        n = int(state[1][v])
        nodes = [int(x) for x in state[0][v, :n]]
        earliest = [int(x) for x in state[2][v, :n]]
        stops = tuple((nodes[i], earliest[i]) for i in range(1, n - 1))
        if n > 2:
            leave = min(int(state[3][v, 0]), earliest[1] - int(model.time[nodes[0]][nodes[1]]))
            leave = max(leave, int(P[10][v]))
        else:
            leave = int(P[10][v])
        routes.append(VehicleRoute(stops, leave, earliest[n - 1] if n > 2 else leave))
    served = {node for r in routes for node, _ in r.stops}
    dropped = tuple(int(c) for c in P[16] if int(c) not in served)
    config = start.config + "+ruin-recreate"
    return NodeSolution(
        tuple(routes),
        dropped,
        objective,
        start.status,
        wall.monotonic() - started + start.wall_seconds,
        config,
        start.late,
    )
