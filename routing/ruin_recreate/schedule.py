"""One route's schedule: windows, the break, and O(1) insertion checks (numba kernels)."""

from __future__ import annotations

from numba import njit

from routing.nodes import NodeModel
from routing.ruin_recreate.arrays import INF, Problem, State

# The helpers called per candidate place take arrays, not the Problem tuple: passing the
# tuple to a function that is not inlined copies and reference-counts all of its arrays,
# which made the search 12 times slower.


@njit(cache=True)
def earliest_in(window_start, window_end, window_count, node, t):
    """Earliest service start at or after t inside one of node's windows (INF: none)."""
    k = window_count[node]
    if k == 0:
        return t
    for j in range(k):
        if window_end[node, j] >= t:
            s = window_start[node, j]
            return s if s > t else t
    return INF


@njit(cache=True)
def latest_in(window_start, window_end, window_count, node, t):
    """Latest service start at or before t inside one of node's windows (-INF: none)."""
    k = window_count[node]
    if k == 0:
        return t
    for j in range(k - 1, -1, -1):
        if window_start[node, j] <= t:
            e = window_end[node, j]
            return e if e < t else t
    return -INF


@njit(cache=True)
def ready_after_break(leave, travel, b_early, b_late, b_length):
    """When service can start after leaving at `leave`, driving `travel` and taking the
    break (start in [b_early, b_late]) on the way or while waiting (INF: too late)."""
    start = leave if leave > b_early else b_early
    if start > b_late:
        return INF
    drive_end = leave + travel
    return (start if start > drive_end else drive_end) + b_length


@njit(cache=True)
def latest_leave_with_break(latest_next, travel, b_early, b_late, b_length):
    """Latest departure that still fits the break and the drive before latest_next."""
    if b_early + b_length > latest_next:
        return -INF
    leave = latest_next - b_length - travel
    return leave if leave < b_late else b_late


@njit(cache=True)
def refresh(problem, state, v):
    """Recompute route v's two schedules, load, cost and the position of its nodes."""
    service = problem.service
    windows = problem.window_start, problem.window_end, problem.window_count
    has_break = problem.has_break[v]
    b_early, b_late = problem.break_early[v], problem.break_late[v]
    b_length = problem.break_length[v]
    r = state.routes[v]
    n = state.lens[v]
    earliest, latest = state.earliest, state.latest
    early0, late0 = state.earliest_before_break, state.latest_before_break
    earliest[v, 0] = INF if has_break else problem.shift_start[v]
    early0[v, 0] = problem.shift_start[v] if has_break else INF
    total_load = 0
    total_cost = 0
    for i in range(1, n):
        p = r[i - 1]
        q = r[i]
        svc = service[p] if i > 1 else 0
        travel = problem.time[p, q]
        arrive = earliest[v, i - 1] + svc + travel
        if has_break:
            via = ready_after_break(early0[v, i - 1] + svc, travel, b_early, b_late, b_length)
            arrive = via if via < arrive else arrive
        total_cost += problem.cost[p, q]
        earliest[v, i] = earliest_in(*windows, q, arrive)
        early0[v, i] = earliest_in(*windows, q, early0[v, i - 1] + svc + travel)
        if i < n - 1:
            total_load += problem.demand[q]
            state.route_of[q] = v
            state.pos_of[q] = i
    latest[v, n - 1] = problem.shift_end[v]
    # The break must be taken before the route ends.
    late0[v, n - 1] = -INF
    for i in range(n - 2, -1, -1):
        p = r[i]
        q = r[i + 1]
        svc = service[p] if i > 0 else 0
        travel = problem.time[p, q]
        t1 = latest[v, i + 1] - travel - svc
        t0 = late0[v, i + 1] - travel - svc
        if has_break:
            via = latest_leave_with_break(latest[v, i + 1], travel, b_early, b_late, b_length)
            t0 = via - svc if via - svc > t0 else t0
        latest[v, i] = latest_in(*windows, p, t1) if i > 0 else t1
        late0[v, i] = latest_in(*windows, p, t0) if i > 0 else t0
    state.load[v] = total_load
    state.cost[v] = total_cost


@njit(cache=True)
def insert(problem, state, v, i, u):
    """Put node u between positions i and i+1 of route v."""
    n = state.lens[v]
    for k in range(n, i + 1, -1):
        state.routes[v, k] = state.routes[v, k - 1]
    state.routes[v, i + 1] = u
    state.lens[v] = n + 1
    refresh(problem, state, v)


@njit(cache=True)
def remove_marked(problem, state, v, marked):
    """Drop the nodes at positions where marked[pos] is True from route v."""
    routes = state.routes
    n = state.lens[v]
    w = 1
    for i in range(1, n - 1):
        if marked[i]:
            state.route_of[routes[v, i]] = -1
            marked[i] = False
        else:
            routes[v, w] = routes[v, i]
            w += 1
    routes[v, w] = routes[v, n - 1]
    state.lens[v] = w + 1
    refresh(problem, state, v)


@njit(cache=True, inline="always")
def fits(problem, state, v, i, u):
    """Whether u can go between positions i and i+1 of route v without making any stop
    late, in O(1) from the two schedules (inlined: it runs for every candidate place).
    Arrays are unpacked at the top and the tests nested, as measured fastest."""
    ttime, service = problem.time, problem.service
    ws, we, wc = problem.window_start, problem.window_end, problem.window_count
    routes, earliest, latest = state.routes, state.earliest, state.latest
    early0, late0 = state.earliest_before_break, state.latest_before_break
    p = routes[v, i]
    q = routes[v, i + 1]
    svc = service[p] if i > 0 else 0
    to_u = ttime[p, u]
    from_u = ttime[u, q]
    # Break already taken before u (earlier, or on the way to u).
    arrive = earliest[v, i] + svc + to_u
    if problem.has_break[v]:
        via = ready_after_break(
            early0[v, i] + svc,
            to_u,
            problem.break_early[v],
            problem.break_late[v],
            problem.break_length[v],
        )
        arrive = via if via < arrive else arrive
    start_u = earliest_in(ws, we, wc, u, arrive)
    if start_u < INF:
        at_q = earliest_in(ws, we, wc, q, start_u + service[u] + from_u)
        if at_q <= latest[v, i + 1]:
            return True
    if not problem.has_break[v]:
        return False
    # Break still to take after u: on the way to q, or later.
    start_u = earliest_in(ws, we, wc, u, early0[v, i] + svc + to_u)
    if start_u >= INF:
        return False
    leave = start_u + service[u]
    via = ready_after_break(
        leave, from_u, problem.break_early[v], problem.break_late[v], problem.break_length[v]
    )
    if earliest_in(ws, we, wc, q, via) <= latest[v, i + 1]:
        return True
    return earliest_in(ws, we, wc, q, leave + from_u) <= late0[v, i + 1]


def load(problem: Problem, state: State, model: NodeModel, routes: list[list[int]]) -> None:
    """Fill `state` with the given routes (customer nodes per vehicle)."""
    for v, vehicle in enumerate(model.vehicles):
        row = [vehicle.start, *routes[v], vehicle.end]
        state.routes[v, : len(row)] = row
        state.lens[v] = len(row)
        refresh(problem, state, v)
