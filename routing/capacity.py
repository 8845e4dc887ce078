"""Capacity bound: which visits of an oversized day are worth giving to the solver.

Building the model costs O(visits²) (travel matrix, OR-Tools arcs), so a day with thousands
of visits for a handful of technicians must never reach the solver whole. Before building,
the visits are admitted in priority order while the technicians could possibly serve them:

- capacity of a set of technicians = their shift seconds minus lunch, and their visit caps
  (max_visits); travel is ignored, so the bound never turns away a visit the day could hold
  together with everything admitted before it;
- a visit may use only the technicians allowed to do it (a pin names one, a skill names
  those who have it); it is admitted when, for every tracked set of technicians that holds
  all of its allowed technicians (everyone, each skill's technicians, each pinned
  technician), the service seconds and the visit count admitted to that set still fit;
- order: visits already under way or done (pinned with a start time) and the `keep` ids
  always go in; then coordinator pins, then same-day promises, then the oldest received.

The rest comes back as excess: the caller reports it NO_CAPACITY and rolls it over.
Visits no technician may do pass through untouched: the planner drops them before any
travel is asked for, with NO_SKILLED_TECHNICIAN.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from routing.problem import Pin, Priority, RoutingProblem, Technician, Visit


@dataclass(frozen=True)
class CapacityCut:
    """The problem restricted to the admitted visits, and the ids left out (in order)."""

    problem: RoutingProblem
    excess: tuple[str, ...]
    # Upper bounds of the whole fleet, for the plan's record.
    seconds: int
    slots: int | None


@dataclass
class _Pool:
    """A set of technicians: what they offer and what was admitted to them so far."""

    members: frozenset[str]
    seconds: int
    slots: int | None  # None: no visit cap on at least one member
    used_seconds: int = 0
    used_slots: int = 0

    def fits(self, service_seconds: int) -> bool:
        return (self.used_seconds + service_seconds <= self.seconds
                and (self.slots is None or self.used_slots + 1 <= self.slots))

    def take(self, service_seconds: int) -> None:
        self.used_seconds += service_seconds
        self.used_slots += 1


def working_seconds(tech: Technician) -> int:
    """Seconds of a shift a technician can spend on site or driving (lunch taken out)."""
    lunch = tech.lunch.duration if tech.lunch else 0
    return max(0, tech.shift_end - tech.shift_start - lunch)


def _pool(techs: Collection[Technician]) -> _Pool:
    caps = [t.max_visits for t in techs]
    slots = None if any(c is None for c in caps) else sum(c for c in caps if c is not None)
    return _Pool(frozenset(t.id for t in techs), sum(working_seconds(t) for t in techs), slots)


def _allowed(visit: Visit, techs: tuple[Technician, ...], pin: Pin | None) -> frozenset[str]:
    if pin is not None:
        return frozenset(t.id for t in techs if t.id == pin.technician_id)
    return frozenset(t.id for t in techs if visit.skill is None or visit.skill in t.skills)


def select_within_capacity(problem: RoutingProblem, received: Mapping[str, datetime],
                           keep: Collection[str] = ()) -> CapacityCut:
    """Admit visits by priority while the technicians could serve them; see the module doc.

    `received` gives each visit's call reception time (oldest first among equals); a visit
    missing from it ranks after those present, by id.
    """
    techs = problem.technicians
    pins = {p.visit_id: p for p in problem.pins}
    pools = [_pool(techs)]
    pools += [_pool([t for t in techs if skill in t.skills])
              for skill in sorted({v.skill for v in problem.visits if v.skill})]
    pools += [_pool([t for t in techs if t.id == tid])
              for tid in sorted({p.technician_id for p in problem.pins})]
    fixed = {p.visit_id for p in problem.pins if p.start_time is not None} | set(keep)

    def rank(visit: Visit) -> tuple[bool, bool, bool, bool, float, str]:
        when = received.get(visit.id)
        return (visit.id not in fixed, visit.id not in pins,
                visit.priority != Priority.SAME_DAY, when is None,
                when.timestamp() if when else 0.0, visit.id)

    admitted: set[str] = set()
    excess: list[str] = []
    for visit in sorted(problem.visits, key=rank):
        allowed = _allowed(visit, techs, pins.get(visit.id))
        if not allowed:  # nobody may do it: the planner drops it before building anything
            admitted.add(visit.id)
            continue
        concerned = [p for p in pools if allowed <= p.members]
        if visit.id in fixed or all(p.fits(visit.service_seconds) for p in concerned):
            for p in concerned:
                p.take(visit.service_seconds)
            admitted.add(visit.id)
        else:
            excess.append(visit.id)
    kept = replace(problem, visits=tuple(v for v in problem.visits if v.id in admitted),
                   pins=tuple(p for p in problem.pins if p.visit_id in admitted))
    return CapacityCut(kept, tuple(excess), pools[0].seconds, pools[0].slots)
