"""The search: ruin strings of visits, recreate by cheapest insertion, accept by simulated
annealing (numba kernels over arrays.Problem and arrays.State)."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from routing.ruin_recreate.arrays import INF
from routing.ruin_recreate.schedule import fits, insert, remove_marked

# SISR's ruin parameters: mean number of visits removed, longest string.
MEAN_REMOVED = 10.0
MAX_STRING = 10
# Probability of skipping a candidate place during insertion ("blinks").
BLINK = 0.01


@njit(cache=True)
def _ruin(problem, state, seed_node, touched, marked, removed, n_removed):
    """Remove strings of consecutive visits from routes around seed_node (SISR's ruin)."""
    lens, route_of = state.lens, state.route_of
    used = 0
    routes_used = 0
    for v in range(lens.shape[0]):
        if lens[v] > 2:
            used += lens[v] - 2
            routes_used += 1
    if routes_used == 0:
        return n_removed
    l_max = min(float(MAX_STRING), used / routes_used)
    k_max = 4.0 * MEAN_REMOVED / (1.0 + l_max) - 1.0
    k = int(np.random.uniform(1.0, k_max + 1.0))
    ruined = 0
    for j in range(problem.neighbours.shape[1]):
        if ruined >= k:
            break
        c = problem.neighbours[seed_node, j]
        v = route_of[c]
        if v < 0 or touched[v] or problem.frozen[v]:
            continue
        card = lens[v] - 2
        length = int(np.random.uniform(1.0, min(float(card), l_max) + 1.0))
        length = max(1, min(length, card))
        pc = state.pos_of[c]
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
                removed[n_removed] = state.routes[v, i]
                n_removed += 1
        remove_marked(problem, state, v, marked)
        touched[v] = True
        ruined += 1
    return n_removed


@njit(cache=True)
def _recreate(problem, state, order, touched, left_out):
    """Insert each node of `order` at its cheapest feasible place; return the penalty of
    those that fit nowhere.

    A node left out before this move (left_out) is offered only the routes this move
    changed (touched): every other route is as it was when the node last fitted nowhere in
    it, or has only gained stops since, and a stop added never opens a place (with travel
    times that keep the triangle inequality). On over-full days most nodes are left out,
    and this halves the time a move takes (benchmarks/RESULTS-fanout.md).
    """
    # Every array is taken out of the tuples once, up here (and in the inlined `fits`): in
    # this form the search ran about 20 % faster than with reads from the tuples in the loops.
    cost, demand, penalty, allowed = problem.cost, problem.demand, problem.penalty, problem.allowed
    capacity, max_visits, frozen = problem.capacity, problem.max_visits, problem.frozen
    routes, lens, load = state.routes, state.lens, state.load
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
                if left_out[u] and not touched[v]:
                    continue
                if load[v] + demand[u] > capacity[v] or lens[v] - 2 + 1 > max_visits[v]:
                    continue
                for i in range(lens[v] - 1):
                    p = routes[v, i]
                    q = routes[v, i + 1]
                    delta = cost[p, u] + cost[u, q] - cost[p, q]
                    if delta >= best:
                        continue
                    if np.random.random() < BLINK:
                        continue
                    if fits(problem, state, v, i, u):
                        best = delta
                        best_v = v
                        best_i = i
        if best_v < 0:
            missing += penalty[u]
        else:
            insert(problem, state, best_v, best_i, u)
            touched[best_v] = True
    return missing


@njit(cache=True)
def copy_routes(src, dst, touched):
    """Copy the rows of touched routes from state src to state dst."""
    for v in range(touched.shape[0]):
        if not touched[v]:
            continue
        for i in range(max(src.lens[v], dst.lens[v])):
            dst.routes[v, i] = src.routes[v, i]
            dst.earliest[v, i] = src.earliest[v, i]
            dst.latest[v, i] = src.latest[v, i]
            dst.earliest_before_break[v, i] = src.earliest_before_break[v, i]
            dst.latest_before_break[v, i] = src.latest_before_break[v, i]
        dst.lens[v] = src.lens[v]
        dst.load[v] = src.load[v]
        dst.cost[v] = src.cost[v]
    dst.route_of[:] = src.route_of
    dst.pos_of[:] = src.pos_of


@njit(cache=True)
def seed_rng(seed):
    """Seed numba's generator (separate from numpy's in Python)."""
    np.random.seed(seed)


@njit(cache=True)
def _insertion_order(problem, removed, n_removed):
    """SISR's orders, weights 4:4:2:1: random, largest demand first, farthest from a start
    first, nearest first."""
    order = removed[:n_removed].copy()
    how = np.random.random()
    if how < 8.0 / 11.0:
        # Random order, or random among equal demands.
        np.random.shuffle(order)
    if how < 4.0 / 11.0:
        return order
    keys = np.empty(n_removed, dtype=np.int64)
    for j in range(n_removed):
        if how < 8.0 / 11.0:
            keys[j] = -problem.demand[order[j]]
        elif how < 10.0 / 11.0:
            keys[j] = -problem.depot_distance[order[j]]
        else:
            keys[j] = problem.depot_distance[order[j]]
    return order[np.argsort(keys, kind="mergesort")]


@njit(cache=True)
def iterate(problem, cur, cand, best, costs, iterations, t_from, t_to, everywhere):
    """Run `iterations` ruin-and-recreate moves, cooling from t_from to t_to.

    costs = [current, best, current missing penalty, best missing penalty]; cur and cand
    hold the same solution on entry and on exit; best is updated in place. With
    `everywhere`, the first move offers the nodes left out every route: the solution comes
    from elsewhere (OR-Tools), and no route has been offered them yet.
    """
    customers = problem.customers
    n_vehicles = cur.lens.shape[0]
    touched = np.zeros(n_vehicles, dtype=np.bool_)
    marked = np.zeros(cur.routes.shape[1], dtype=np.bool_)
    removed = np.empty(cur.route_of.shape[0], dtype=np.int64)
    all_touched = np.ones(n_vehicles, dtype=np.bool_)
    left_out = np.zeros(cur.route_of.shape[0], dtype=np.bool_)
    ratio = t_to / t_from if t_from > 0 else 1.0
    accepted = 0
    for it in range(iterations):
        temperature = t_from * ratio ** (it / max(1, iterations))
        touched[:] = False
        seed_node = customers[np.random.randint(0, customers.shape[0])]
        n_ruined = _ruin(problem, cand, seed_node, touched, marked, removed, 0)
        n_removed = n_ruined
        # Nodes left out so far get another chance every time.
        for c in customers:
            if cand.route_of[c] < 0 and not np.any(removed[:n_ruined] == c):
                removed[n_removed] = c
                left_out[c] = not (everywhere and it == 0)
                n_removed += 1
        order = _insertion_order(problem, removed, n_removed)
        missing = _recreate(problem, cand, order, touched, left_out)
        for j in range(n_ruined, n_removed):
            left_out[removed[j]] = False
        delta = missing - costs[2]
        for v in range(n_vehicles):
            if touched[v]:
                delta += cand.cost[v] - cur.cost[v]
        new_cost = costs[0] + delta
        threshold = -temperature * math.log(max(1e-300, np.random.random()))
        if new_cost < costs[0] + threshold:
            copy_routes(cand, cur, touched)
            costs[0] = new_cost
            costs[2] = missing
            accepted += 1
            if new_cost < costs[1]:
                copy_routes(cur, best, all_touched)
                costs[1] = new_cost
                costs[3] = missing
        else:
            copy_routes(cur, cand, touched)
    return accepted
