"""Where a site stands against the service bases and the remote-island registry (rules.md §5).

Order of the rule: a remote island wins even when a base is near (islands get phone-only
service in principle); then outside every base's service radius; then inside a service
radius but outside every same-day radius; otherwise the site is in the same-day area.
Radii are inclusive: a site exactly on a circle is inside it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum

from geopy.distance import geodesic

from dispatch.domain.codes import RuleCode
from dispatch.domain.islands import IslandArea, IslandRegistry, check_lat_lon, haversine_km

# The great-circle pre-filter differs from the WGS84 geodesic by at most ~0.56 % (the
# flattening); this slack guarantees the pre-filter never drops a base the geodesic keeps.
PREFILTER_RELATIVE_SLACK = 0.006
PREFILTER_ABSOLUTE_SLACK_KM = 0.5
# Floating rounding of a point placed exactly on a radius must not flip it outside.
BOUNDARY_TOLERANCE_KM = 1e-6


@dataclass(frozen=True)
class ServiceBase:
    """A service base (サービス拠点): its location, service radius and same-day radius."""

    code: str
    lat: float
    lon: float
    service_radius_km: float
    same_day_radius_km: float

    def __post_init__(self) -> None:
        check_lat_lon(self.lat, self.lon, f"base {self.code!r}")
        if not math.isfinite(self.service_radius_km) or self.service_radius_km < 0:
            raise ValueError(f"base {self.code!r}: service_radius_km must be >= 0")
        # The same-day area is part of the service area; a larger one would be meaningless.
        if not 0 <= self.same_day_radius_km <= self.service_radius_km:
            raise ValueError(
                f"base {self.code!r}: same_day_radius_km must be between 0 and service_radius_km"
            )


class AreaVerdict(Enum):
    """The four outcomes; the three refusals carry the rule code of the same name."""

    IN_SAME_DAY_AREA = None
    OUTSIDE_SAME_DAY_AREA = RuleCode.OUTSIDE_SAME_DAY_AREA
    OUTSIDE_SERVICE_AREA = RuleCode.OUTSIDE_SERVICE_AREA
    REMOTE_ISLAND = RuleCode.REMOTE_ISLAND

    @property
    def code(self) -> RuleCode | None:
        """The rule code to report, or None inside the same-day area."""
        code: RuleCode | None = self.value
        return code


@dataclass(frozen=True)
class AreaDecision:
    """The area rule's answer for one site."""

    code: RuleCode | None
    nearest_base_code: str | None
    distance_km: float | None
    same_day_base_codes: tuple[str, ...] = ()
    service_base_codes: tuple[str, ...] = ()
    island: IslandArea | None = field(default=None)

    @property
    def verdict(self) -> AreaVerdict:
        """The decision as an AreaVerdict member."""
        return AreaVerdict(self.code)

    @property
    def is_remote_island(self) -> bool:
        """True when the site is on a registered remote island."""
        return self.code is RuleCode.REMOTE_ISLAND


def evaluate_area(
    lat: float, lon: float, bases: Sequence[ServiceBase], registry: IslandRegistry
) -> AreaDecision:
    """Decide the site's area verdict against every base and the island registry."""
    check_lat_lon(lat, lon, "site")
    island = registry.find_island(lat, lon)
    distances = base_distances_km(lat, lon, bases)
    nearest = min(distances, key=lambda pair: pair[1], default=None)
    service = _codes_within(distances, lambda base: base.service_radius_km)
    same_day = _codes_within(distances, lambda base: base.same_day_radius_km)
    if island is not None:
        code: RuleCode | None = RuleCode.REMOTE_ISLAND
    elif not service:
        code = RuleCode.OUTSIDE_SERVICE_AREA
    elif not same_day:
        code = RuleCode.OUTSIDE_SAME_DAY_AREA
    else:
        code = None
    return AreaDecision(
        code=code,
        nearest_base_code=nearest[0].code if nearest else None,
        distance_km=nearest[1] if nearest else None,
        same_day_base_codes=same_day,
        service_base_codes=service,
        island=island,
    )


def base_distances_km(
    lat: float, lon: float, bases: Sequence[ServiceBase]
) -> list[tuple[ServiceBase, float]]:
    """Geodesic distance to every base that matters: within its service radius or nearest.

    Bases clearly beyond their service radius and clearly farther than the nearest are
    skipped by a great-circle pre-filter, so their geodesic (the slow part) is never run.
    """
    rough = [(base, haversine_km(lat, lon, base.lat, base.lon)) for base in bases]
    if not rough:
        return []
    nearest_rough = min(distance for _, distance in rough)
    return [
        (base, geodesic_km(lat, lon, base))
        for base, distance in rough
        if _may_be_within(distance, max(base.service_radius_km, nearest_rough))
    ]


def geodesic_km(lat: float, lon: float, base: ServiceBase) -> float:
    """WGS84 geodesic distance in km from the point to the base."""
    # geopy ships no types: .km is a float.
    return float(geodesic((lat, lon), (base.lat, base.lon)).km)


def _may_be_within(rough_km: float, limit_km: float) -> bool:
    return rough_km <= limit_km * (1 + PREFILTER_RELATIVE_SLACK) + PREFILTER_ABSOLUTE_SLACK_KM


def _codes_within(
    distances: Sequence[tuple[ServiceBase, float]], radius_of: Callable[[ServiceBase], float]
) -> tuple[str, ...]:
    inside = [
        (distance, base.code)
        for base, distance in distances
        if distance <= radius_of(base) + BOUNDARY_TOLERANCE_KM
    ]
    return tuple(code for _, code in sorted(inside))
