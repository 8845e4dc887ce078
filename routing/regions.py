"""National scale: split the day by base, solve the regions in parallel, merge, repair.

A technician belongs to the region of their start location; a visit to the region of the
nearest start location. Regions are solved independently (both cores), then visits a
region could not serve are offered to every technician by cheapest insertion.
"""

from __future__ import annotations

import math
import multiprocessing
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace

from routing.insertion import insert_visit
from routing.nodes import SolveOptions
from routing.planner import solve
from routing.problem import (
    DroppedVisit,
    DropReason,
    Location,
    Priority,
    RoutePlan,
    RoutingProblem,
    Visit,
)


def _km(a: Location, b: Location) -> float:
    """Haversine kilometres: only to pick a region, never as a travel time."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(
        (lon2 - lon1) / 2
    ) ** 2
    return 12_742 * math.asin(math.sqrt(h))


def split_by_base(problem: RoutingProblem) -> list[RoutingProblem]:
    """One sub-problem per distinct technician start location; pins follow their technician."""
    bases = list(dict.fromkeys(t.start for t in problem.technicians))
    techs_at = {base: [t for t in problem.technicians if t.start == base] for base in bases}
    region_of_tech = {t.id: t.start for t in problem.technicians}
    pins = {p.visit_id: p for p in problem.pins}
    visits_at: dict[Location, list[Visit]] = {base: [] for base in bases}
    for visit in problem.visits:
        pin = pins.get(visit.id)
        if pin is not None and pin.technician_id in region_of_tech:
            base = region_of_tech[pin.technician_id]
        else:
            base = min(bases, key=lambda b: _km(b, visit.location))
        visits_at[base].append(visit)
    return [
        RoutingProblem(
            technicians=tuple(techs_at[base]),
            visits=tuple(visits_at[base]),
            travel=problem.travel,
            pins=tuple(p for p in problem.pins if region_of_tech.get(p.technician_id) == base),
        )
        for base in bases
    ]


def merge(problem: RoutingProblem, plans: Sequence[RoutePlan], wall: float) -> RoutePlan:
    """Combine regional plans, routes in the problem's technician order."""
    routes = {r.technician_id: r for plan in plans for r in plan.routes}
    statuses = sorted({plan.status for plan in plans})
    return RoutePlan(
        routes=tuple(routes[t.id] for t in problem.technicians),
        dropped=tuple(d for plan in plans for d in plan.dropped),
        objective=sum(plan.objective for plan in plans),
        status=statuses[0] if len(statuses) == 1 else "+".join(statuses),
        wall_seconds=wall,
    )


def load_kernels() -> None:
    """Load the solver's kernels from numba's cache in a process about to solve regions.

    A solve never loads them inside its budget (routing.hybrid): without this a spawned
    region process would run OR-Tools alone for every region it gets.
    """
    from routing.ruin_recreate import warm_if_cached  # numba: only in solving processes

    warm_if_cached()


def solve_by_region(
    problem: RoutingProblem,
    options: SolveOptions | None = None,
    workers: int = 2,
    repair_seconds: float = 2.0,
) -> RoutePlan:
    """Plan a large day region by region (`options` applies to each), then repair drops."""
    started = time.monotonic()
    options = replace(options or SolveOptions(time_limit_s=2.0), parallel=False)
    regions = split_by_base(problem)
    if workers <= 1:
        plans = [solve(region, options) for region in regions]
    else:
        # spawn, not fork: the caller may be a threaded web app or scheduler.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                 initializer=load_kernels) as pool:
            plans = list(pool.map(solve, regions, [options] * len(regions)))
    plan = merge(problem, plans, time.monotonic() - started)
    return repair(problem, plan, started, time.monotonic() + repair_seconds)


def repair(problem: RoutingProblem, plan: RoutePlan, started: float, deadline: float) -> RoutePlan:
    """Offer dropped visits to technicians of any region until the deadline.

    Visits a region could not staff (skill, distance) come first, then same-day promises;
    next-day visits dropped for capacity are left to roll, as a full region stays full.
    """
    visits = {v.id: v for v in problem.visits}
    status = plan.status

    def urgency(dropped: DroppedVisit) -> tuple[bool, bool]:
        same_day = visits[dropped.visit_id].priority == Priority.SAME_DAY
        return dropped.reason == DropReason.NO_CAPACITY, not same_day

    for dropped in sorted(plan.dropped, key=urgency):
        if urgency(dropped) == (True, True) or time.monotonic() > deadline:
            break
        plan = insert_visit(problem, plan, visits[dropped.visit_id])
    return replace(plan, status=status, wall_seconds=time.monotonic() - started)
