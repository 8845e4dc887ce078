"""Insert one new visit into a planned day without re-planning it (in-day re-planning).

Cheapest feasible insertion: every position of every nearby qualified technician's route is
tried with an exact forward schedule (windows, lunch, shift end, visit cap, pins); nothing
else moves. Fast enough for a national day because only the nearest technicians are asked.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from routing.nodes import SolveOptions
from routing.planner import solve
from routing.problem import (
    DroppedVisit,
    DropReason,
    Pin,
    Route,
    RoutePlan,
    RoutingProblem,
    Stop,
    Technician,
    TravelMatrix,
    Visit,
)

# Seconds or metres between points: rows and columns 0 = start, 1 = end, 2 + i = legs[i].
Matrix = Sequence[Sequence[int]]


@dataclass(frozen=True)
class Leg:
    """One stop to schedule: the visit and, for started/fixed visits, its fixed start."""

    visit: Visit
    fixed_start: int | None


def schedule(
    tech: Technician, legs: Sequence[Leg], durations: Matrix, distances: Matrix
) -> Route | None:
    """Earliest feasible schedule of the legs in order, or None if it breaks a rule.

    Matrix rows/columns: 0 = technician start, 1 = end, 2 + i = legs[i].
    """
    if tech.max_visits is not None and len(legs) > tech.max_visits:
        return None
    lunch, lunch_done = tech.lunch, tech.lunch is None
    lunch_start: int | None = None
    clock, here, metres = tech.shift_start, 0, 0
    stops: list[Stop] = []
    for i, leg in enumerate(legs):
        there = 2 + i
        arrival, start = _arrive(leg, clock + durations[here][there])
        if start is None:
            return None
        # lunch_done is True whenever there is no lunch; mypy cannot see that.
        if (
            lunch is not None
            and not lunch_done
            and start + leg.visit.service_seconds > lunch.latest_start
        ):
            # Serving first would push lunch past its latest start: eat now, then drive.
            clock = max(clock, lunch.earliest_start)
            if clock > lunch.latest_start:
                return None
            lunch_start, lunch_done = clock, True
            clock += lunch.duration
            arrival, start = _arrive(leg, clock + durations[here][there])
            if start is None:
                return None
        stops.append(Stop(leg.visit.id, arrival, start, start + leg.visit.service_seconds))
        metres += distances[here][there]
        clock, here = start + leg.visit.service_seconds, there
    if lunch is not None and not lunch_done:
        lunch_start = max(clock, lunch.earliest_start)
        if lunch_start > lunch.latest_start:
            return None
        clock = lunch_start + lunch.duration
    back = clock + durations[here][1]
    if back > tech.shift_end:
        return None
    metres += distances[here][1]
    departure = tech.shift_start
    if stops and stops[0].arrival == tech.shift_start + durations[0][2]:
        # No lunch before the first stop: leave late enough not to wait at the door.
        departure = max(tech.shift_start, stops[0].service_start - durations[0][2])
        stops[0] = replace(stops[0], arrival=departure + durations[0][2])
    return Route(tech.id, departure, back, tuple(stops), metres, back - departure, lunch_start)


def _arrive(leg: Leg, arrival: int) -> tuple[int, int | None]:
    """Service start for an arrival time: the fixed start, or the first window that fits."""
    if leg.fixed_start is not None:
        # Already started or fixed by hand: reality wins over the estimate.
        return min(arrival, leg.fixed_start), leg.fixed_start
    for window in sorted(leg.visit.windows, key=lambda w: w.start):
        if arrival <= window.end:
            return arrival, max(arrival, window.start)
    return arrival, None


def insert_visit(
    problem: RoutingProblem,
    plan: RoutePlan,
    visit: Visit,
    *,
    candidates: int = 30,
    improve_seconds: float = 0.0,
) -> RoutePlan:
    """Add `visit` to `plan` at its cheapest feasible place; otherwise list it as dropped.

    With improve_seconds > 0 the receiving technician's day is then re-sequenced by a
    short warm-started search (kept only if it drives less); nobody else's day changes.
    """
    started = time.monotonic()
    visits = {v.id: v for v in problem.visits} | {visit.id: visit}
    pins = {p.visit_id: p for p in problem.pins}
    techs = qualified(problem.technicians, visit, pins.get(visit.id))
    if not techs:
        return _dropped(plan, visit, DropReason.NO_SKILLED_TECHNICIAN, started)
    techs = nearest(problem, techs, visit)[:candidates]
    best: tuple[int, Route] | None = None
    reachable = False
    routes = {r.technician_id: r for r in plan.routes}
    for tech in techs:
        # A technician added since the plan was made starts with an empty day.
        route = routes.get(tech.id, Route(tech.id, tech.shift_start, tech.shift_start, (), 0, 0))
        found, alone_ok = _best_in_route(problem, route, tech, visit, visits, pins)
        reachable = reachable or alone_ok
        if found is not None and (best is None or found[0] < best[0]):
            best = found
    if best is None:
        reason = DropReason.NO_CAPACITY if reachable else DropReason.CANNOT_ARRIVE_IN_HOURS
        return _dropped(plan, visit, reason, started)
    added, new_route = best
    routes = {**routes, new_route.technician_id: new_route}
    ordered = tuple(routes.values())  # the plan's order, a newly staffed technician last
    dropped = tuple(d for d in plan.dropped if d.visit_id != visit.id)
    result = replace(plan, routes=ordered, dropped=dropped, objective=plan.objective + added,
                     status="INSERTED")
    if improve_seconds > 0:
        bigger = replace(problem, visits=tuple(visits.values()))
        result = improve_route(bigger, result, new_route.technician_id, improve_seconds)
    return replace(result, wall_seconds=time.monotonic() - started)


def improve_route(
    problem: RoutingProblem, plan: RoutePlan, technician_id: str, seconds: float = 0.5
) -> RoutePlan:
    """Re-sequence one technician's stops (pins kept); keep the result only if shorter."""
    route = plan.route_of(technician_id)
    if len(route.stops) < 2:
        return plan
    tech = next(t for t in problem.technicians if t.id == technician_id)
    mine = {s.visit_id for s in route.stops}
    alone = RoutingProblem(
        technicians=(tech,),
        visits=tuple(v for v in problem.visits if v.id in mine),
        travel=problem.travel,
        pins=tuple(p for p in problem.pins if p.visit_id in mine),
    )
    options = SolveOptions(time_limit_s=seconds, parallel=False)
    better = solve(alone, options, previous={technician_id: [s.visit_id for s in route.stops]})
    candidate = better.routes[0]
    if better.dropped or candidate.distance_m >= route.distance_m:
        return plan
    routes = tuple(candidate if r.technician_id == technician_id else r for r in plan.routes)
    return replace(plan, routes=routes)


