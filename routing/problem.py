"""The routing problem and its answer, as plain frozen values.

Time convention: every time is an integer number of seconds since an epoch chosen by the
caller, normally midnight (Asia/Tokyo) of the service day, so 09:00 is 32_400. Durations are
integer seconds and distances integer metres. Locations are (latitude, longitude) in degrees.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

Location = tuple[float, float]


class Priority(StrEnum):
    """How hard the planner tries to keep a visit on this day."""

    # A same-day promise (rules.md §5) must be kept if at all possible.
    SAME_DAY = "SAME_DAY"
    # A next-day visit may roll to a later day when the day is full.
    NEXT_DAY = "NEXT_DAY"


class DropReason(StrEnum):
    """Why a visit is not in the plan; the strings match dispatch's rule codes."""

    CANNOT_ARRIVE_IN_HOURS = "CANNOT_ARRIVE_IN_HOURS"
    NO_SKILLED_TECHNICIAN = "NO_SKILLED_TECHNICIAN"
    NO_CAPACITY = "NO_CAPACITY"


@dataclass(frozen=True)
class TimeWindow:
    """Service must start within [start, end] (seconds since the epoch)."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"time window ends before it starts: {self.start}..{self.end}")


@dataclass(frozen=True)
class Break:
    """A break of `duration` seconds that must start within [earliest_start, latest_start]."""

    earliest_start: int
    latest_start: int
    duration: int


@dataclass(frozen=True)
class Technician:
    """One vehicle: where it starts and ends, its shift, skills, lunch and visit cap."""

    id: str
    start: Location
    end: Location
    shift_start: int
    shift_end: int
    skills: frozenset[str] = frozenset()
    lunch: Break | None = None
    max_visits: int | None = None


@dataclass(frozen=True)
class Visit:
    """One onsite visit: where, when it may start, how long it takes, who may do it."""

    id: str
    location: Location
    windows: tuple[TimeWindow, ...]
    service_seconds: int
    skill: str | None = None
    priority: Priority = Priority.NEXT_DAY

    def __post_init__(self) -> None:
        if not self.windows:
            raise ValueError(f"visit {self.id} has no time window")


@dataclass(frozen=True)
class Pin:
    """A visit fixed to a technician, optionally to a 0-based position and a start time.

    Visits already started or done are pinned with both position and start_time.
    """

    visit_id: str
    technician_id: str
    position: int | None = None
    start_time: int | None = None


@dataclass(frozen=True)
class TravelMatrix:
    """Travel durations (s) and distances (m) between the given locations, row = from."""

    durations: tuple[tuple[int, ...], ...]
    distances: tuple[tuple[int, ...], ...]


class TravelTimeSource(Protocol):
    """Anything that can give durations and distances between locations."""

    def matrix(self, locations: Sequence[Location]) -> TravelMatrix:
        """Return the all-pairs travel matrix for `locations`."""
        ...


@dataclass(frozen=True)
class RoutingProblem:
    """One day (or part of a day) to plan."""

    technicians: tuple[Technician, ...]
    visits: tuple[Visit, ...]
    travel: TravelTimeSource
    pins: tuple[Pin, ...] = ()


@dataclass(frozen=True)
class Stop:
    """A visit in a route: arrival (ETA), service start and service end, in seconds."""

    visit_id: str
    arrival: int
    service_start: int
    service_end: int


@dataclass(frozen=True)
class Route:
    """One technician's day: leave the start, do the stops in order, reach the end."""

    technician_id: str
    departure: int
    return_time: int
    stops: tuple[Stop, ...]
    distance_m: int
    duration_s: int
    # When the lunch break starts (None: no lunch, or no stops to plan around).
    lunch_start: int | None = None


@dataclass(frozen=True)
class DroppedVisit:
    """A visit left out of the plan, with the reason code."""

    visit_id: str
    reason: DropReason


@dataclass(frozen=True)
class RoutePlan:
    """The answer: one route per technician (possibly empty), dropped visits and stats."""

    routes: tuple[Route, ...]
    dropped: tuple[DroppedVisit, ...]
    objective: int
    status: str
    wall_seconds: float

    def route_of(self, technician_id: str) -> Route:
        """Return the route of one technician."""
        return next(r for r in self.routes if r.technician_id == technician_id)

    def sequences(self) -> dict[str, list[str]]:
        """Visit ids in order per technician, as used for a warm start."""
        return {r.technician_id: [s.visit_id for s in r.stops] for r in self.routes}
