"""Remote island areas (離島, rules.md §5) and the lookup "is this site on one of them?".

The registry is plain data (the packaged JSON, later rows edited by administrators), so
building it validates every record and says precisely what is wrong. Lookups go through a
shapely STRtree over the shapes' bounding boxes, then an exact test per candidate.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import shapely
from shapely import STRtree
from shapely.geometry import Polygon

# Mean Earth radius (IUGG). Circle membership uses the great-circle distance: for island
# radii of a few km its error against the ellipsoid (< 0.5 %) is a few tens of metres,
# far below how generously the circles are drawn, and it is ~100x faster than geodesic.
EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE_LAT = math.pi * EARTH_RADIUS_KM / 180.0


@dataclass(frozen=True)
class CircleShape:
    """A circle on the ground: centre and radius in km."""

    lat: float
    lon: float
    radius_km: float

    def contains(self, lat: float, lon: float) -> bool:
        """True when the point lies within the radius (boundary included)."""
        return haversine_km(self.lat, self.lon, lat, lon) <= self.radius_km

    def bounding_box(self) -> Polygon:
        """A lon/lat box that surely contains the circle, for the spatial index."""
        dlat = self.radius_km / KM_PER_DEGREE_LAT
        # Use the latitude nearest the pole so the box is wide enough on both edges.
        widest_lat = min(89.0, abs(self.lat) + dlat)
        dlon = self.radius_km / (KM_PER_DEGREE_LAT * math.cos(math.radians(widest_lat)))
        return shapely.box(self.lon - dlon, self.lat - dlat, self.lon + dlon, self.lat + dlat)


@dataclass(frozen=True)
class PolygonShape:
    """A polygon given by one closed ring of (lon, lat) points."""

    ring: tuple[tuple[float, float], ...]

    def to_geometry(self) -> Polygon:
        """The shapely polygon of the ring."""
        return Polygon(self.ring)


Shape = CircleShape | PolygonShape


@dataclass(frozen=True)
class IslandArea:
    """One remote island area of the registry."""

    id: str
    name_ja: str
    name_en: str
    prefecture: str
    shapes: tuple[Shape, ...]
    group: str = ""


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km on the mean-radius sphere."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def check_lat_lon(lat: float, lon: float, where: str) -> None:
    """Raise ValueError unless lat/lon are finite numbers within range."""
    for name, value, limit in (("lat", lat, 90.0), ("lon", lon, 180.0)):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{where}: {name} must be a number, got {value!r}")
        if not math.isfinite(value) or abs(value) > limit:
            raise ValueError(f"{where}: {name} {value!r} is outside -{limit:g}..{limit:g}")


class IslandRegistry:
    """The set of island areas with a spatial index for fast lookup.

    Typed IslandArea values are trusted as given; plain data goes through from_dicts or
    from_document, which validate every field.
    """

    def __init__(self, areas: Iterable[IslandArea]) -> None:
        self._areas: tuple[IslandArea, ...] = tuple(areas)
        counts = Counter(area.id for area in self._areas)
        duplicates = sorted(area_id for area_id, n in counts.items() if n > 1)
        if duplicates:
            raise ValueError(f"duplicate island area ids: {', '.join(duplicates)}")
        # One index entry per shape; entry i belongs to area _owner[i]. Polygons are
        # prepared so repeated point tests skip re-building their edge structures.
        self._owner: list[int] = []
        self._shapes: list[Shape] = []
        self._polygons: dict[int, Polygon] = {}
        envelopes: list[Polygon] = []
        for area_index, area in enumerate(self._areas):
            for shape in area.shapes:
                if isinstance(shape, PolygonShape):
                    geometry = shape.to_geometry()
                    shapely.prepare(geometry)
                    self._polygons[len(self._shapes)] = geometry
                    envelopes.append(geometry)
                else:
                    envelopes.append(shape.bounding_box())
                self._owner.append(area_index)
                self._shapes.append(shape)
        self._tree = STRtree(envelopes)

    @classmethod
    def from_dicts(cls, records: Iterable[Mapping[str, Any]]) -> IslandRegistry:
        """Build a registry from plain dicts (JSON rows), raising ValueError when invalid."""
        return cls(area_from_dict(record) for record in records)

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> IslandRegistry:
        """Build a registry from the packaged JSON document (`{"_about":…, "areas": […]}`)."""
        areas = document.get("areas")
        if not isinstance(areas, list):
            raise ValueError("registry document needs an 'areas' list")
        return cls.from_dicts(areas)

    @property
    def areas(self) -> tuple[IslandArea, ...]:
        """All areas, in registry order."""
        return self._areas

    def __len__(self) -> int:
        return len(self._areas)

    def find_island(self, lat: float, lon: float) -> IslandArea | None:
        """The island area containing the point, or None; the first area in order wins."""
        check_lat_lon(lat, lon, "point")
        candidates = self._tree.query(shapely.Point(lon, lat))
        # Sorting makes overlapping areas (an admin's mistake) resolve deterministically.
        entries: list[int] = candidates.tolist()
        for entry in sorted(entries):
            if self._entry_contains(entry, lat, lon):
                return self._areas[self._owner[entry]]
        return None

    def _entry_contains(self, entry: int, lat: float, lon: float) -> bool:
        shape = self._shapes[entry]
        if isinstance(shape, CircleShape):
            return shape.contains(lat, lon)
        # intersects_xy, not contains_xy: a site exactly on the drawn edge counts as on the island.
        return bool(shapely.intersects_xy(self._polygons[entry], lon, lat))


def area_from_dict(record: Mapping[str, Any]) -> IslandArea:
    """One IslandArea from its dict form, raising ValueError naming the bad field."""
    if not isinstance(record, Mapping):
        raise ValueError(f"island area must be an object, got {type(record).__name__}")
    area_id = _required_text(record, "id", "island area")
    where = f"island area {area_id!r}"
    raw_shapes = record.get("shapes")
    if not isinstance(raw_shapes, list) or not raw_shapes:
        raise ValueError(f"{where}: 'shapes' must be a non-empty list")
    shapes = tuple(
        shape_from_dict(raw, f"{where} shape {n}") for n, raw in enumerate(raw_shapes, 1)
    )
    return IslandArea(
        id=area_id,
        name_ja=_required_text(record, "name_ja", where),
        name_en=_required_text(record, "name_en", where),
        prefecture=_required_text(record, "prefecture", where),
        shapes=shapes,
        group=str(record.get("group", "")),
    )


def shape_from_dict(raw: Any, where: str) -> Shape:
    """A circle or polygon from its dict form, raising ValueError when it is unusable."""
    if not isinstance(raw, Mapping):
        raise ValueError(f"{where}: must be an object")
    kind = raw.get("type")
    if kind == "circle":
        return _circle_from_dict(raw, where)
    if kind == "polygon":
        return _polygon_from_dict(raw, where)
    raise ValueError(f"{where}: type must be 'circle' or 'polygon', got {kind!r}")


def _circle_from_dict(raw: Mapping[str, Any], where: str) -> CircleShape:
    lat, lon, radius = raw.get("lat"), raw.get("lon"), raw.get("radius_km")
    check_lat_lon(lat, lon, where)  # type: ignore[arg-type]
    if isinstance(radius, bool) or not isinstance(radius, int | float):
        raise ValueError(f"{where}: radius_km must be a number, got {radius!r}")
    if not math.isfinite(radius) or radius <= 0:
        raise ValueError(f"{where}: radius_km must be > 0, got {radius!r}")
    return CircleShape(lat=float(lat), lon=float(lon), radius_km=float(radius))  # type: ignore[arg-type]


def _polygon_from_dict(raw: Mapping[str, Any], where: str) -> PolygonShape:
    ring = raw.get("ring")
    if not isinstance(ring, list) or len(ring) < 4:
        raise ValueError(f"{where}: ring needs at least 4 [lon, lat] points (3 + closing)")
    points: list[tuple[float, float]] = []
    for n, point in enumerate(ring, 1):
        if not isinstance(point, list | tuple) or len(point) != 2:
            raise ValueError(f"{where}: point {n} must be [lon, lat], got {point!r}")
        lon, lat = point
        check_lat_lon(lat, lon, f"{where} point {n}")
        points.append((float(lon), float(lat)))
    if points[0] != points[-1]:
        raise ValueError(f"{where}: ring is not closed (first point must equal last)")
    if len(set(points)) < 3:
        raise ValueError(f"{where}: ring needs at least 3 distinct points")
    shape = PolygonShape(ring=tuple(points))
    geometry = shape.to_geometry()
    if not geometry.is_valid:
        reason = shapely.is_valid_reason(geometry)
        raise ValueError(f"{where}: polygon is invalid ({reason})")
    return shape


def _required_text(record: Mapping[str, Any], key: str, where: str) -> str:
    value = record.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: '{key}' must be a non-empty string")
    return value
