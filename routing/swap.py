"""Swap a new visit into a full day: a visit of lower priority gives way (in-day re-planning).

When cheapest insertion (routing.insertion) finds no room, a same-day call may take the place
of a next-day visit on a nearby technician's route: that route loses the visit and takes the
new one at its cheapest feasible position. The visit that gave way then goes to its own
cheapest place on any route with room; failing that it is dropped with NO_CAPACITY (the
caller moves it to its pack's next support day). A visit never gives way to a call of the
same priority, nor when it is started or pinned. Every other route keeps its stops and times.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, replace

from routing.insertion import (
    Leg,
    first_movable_position,
    fixed_start,
    insert_visit,
    nearest,
    qualified,
    reorder,
    schedule,
    travel_seconds,
)
from routing.problem import (
    DroppedVisit,
    DropReason,
    Pin,
    Priority,
    Route,
    RoutePlan,
    RoutingProblem,
    Technician,
    Visit,
)

# Lower rank = kept first. Only a visit ranked strictly below the new call gives way.
RANK = {Priority.SAME_DAY: 0, Priority.NEXT_DAY: 1}


@dataclass(frozen=True)
class Swap:
    """The day with the new visit in, and which visit gave way and where it went."""

    plan: RoutePlan
    technician_id: str  # who now serves the new visit
    displaced: str  # the visit that gave way
    relocated_to: str | None  # its new technician, or None: dropped with NO_CAPACITY


def gives_way(new: Priority, stop: Priority) -> bool:
    """True when a planned visit of priority `stop` may give way to a call of `new`."""
    return RANK[stop] > RANK[new]


def swap_visit(
    problem: RoutingProblem,
    plan: RoutePlan,
    visit: Visit,
    *,
    candidates: int = 10,
    relocations: int = 8,
) -> Swap | None:
    """The cheapest feasible swap bringing `visit` into `plan`, or None if there is none.

    Swaps are ranked by the travel they add to the receiving route; the `relocations`
    cheapest are tried with their displaced visit re-inserted elsewhere, and the cheapest
    whole move (swap plus relocation) that serves both wins. If none of them can re-home
    its displaced visit, the cheapest swap wins and that visit is dropped.
    """
    started = time.monotonic()
    visits = {v.id: v for v in problem.visits} | {visit.id: visit}
    pins = {p.visit_id: p for p in problem.pins}
    techs = qualified(problem.technicians, visit, pins.get(visit.id))
    if not techs:
        return None
    routes = {r.technician_id: r for r in plan.routes}
    options: list[tuple[int, str, Route]] = []
    for tech in nearest(problem, techs, visit)[:candidates]:
        route = routes.get(tech.id)
        if route is not None and route.stops:
            options += _swaps_in_route(problem, route, tech, visit, visits, pins)
    if not options:
        return None
    options.sort(key=lambda o: (o[0], o[2].technician_id, o[1]))
    everything = replace(problem, visits=tuple(visits.values()))
    dropped = tuple(d for d in plan.dropped if d.visit_id != visit.id)
    best: tuple[int, Swap] | None = None
    for added, displaced, new_route in options[:relocations]:
        swapped = _with_route(plan, new_route, added, dropped)
        moved = insert_visit(everything, swapped, visits[displaced], candidates=candidates)
        if any(d.visit_id == displaced for d in moved.dropped):
            continue
        cost = moved.objective - plan.objective
        if best is None or cost < best[0]:
            where = next(r.technician_id for r in moved.routes
                         if any(s.visit_id == displaced for s in r.stops))
            best = (cost, Swap(replace(moved, status="SWAPPED"), new_route.technician_id,
                               displaced, where))
    if best is None:
        added, displaced, new_route = options[0]
        gone = (*dropped, DroppedVisit(displaced, DropReason.NO_CAPACITY))
        best = (added, Swap(_with_route(plan, new_route, added, gone),
                            new_route.technician_id, displaced, None))
    swap = best[1]
    return replace(swap, plan=replace(swap.plan, wall_seconds=time.monotonic() - started))


def _with_route(plan: RoutePlan, route: Route, added: int,
                dropped: tuple[DroppedVisit, ...]) -> RoutePlan:
    routes = {r.technician_id: r for r in plan.routes} | {route.technician_id: route}
    return replace(plan, routes=tuple(routes.values()), dropped=dropped,
                   objective=plan.objective + added, status="SWAPPED")


def _swaps_in_route(
    problem: RoutingProblem,
    route: Route,
    tech: Technician,
    visit: Visit,
    visits: Mapping[str, Visit],
    pins: Mapping[str, Pin],
) -> list[tuple[int, str, Route]]:
    """For each stop that may give way: (added seconds, its id, the route with `visit`)."""
    legs = [Leg(visits[s.visit_id], fixed_start(pins.get(s.visit_id), s)) for s in route.stops]
    matrix = problem.travel.matrix(
        [tech.start, tech.end, *(leg.visit.location for leg in legs), visit.location]
    )
    old_cost = travel_seconds(range(len(legs)), matrix.durations)
    first = first_movable_position(route, pins)
    new_leg, new_index = Leg(visit, None), len(legs)
    found: list[tuple[int, str, Route]] = []
    for out in range(first, len(legs)):
        leaving = legs[out].visit
        if leaving.id in pins or not gives_way(visit.priority, leaving.priority):
            continue
        kept = [i for i in range(len(legs)) if i != out]
        best: tuple[int, list[int]] | None = None
        for position in range(first, len(kept) + 1):
            order = [*kept[:position], new_index, *kept[position:]]
            trial = [new_leg if i == new_index else legs[i] for i in order]
            durations = reorder(matrix.durations, order)
            # Feasibility and cost need durations only; distances for the winner below.
            if schedule(tech, trial, durations, durations) is None:
                continue
            added = travel_seconds(range(len(trial)), durations) - old_cost
            if best is None or added < best[0]:
                best = (added, order)
        if best is not None:
            added, order = best
            trial = [new_leg if i == new_index else legs[i] for i in order]
            swapped = schedule(tech, trial, reorder(matrix.durations, order),
                               reorder(matrix.distances, order))
            assert swapped is not None  # the same schedule as above
            found.append((added, leaving.id, swapped))
    return found
