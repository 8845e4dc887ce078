"""The numeric form of a NodeModel and of a solution, as named tuples of numpy arrays.

numba compiles functions over these tuples; the arrays stay mutable, so a move writes only
the rows of the routes it changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import numpy as np
from numpy.typing import DTypeLike

from routing.nodes import NodeModel

INF = np.int64(2**62)
# Cost of leaving out a node that has no disjunction (it was served; it must stay served).
MANDATORY_PENALTY = 10**13
# Capacity and visit cap of a vehicle that has none.
UNLIMITED = 2**40


class Problem(NamedTuple):
    """Nodes by index; vehicles by index. Depots have no windows and no service."""

    cost: np.ndarray  # (node, node)
    time: np.ndarray  # (node, node), travel only
    service: np.ndarray  # (node,)
    window_start: np.ndarray  # (node, k), sorted
    window_end: np.ndarray  # (node, k)
    window_count: np.ndarray  # (node,); 0: any time
    demand: np.ndarray  # (node,)
    penalty: np.ndarray  # (node,), for leaving the node out
    allowed: np.ndarray  # (node, vehicle), bool
    shift_start: np.ndarray  # (vehicle,)
    shift_end: np.ndarray  # (vehicle,)
    capacity: np.ndarray  # (vehicle,)
    max_visits: np.ndarray  # (vehicle,)
    frozen: np.ndarray  # (vehicle,), bool: route left as it is
    customers: np.ndarray  # the non-depot nodes
    neighbours: np.ndarray  # (node, customer): customers nearest first, itself first
    depot_distance: np.ndarray  # (node,): cost from the nearest vehicle start
    break_early: np.ndarray  # (vehicle,): earliest break start
    break_late: np.ndarray  # (vehicle,): latest break start
    break_length: np.ndarray  # (vehicle,)
    has_break: np.ndarray  # (vehicle,), bool


class State(NamedTuple):
    """One solution. Route v is routes[v, :lens[v]], its start and end nodes included.

    Per stop, two schedules: earliest and latest service start with the vehicle's break
    already taken, and with it still to take (`*_before_break`). A vehicle without a break
    is always in the first.
    """

    routes: np.ndarray  # (vehicle, width)
    lens: np.ndarray  # (vehicle,)
    earliest: np.ndarray  # (vehicle, width)
    latest: np.ndarray  # (vehicle, width)
    load: np.ndarray  # (vehicle,)
    cost: np.ndarray  # (vehicle,)
    route_of: np.ndarray  # (node,); -1: not served
    pos_of: np.ndarray  # (node,)
    earliest_before_break: np.ndarray  # (vehicle, width)
    latest_before_break: np.ndarray  # (vehicle, width)


def problem_arrays(model: NodeModel) -> Problem:
    """Compile `model`; vehicles with a node pinned to a position or a time are frozen."""
    n = len(model.nodes)
    depots = model.depot_nodes()
    vehicles = model.vehicles
    k = max(1, max((len(spec.windows) for spec in model.nodes), default=1))
    window_start = np.zeros((n, k), dtype=np.int64)
    window_end = np.zeros((n, k), dtype=np.int64)
    window_count = np.zeros(n, dtype=np.int64)
    allowed = np.ones((n, len(vehicles)), dtype=np.bool_)
    frozen = np.zeros(len(vehicles), dtype=np.bool_)
    for node, spec in enumerate(model.nodes):
        if node not in depots:
            for j, (a, b) in enumerate(sorted(spec.windows)):
                window_start[node, j] = a
                window_end[node, j] = b
            window_count[node] = len(spec.windows)
        if spec.allowed_vehicles is not None:
            allowed[node, :] = False
            allowed[node, list(spec.allowed_vehicles)] = True
            if spec.position is not None or spec.start_time is not None:
                frozen[list(spec.allowed_vehicles)] = True
    customers = np.array([c for c in range(n) if c not in depots], dtype=np.int64)
    cost = np.asarray(model.cost, dtype=np.int64)
    starts = [v.start for v in vehicles]

    def ints(values: Iterable[int], dtype: DTypeLike = np.int64) -> np.ndarray:
        return np.array(list(values), dtype=dtype)

    return Problem(
        cost=cost,
        time=np.asarray(model.time, dtype=np.int64),
        service=ints(0 if i in depots else s.service for i, s in enumerate(model.nodes)),
        window_start=window_start,
        window_end=window_end,
        window_count=window_count,
        demand=ints(s.demand for s in model.nodes),
        penalty=ints(MANDATORY_PENALTY if s.penalty is None else s.penalty for s in model.nodes),
        allowed=allowed,
        shift_start=ints(v.earliest_start for v in vehicles),
        shift_end=ints(v.latest_end for v in vehicles),
        capacity=ints(UNLIMITED if v.capacity is None else v.capacity for v in vehicles),
        max_visits=ints(UNLIMITED if v.max_visits is None else v.max_visits for v in vehicles),
        frozen=frozen,
        customers=customers,
        neighbours=_neighbours(cost, customers),
        depot_distance=cost[starts, :].min(axis=0) if starts else np.zeros(n, dtype=np.int64),
        break_early=ints(v.breaks[0][0] if v.breaks else 0 for v in vehicles),
        break_late=ints(v.breaks[0][1] if v.breaks else 0 for v in vehicles),
        break_length=ints(v.breaks[0][2] if v.breaks else 0 for v in vehicles),
        has_break=ints((bool(v.breaks) for v in vehicles), np.bool_),
    )


def _neighbours(cost: np.ndarray, customers: np.ndarray) -> np.ndarray:
    """Each node's customers nearest first (by cost both ways), itself first."""
    both_ways = cost[:, customers] + cost[customers, :].T
    neighbours = customers[np.argsort(both_ways, axis=1, kind="stable")]
    for c in customers:
        row = neighbours[c]
        where = int(np.nonzero(row == c)[0][0])
        neighbours[c] = np.concatenate(([c], np.delete(row, where)))
    return neighbours.astype(np.int64)


def empty_state(n_nodes: int, n_vehicles: int, width: int) -> State:
    """A state with every node unserved and room for routes of `width` nodes."""

    def grid() -> np.ndarray:
        return np.zeros((n_vehicles, width), dtype=np.int64)

    def row() -> np.ndarray:
        return np.zeros(n_vehicles, dtype=np.int64)

    return State(
        routes=grid(),
        lens=row(),
        earliest=grid(),
        latest=grid(),
        load=row(),
        cost=row(),
        route_of=np.full(n_nodes, -1, dtype=np.int64),
        pos_of=np.zeros(n_nodes, dtype=np.int64),
        earliest_before_break=grid(),
        latest_before_break=grid(),
    )
