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
    """Whether this phase can improve solutions of `model` (at most one break a vehicle)."""
    return all(len(v.breaks) <= 1 for v in model.vehicles)


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
def _ready_after_break(leave, travel, b_early, b_late, b_length):
    """When service can start after leaving at `leave`, driving `travel` and taking the
    break (start in [b_early, b_late]) on the way or while waiting (INF: too late)."""
    start = leave if leave > b_early else b_early
    if start > b_late:
        return INF
    drive_end = leave + travel
    return (start if start > drive_end else drive_end) + b_length


@njit(cache=True)
def _latest_leave_with_break(latest_next, travel, b_early, b_late, b_length):
    """Latest departure that still fits the break and the drive before latest_next."""
    if b_early + b_length > latest_next:
        return -INF
    leave = latest_next - b_length - travel
    return leave if leave < b_late else b_late


@njit(cache=True)
def _refresh(P, S, v):
    """Recompute route v's schedule, load, cost and the position of each of its nodes.

    Two schedules per stop: earliest/latest service start with the vehicle's break already
    taken (S[2], S[3]) and with it still to take (S[8], S[9]). A vehicle without a break is
    always in the first state.
    """
    cost, ttime, service, wstart, wend, wcount, demand = P[0], P[1], P[2], P[3], P[4], P[5], P[6]
    vtw0, vtw1 = P[10], P[11]
    b_early, b_late, b_length, has_break = P[19][v], P[20][v], P[21][v], P[22][v]
    routes, lens, earliest, latest, load, rcost, route_of, pos_of, early0, late0 = S
    n = lens[v]
    r = routes[v]
    earliest[v, 0] = INF if has_break else vtw0[v]
    early0[v, 0] = vtw0[v] if has_break else INF
    total_load = 0
    total_cost = 0
    for i in range(1, n):
        p = r[i - 1]
        q = r[i]
        svc = service[p] if i > 1 else 0
        travel = ttime[p, q]
        arrive = earliest[v, i - 1] + svc + travel
        arrive0 = early0[v, i - 1] + svc + travel
        if has_break:
            via = _ready_after_break(early0[v, i - 1] + svc, travel, b_early, b_late, b_length)
            arrive = via if via < arrive else arrive
        total_cost += cost[p, q]
        earliest[v, i] = _earliest_in(wstart, wend, wcount, q, arrive)
        early0[v, i] = _earliest_in(wstart, wend, wcount, q, arrive0)
        if i < n - 1:
            total_load += demand[q]
            route_of[q] = v
            pos_of[q] = i
    latest[v, n - 1] = vtw1[v]
    # The break must be taken before the route ends.
    late0[v, n - 1] = -INF
    for i in range(n - 2, -1, -1):
        p = r[i]
        q = r[i + 1]
        svc = service[p] if i > 0 else 0
        travel = ttime[p, q]
        t1 = latest[v, i + 1] - travel - svc
        t0 = late0[v, i + 1] - travel - svc
        if has_break:
            via = _latest_leave_with_break(latest[v, i + 1], travel, b_early, b_late, b_length)
            t0 = via - svc if via - svc > t0 else t0
        latest[v, i] = _latest_in(wstart, wend, wcount, p, t1) if i > 0 else t1
        late0[v, i] = _latest_in(wstart, wend, wcount, p, t0) if i > 0 else t0
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


@njit(cache=True, inline="always")
def _fits(P, S, v, i, u):
    """Whether u can go between positions i and i+1 of route v without making any stop
    late, in O(1) from the two schedules (inlined: it runs for every candidate place)."""
    ttime, service, wstart, wend, wcount = P[1], P[2], P[3], P[4], P[5]
    routes, earliest, latest, early0, late0 = S[0], S[2], S[3], S[8], S[9]
    p = routes[v, i]
    q = routes[v, i + 1]
    svc = service[p] if i > 0 else 0
    to_u = ttime[p, u]
    from_u = ttime[u, q]
    # Break already taken before u (earlier, or on the way to u).
    arrive = earliest[v, i] + svc + to_u
    if P[22][v]:
        via = _ready_after_break(early0[v, i] + svc, to_u, P[19][v], P[20][v], P[21][v])
        arrive = via if via < arrive else arrive
    start_u = _earliest_in(wstart, wend, wcount, u, arrive)
    if start_u < INF:
        at_q = _earliest_in(wstart, wend, wcount, q, start_u + service[u] + from_u)
        if at_q <= latest[v, i + 1]:
            return True
    if not P[22][v]:
        return False
    # Break still to take after u: on the way to q, or later.
    start_u = _earliest_in(wstart, wend, wcount, u, early0[v, i] + svc + to_u)
    if start_u >= INF:
        return False
    leave = start_u + service[u]
    via = _ready_after_break(leave, from_u, P[19][v], P[20][v], P[21][v])
    if _earliest_in(wstart, wend, wcount, q, via) <= latest[v, i + 1]:
        return True
    return _earliest_in(wstart, wend, wcount, q, leave + from_u) <= late0[v, i + 1]


