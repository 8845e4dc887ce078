"""The solver's input and output in matrix form: nodes and vehicles by integer index.

Both the dispatch planner (routing.planner) and the VRPTW benchmark reader (routing.vrptw)
compile to a NodeModel, so routing.solver is the one place that knows OR-Tools.
Time units are whatever the caller uses (seconds for dispatch, scaled distance for VRPTW).
"""

from __future__ import annotations

from dataclasses import dataclass

Matrix = tuple[tuple[int, ...], ...]


@dataclass(frozen=True)
class NodeSpec:
    """One node. Depot nodes (any vehicle's start or end) ignore everything but location."""

    windows: tuple[tuple[int, int], ...] = ()
    service: int = 0
    demand: int = 0
    # None: the node must be served (no disjunction).
    penalty: int | None = None
    allowed_vehicles: tuple[int, ...] | None = None
    position: int | None = None
    start_time: int | None = None


@dataclass(frozen=True)
class VehicleSpec:
    """One vehicle: start and end node, working time, capacity, visit cap and breaks."""

    start: int
    end: int
    earliest_start: int
    latest_end: int
    capacity: int | None = None
    max_visits: int | None = None
    # (earliest start, latest start, duration)
    breaks: tuple[tuple[int, int, int], ...] = ()


@dataclass(frozen=True)
class NodeModel:
    """A complete matrix-level problem; every field is plain data so it pickles."""

    time: Matrix
    cost: Matrix
    nodes: tuple[NodeSpec, ...]
    vehicles: tuple[VehicleSpec, ...]
    # Previous routes (node lists per vehicle, without depots) to warm start from.
    initial_routes: tuple[tuple[int, ...], ...] | None = None
    # Ask OR-Tools for tight times (finalizers). Costs search speed; VRPTW needs no times.
    tight_times: bool = True

    def depot_nodes(self) -> set[int]:
        """Nodes used as a start or end by some vehicle."""
        return {v.start for v in self.vehicles} | {v.end for v in self.vehicles}

    def horizon(self) -> int:
        """An upper bound on any time in the model."""
        ends = [v.latest_end for v in self.vehicles]
        ends += [w[1] for node in self.nodes for w in node.windows]
        return max(ends, default=0) + 1


@dataclass(frozen=True)
class SolveOptions:
    """Search budget and strategy.

    time_limit_s bounds wall time. solution_limit (if set) stops after that many improving
    solutions, which makes a run reproducible regardless of machine load. parallel runs a
    second, differently configured search in another process and keeps the better result;
    None means "on when the problem has at least parallel_min_nodes nodes".
    """

    time_limit_s: float = 5.0
    solution_limit: int | None = None
    parallel: bool | None = None
    parallel_min_nodes: int = 100
    first_solution: str = "PARALLEL_CHEAPEST_INSERTION"
    metaheuristic: str = "GUIDED_LOCAL_SEARCH"
    gls_lambda: float = 0.1
    # Extra search parameters as (dotted field, value), e.g.
    # ("local_search_operators.use_cross_exchange", True); booleans map to BOOL_TRUE/FALSE.
    tweaks: tuple[tuple[str, object], ...] = ()
    # When set, a window's end becomes soft at this cost per time unit late, letting the
    # search cross infeasible ground; only late-free results are ever accepted.
    soft_window_cost: int | None = None
    # Improve OR-Tools' solution by ruin-and-recreate (routing.ruin_recreate) where the
    # model allows it; off gives OR-Tools alone.
    ruin_recreate: bool = True

    def is_parallel(self, nodes: int) -> bool:
        """Whether to run the second search."""
        return self.parallel if self.parallel is not None else nodes >= self.parallel_min_nodes


@dataclass(frozen=True)
class VehicleRoute:
    """A solved route: (node, service start) per stop, plus start/end times and breaks."""

    stops: tuple[tuple[int, int], ...]
    start_time: int
    end_time: int
    # (start, duration) of each break taken
    breaks: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class NodeSolution:
    """What the solver found; `dropped` lists nodes left unserved."""

    routes: tuple[VehicleRoute, ...]
    dropped: tuple[int, ...]
    objective: int
    status: str
    wall_seconds: float
    config: str = ""
    # Stops served after their window closed (only possible with soft windows).
    late: int = 0
