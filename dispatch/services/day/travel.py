"""Travel for planning: the configured source behind a cache that remembers every pair asked.

The plan row keeps the recorded pairs (rules.md §6 re-planning needs the exact problem), so a
stored plan re-solves against the very same durations even if OSRM changed since.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from routing import GeodesicTravel, OsrmTravel, TravelMatrix
from routing.problem import Location


@dataclass
class RecordedTravel:
    """A travel source that answers from recorded pairs and asks `inner` for the rest."""

    inner: GeodesicTravel | OsrmTravel | None
    pairs: dict[tuple[Location, Location], tuple[int, int]] = field(default_factory=dict)

    def matrix(self, locations: Sequence[Location]) -> TravelMatrix:
        """All-pairs matrix; unknown pairs come from the inner source and are remembered."""
        unique = list(dict.fromkeys(locations))
        missing = [(a, b) for a in unique for b in unique if a != b and (a, b) not in self.pairs]
        if missing:
            self._fill(unique, missing)
        secs = tuple(tuple(self._get(a, b)[0] for b in locations) for a in locations)
        metres = tuple(tuple(self._get(a, b)[1] for b in locations) for a in locations)
        return TravelMatrix(durations=secs, distances=metres)

    def _get(self, a: Location, b: Location) -> tuple[int, int]:
        return (0, 0) if a == b else self.pairs[(a, b)]

    def _fill(self, unique: list[Location], missing: list[tuple[Location, Location]]) -> None:
        if self.inner is None:
            raise KeyError(f"travel pair {missing[0]} was not recorded with the plan")
        if isinstance(self.inner, GeodesicTravel):
            self.pairs.update(zip(missing, self.inner.many(missing), strict=True))
            return
        table = self.inner.matrix(unique)
        for i, a in enumerate(unique):
            for j, b in enumerate(unique):
                if a != b:
                    self.pairs[(a, b)] = (table.durations[i][j], table.distances[i][j])

    def subset(self, locations: Sequence[Location]) -> RecordedTravel:
        """A copy holding only the pairs among `locations` (small enough to send to a worker)."""
        self.matrix(locations)
        keep = set(locations)
        pairs = {k: v for k, v in self.pairs.items() if k[0] in keep and k[1] in keep}
        return RecordedTravel(self.inner, pairs)

    def to_json(self) -> dict[str, Any]:
        """Parameters plus the recorded matrix as [from, to, seconds, metres] rows."""
        index: dict[Location, int] = {}
        rows = []
        for (a, b), (s, m) in self.pairs.items():
            rows.append([index.setdefault(a, len(index)), index.setdefault(b, len(index)), s, m])
        return {"source": source_json(self.inner), "locations": [list(x) for x in index],
                "pairs": rows}

    @classmethod
    def from_json(cls, data: Mapping[str, Any], *, strict: bool = True) -> RecordedTravel:
        """Rebuild; strict=True refuses to ask anything the plan did not record."""
        locations = [tuple(x) for x in data["locations"]]
        pairs = {(locations[i], locations[j]): (s, m) for i, j, s, m in data["pairs"]}
        inner = None if strict else source_from_json(data["source"])
        return cls(inner, pairs)  # type: ignore[arg-type]


def source_json(source: GeodesicTravel | OsrmTravel | None) -> dict[str, Any]:
    """The travel source's parameters."""
    if isinstance(source, OsrmTravel):
        return {"kind": "osrm", "base_url": source.base_url}
    if isinstance(source, GeodesicTravel):
        return {"kind": "geodesic", "detour_factor": source.detour_factor,
                "speed_kmh": source.speed_kmh, "spherical": source.spherical}
    return {"kind": "recorded"}


def source_from_json(data: Mapping[str, Any]) -> GeodesicTravel | OsrmTravel | None:
    """Inverse of source_json."""
    if data.get("kind") == "osrm":
        return OsrmTravel(data["base_url"])
    if data.get("kind") == "geodesic":
        return GeodesicTravel(float(data["detour_factor"]), float(data["speed_kmh"]),
                              bool(data.get("spherical")))
    return None


def travel_from_config(config: Mapping[str, Any]) -> RecordedTravel:
    """OsrmTravel when DISPATCH_OSRM_URL is set, else geodesic with the configured factors."""
    url = config.get("DISPATCH_OSRM_URL")
    if url:
        return RecordedTravel(OsrmTravel(str(url)))
    # Great-circle: within 0.5 % of the ellipsoid in Japan and fast enough for a national day.
    return RecordedTravel(GeodesicTravel(
        detour_factor=float(config.get("DISPATCH_DETOUR_FACTOR") or 1.3),
        speed_kmh=float(config.get("DISPATCH_SPEED_KMH") or 30.0),
        spherical=True,
    ))