def _best_in_route(
    problem: RoutingProblem,
    route: Route,
    tech: Technician,
    visit: Visit,
    visits: Mapping[str, Visit],
    pins: Mapping[str, Pin],
) -> tuple[tuple[int, Route] | None, bool]:
    """Cheapest (added seconds, new route) for this technician, and whether alone is ok."""
    legs = [Leg(visits[s.visit_id], fixed_start(pins.get(s.visit_id), s)) for s in route.stops]
    matrix = problem.travel.matrix(
        [tech.start, tech.end, *(leg.visit.location for leg in legs), visit.location]
    )
    old_cost = travel_seconds(range(len(legs)), matrix.durations)
    best: tuple[int, int] | None = None
    for position in range(first_movable_position(route, pins), len(legs) + 1):
        order = [*range(position), len(legs), *range(position, len(legs))]
        trial = [*legs[:position], Leg(visit, None), *legs[position:]]
        durations = reorder(matrix.durations, order)
        # Feasibility and cost need durations only; distances for the winner below.
        if schedule(tech, trial, durations, durations) is None:
            continue
        added = travel_seconds(range(len(trial)), durations) - old_cost
        if best is None or added < best[0]:
            best = (added, position)
    if best is None:
        return None, _alone_ok(tech, visit, matrix)
    added, position = best
    order = [*range(position), len(legs), *range(position, len(legs))]
    trial = [*legs[:position], Leg(visit, None), *legs[position:]]
    new_route = schedule(tech, trial, reorder(matrix.durations, order),
                         reorder(matrix.distances, order))
    assert new_route is not None  # the same schedule as above
    return (added, new_route), _alone_ok(tech, visit, matrix)


def qualified(
    technicians: Sequence[Technician], visit: Visit, pin: Pin | None
) -> list[Technician]:
    if pin is not None:
        return [t for t in technicians if t.id == pin.technician_id]
    return [t for t in technicians if visit.skill is None or visit.skill in t.skills]


def nearest(problem: RoutingProblem, techs: list[Technician], visit: Visit) -> list[Technician]:
    """Technicians by driving time from their start, dropping those who can never arrive."""
    # Technicians share bases: ask only for the distinct starts (20 bases, not 200 rows).
    starts = list(dict.fromkeys(t.start for t in techs))
    matrix = problem.travel.matrix([visit.location, *starts])
    to_visit = {start: matrix.durations[i + 1][0] for i, start in enumerate(starts)}
    latest = max(w.end for w in visit.windows)
    timed = [(to_visit[t.start], i, t) for i, t in enumerate(techs)]
    return [t for d, _, t in sorted(timed) if t.shift_start + d <= latest]


def fixed_start(pin: Pin | None, stop: Stop) -> int | None:
    return pin.start_time if pin is not None and pin.start_time is not None else None


def first_movable_position(route: Route, pins: Mapping[str, Pin]) -> int:
    """The new visit goes after any stop pinned to a position or a start time."""
    fixed = [i for i, s in enumerate(route.stops)
             if (pin := pins.get(s.visit_id)) and (pin.position is not None or pin.start_time)]
    return max(fixed) + 1 if fixed else 0


def reorder(matrix: Matrix, order: list[int]) -> list[list[int]]:
    """Re-index a matrix [start, end, legs...] so that leg j is original leg order[j]."""
    index = [0, 1, *(2 + o for o in order)]
    return [[matrix[a][b] for b in index] for a in index]


def travel_seconds(legs: range, durations: Matrix) -> int:
    path = [0, *(2 + i for i in legs), 1]
    return sum(durations[a][b] for a, b in zip(path, path[1:], strict=False))


def _alone_ok(tech: Technician, visit: Visit, matrix: TravelMatrix) -> bool:
    last = len(matrix.durations) - 3
    durations = reorder(matrix.durations, [last])
    return schedule(tech, [Leg(visit, None)], durations, durations) is not None


def _dropped(plan: RoutePlan, visit: Visit, reason: DropReason, started: float) -> RoutePlan:
    dropped = tuple(d for d in plan.dropped if d.visit_id != visit.id)
    return replace(plan, dropped=(*dropped, DroppedVisit(visit.id, reason)),
                   status="NOT_INSERTED", wall_seconds=time.monotonic() - started)
