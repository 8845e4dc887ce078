"""Solomon / Gehring & Homberger VRPTW instances: read, model, solve, report.

Conventions of the benchmark: travel time = Euclidean distance, a vehicle may wait,
service must start within [ready, due], vehicles leave the depot no earlier than its ready
time and are back by its due date. Objective: total distance only (no fixed cost per
vehicle); the fleet size of the file is a hard limit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

from routing.hybrid import solve_nodes
from routing.nodes import NodeModel, NodeSpec, SolveOptions, VehicleSpec

# Distances are scaled to integers for OR-Tools. Times are rounded UP so that a schedule
# feasible in integers is feasible in exact arithmetic; costs are rounded to nearest.
SCALE = 1000
# Dropping a customer must cost more than any route could save.
DROP_PENALTY = 10**12


class InstanceError(ValueError):
    """The file is not a readable Solomon-format instance."""


@dataclass(frozen=True)
class Customer:
    """One row of the customer table (row 0 is the depot)."""

    number: int
    x: float
    y: float
    demand: int
    ready: int
    due: int
    service: int


class InstanceResult(TypedDict):
    """solve_instance's answer, printed as JSON by `python -m routing`."""

    instance: str
    vehicles: int
    distance: float
    routes: list[list[int]]
    unserved: list[int]
    status: str
    config: str


@dataclass(frozen=True)
class Instance:
    """A VRPTW instance: fleet size, capacity and customers (depot first)."""

    name: str
    vehicles: int
    capacity: int
    customers: tuple[Customer, ...]


def read_instance(path: str | Path) -> Instance:
    """Parse a Solomon-format text file; raise InstanceError with a one-line reason."""
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise InstanceError(f"cannot read {path}: {exc.strerror}") from exc
    lines = [line.split() for line in text.splitlines()]
    lines = [fields for fields in lines if fields]
    if not lines:
        raise InstanceError(f"{path}: empty file")
    try:
        vehicle_at = next(i for i, f in enumerate(lines) if f == ["VEHICLE"])
        vehicles, capacity = (int(v) for v in lines[vehicle_at + 2])
        customer_at = next(i for i, f in enumerate(lines) if f == ["CUSTOMER"])
        # Everything after the column-title line must be a 7-number customer row.
        rows = lines[customer_at + 2 :]
        customers = tuple(
            Customer(int(r[0]), float(r[1]), float(r[2]), int(r[3]), int(r[4]), int(r[5]),
                     int(r[6]))
            for r in rows
            if len(r) == 7 or _bad_row(r)
        )
    except (StopIteration, IndexError, ValueError) as exc:
        raise InstanceError(f"{path}: not a Solomon-format VRPTW file ({exc})") from exc
    if len(customers) < 2 or [c.number for c in customers] != list(range(len(customers))):
        raise InstanceError(f"{path}: customers must be numbered 0 (depot), 1, 2, ... in order")
    return Instance(lines[0][0], vehicles, capacity, customers)


def _bad_row(fields: list[str]) -> bool:
    raise ValueError(f"customer row with {len(fields)} fields: {' '.join(fields)[:40]}")


def distance(a: Customer, b: Customer) -> float:
    """Exact Euclidean distance."""
    return math.hypot(a.x - b.x, a.y - b.y)


def build_model(
    instance: Instance, initial_routes: tuple[tuple[int, ...], ...] | None = None
) -> NodeModel:
    """Compile the instance to the solver's node model (scaled integers)."""
    cs = instance.customers
    exact = [[distance(a, b) for b in cs] for a in cs]
    time = tuple(tuple(math.ceil(d * SCALE - 1e-6) for d in row) for row in exact)
    cost = tuple(tuple(round(d * SCALE) for d in row) for row in exact)
    depot = cs[0]
    nodes = [NodeSpec()] + [
        NodeSpec(
            windows=((c.ready * SCALE, c.due * SCALE),),
            service=c.service * SCALE,
            demand=c.demand,
            penalty=DROP_PENALTY,
        )
        for c in cs[1:]
    ]
    vehicle = VehicleSpec(0, 0, depot.ready * SCALE, depot.due * SCALE, instance.capacity)
    return NodeModel(time, cost, tuple(nodes), (vehicle,) * instance.vehicles, initial_routes,
                     tight_times=False)


def solve_instance(instance: Instance, options: SolveOptions) -> InstanceResult:
    """Solve and return {"vehicles", "distance", "routes", ...} with exact float distance."""
    solution = solve_nodes(build_model(instance), options)
    routes = [[node for node, _ in r.stops] for r in solution.routes if r.stops]
    return {
        "instance": instance.name,
        "vehicles": len(routes),
        "distance": round(route_distance(instance, routes), 4),
        "routes": routes,
        "unserved": list(solution.dropped),
        "status": solution.status,
        "config": solution.config,
    }


def route_distance(instance: Instance, routes: list[list[int]]) -> float:
    """Total exact distance of routes given as customer numbers (depot implicit)."""
    cs = instance.customers
    total = 0.0
    for route in routes:
        path = [0, *route, 0]
        total += sum(distance(cs[a], cs[b]) for a, b in zip(path, path[1:], strict=False))
    return total