@njit(cache=True)
def _recreate(P, S, order, touched):
    """Insert each node of `order` at its cheapest feasible place; return the penalty of
    those that fit nowhere."""
    # The arrays are unpacked here, once, rather than passed to a helper per candidate
    # place: each call would copy and reference-count every array of the tuples.
    cost, demand, penalty, allowed = P[0], P[6], P[7], P[8]
    vcap, vmax, frozen = P[12], P[13], P[15]
    routes, lens, load = S[0], S[1], S[4]
    missing = 0
    for u in order:
        best = INF
        best_v = -1
        best_i = -1
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
                for i in range(lens[v] - 1):
                    p = routes[v, i]
                    q = routes[v, i + 1]
                    delta = cost[p, u] + cost[u, q] - cost[p, q]
                    if delta >= best:
                        continue
                    if np.random.random() < BLINK:
                        continue
                    if _fits(P, S, v, i, u):
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
            dst[8][v, i] = src[8][v, i]
            dst[9][v, i] = src[9][v, i]
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
    breaks = (
        np.array([v.breaks[0][0] if v.breaks else 0 for v in model.vehicles], dtype=np.int64),
        np.array([v.breaks[0][1] if v.breaks else 0 for v in model.vehicles], dtype=np.int64),
        np.array([v.breaks[0][2] if v.breaks else 0 for v in model.vehicles], dtype=np.int64),
        np.array([bool(v.breaks) for v in model.vehicles], dtype=np.bool_),
    )
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
        *breaks,
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
        np.zeros((n_vehicles, width), dtype=np.int64),
        np.zeros((n_vehicles, width), dtype=np.int64),
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
    # A start route this model reads as infeasible (OR-Tools may place a break where this
    # phase would not) is kept exactly as OR-Tools gave it.
    for v in range(n_vehicles):
        if cur[1][v] > 2 and cur[2][v, cur[1][v] - 1] > P[11][v]:
            P[15][v] = True
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
    # Frozen routes are OR-Tools' own, with its times (which honour pinned start times).
    routes = [
        start.routes[v] if P[15][v] else _timed_route(model, P, state, v)
        for v in range(len(model.vehicles))
    ]
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


def _timed_route(model: NodeModel, P, state, v: int) -> VehicleRoute:
    """Service as early as possible; the break in the last gap that can take it (so every
    stop before it is as early as possible too); leave as late as that allows."""
    vehicle = model.vehicles[v]
    n = int(state[1][v])
    if n == 2:
        return VehicleRoute((), vehicle.earliest_start, vehicle.earliest_start)
    nodes = [int(x) for x in state[0][v, :n]]

    def service(i: int) -> int:
        return 0 if i == 0 else model.nodes[nodes[i]].service

    def travel(i: int) -> int:
        return model.time[nodes[i]][nodes[i + 1]]

    def earliest(i: int, t: int) -> int:
        return int(_earliest_in(P[3], P[4], P[5], nodes[i], t))

    if not vehicle.breaks:
        times = [int(x) for x in state[2][v, :n]]
        leave = max(vehicle.earliest_start, times[1] - travel(0))
        return VehicleRoute(tuple(zip(nodes[1:-1], times[1:-1], strict=True)), leave, times[-1])
    b_early, b_late, b_length = vehicle.breaks[0]
    early0, latest = state[8][v], state[3][v]

    def ready(leave: int, i: int) -> int:
        return int(_ready_after_break(leave, travel(i), b_early, b_late, b_length))

    def schedule(gap: int) -> list[int]:
        # Before the break as early as possible without it, then after it.
        times = [int(x) for x in early0[: gap + 1]]
        times.append(earliest(gap + 1, ready(times[gap] + service(gap), gap)))
        for i in range(gap + 2, n):
            times.append(earliest(i, times[i - 1] + service(i - 1) + travel(i - 1)))
        return times

    # Like OR-Tools' finalizers: each stop as early as possible in turn, then back as early
    # as possible (a break taken while waiting for a window beats one after the last stop).
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
