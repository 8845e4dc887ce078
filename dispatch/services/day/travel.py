"""Travel for planning: the configured source behind a cache that remembers every pair asked.

The plan row keeps the recorded pairs (rules.md §6 re-planning needs the exact problem), so a
stored plan re-solves against the very same durations even if OSRM changed since.

Pairs are kept two ways. A matrix asked for locations of which no pair is known yet (a
region's solve, a day planned in one piece) is kept whole, as a block: two dense integer
arrays, stored as packed bytes. Pairs asked one by one later (an insertion across regions, a
re-plan with a new call) are kept as single pairs. A national day of 10,000 visits records
2.4 million pairs: as [from, to, seconds, metres] JSON rows they took about half of its merge
to decode and encode again; as blocks they are copied as they are.
"""

from __future__ import annotations

import base64
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from routing import GeodesicTravel, OsrmTravel, TravelMatrix
from routing.problem import Location

IntArray = npt.NDArray[np.int64]
# How a block's arrays are stored: little-endian 32-bit integers (the unreachable pair's
# 10,000 km fits), deflated (fast level: most of the gain, a fraction of the time), base64.
_STORED = np.dtype("<i4")


@dataclass(frozen=True)
class TravelBlock:
    """Every ordered pair among `locations`: row = from, column = to."""

    locations: tuple[Location, ...]
    seconds: IntArray
    metres: IntArray

    @classmethod
    def of(cls, locations: Sequence[Location], table: TravelMatrix) -> TravelBlock:
        """The block of a matrix asked for `locations` (each once)."""
        return cls(tuple(locations), np.array(table.durations, dtype=np.int64),
                   np.array(table.distances, dtype=np.int64))

    @property
    def index(self) -> dict[Location, int]:
        return {loc: i for i, loc in enumerate(self.locations)}


@dataclass
class RecordedTravel:
    """A travel source that answers from recorded pairs and asks `inner` for the rest."""

    inner: GeodesicTravel | OsrmTravel | None
    pairs: dict[tuple[Location, Location], tuple[int, int]] = field(default_factory=dict)
    blocks: list[TravelBlock] = field(default_factory=list)
    # For each location: (block number, row) of every block holding it.
    _rows: dict[Location, list[tuple[int, int]]] = field(default_factory=dict, repr=False)
    # Every location of a single pair.
    _paired: set[Location] = field(default_factory=set, repr=False)

    def __post_init__(self) -> None:
        blocks, self.blocks = self.blocks, []
        for block in blocks:
            self.add_block(block)
        self._paired = {loc for pair in self.pairs for loc in pair}

    def add_block(self, block: TravelBlock) -> None:
        """Remember a block's pairs."""
        number = len(self.blocks)
        self.blocks.append(block)
        for row, loc in enumerate(block.locations):
            self._rows.setdefault(loc, []).append((number, row))

    def absorb(self, other: RecordedTravel) -> None:
        """Remember every pair `other` recorded."""
        for block in other.blocks:
            self.add_block(block)
        self._add_pairs(other.pairs.items())

    def pair_count(self) -> int:
        """How many ordered pairs of distinct locations are recorded (blocks overlap rarely;
        a pair in two places counts twice)."""
        return len(self.pairs) + sum(len(b.locations) * (len(b.locations) - 1)
                                     for b in self.blocks)

    def matrix(self, locations: Sequence[Location]) -> TravelMatrix:
        """All-pairs matrix; unknown pairs come from the inner source and are remembered."""
        unique = list(dict.fromkeys(locations))
        block = self._covering(unique)
        if block is None and len(unique) > 1 and not self._knows_any(unique):
            block = self._ask_block(unique)
        if block is not None:
            where = block.index
            rows = np.array([where[loc] for loc in locations], dtype=np.intp)
            cut = np.ix_(rows, rows)
            return TravelMatrix(durations=tuple(map(tuple, block.seconds[cut].tolist())),
                                distances=tuple(map(tuple, block.metres[cut].tolist())))
        missing = [(a, b) for a in unique for b in unique if a != b and self._find(a, b) is None]
        if missing:
            self._fill(unique, missing)
        known = {(a, b): self._get(a, b) for a in unique for b in unique}
        secs = tuple(tuple(known[(a, b)][0] for b in locations) for a in locations)
        metres = tuple(tuple(known[(a, b)][1] for b in locations) for a in locations)
        return TravelMatrix(durations=secs, distances=metres)

    def _covering(self, unique: list[Location]) -> TravelBlock | None:
        """A block holding every one of `unique`, if any."""
        if not unique:
            return None
        candidates = {number for number, _ in self._rows.get(unique[0], ())}
        for loc in unique[1:]:
            if not candidates:
                return None
            candidates &= {number for number, _ in self._rows.get(loc, ())}
        return self.blocks[min(candidates)] if candidates else None

    def _knows_any(self, unique: list[Location]) -> bool:
        # Any pair at all of one of these locations: then only the missing pairs are asked.
        return any(loc in self._rows or loc in self._paired for loc in unique)

    def _find(self, a: Location, b: Location) -> tuple[int, int] | None:
        if a == b:
            return (0, 0)
        pair = self.pairs.get((a, b))
        if pair is not None:
            return pair
        for number, row in self._rows.get(a, ()):
            for other, column in self._rows.get(b, ()):
                if other == number:
                    block = self.blocks[number]
                    return int(block.seconds[row, column]), int(block.metres[row, column])
        return None

    def _get(self, a: Location, b: Location) -> tuple[int, int]:
        found = self._find(a, b)
        if found is None:
            raise KeyError(f"travel pair {(a, b)} was not recorded with the plan")
        return found

    def _ask_block(self, unique: list[Location]) -> TravelBlock:
        if self.inner is None:
            raise KeyError(f"travel pair {(unique[0], unique[1])} was not recorded with the plan")
        n = len(unique)
        if isinstance(self.inner, GeodesicTravel):
            answers = np.array(self.inner.many([(a, b) for a in unique for b in unique]),
                               dtype=np.int64).reshape(n, n, 2)
            block = TravelBlock(tuple(unique), answers[:, :, 0].copy(), answers[:, :, 1].copy())
        else:
            block = TravelBlock.of(unique, self.inner.matrix(unique))
        self.add_block(block)
        return block

    def _fill(self, unique: list[Location], missing: list[tuple[Location, Location]]) -> None:
        if self.inner is None:
            raise KeyError(f"travel pair {missing[0]} was not recorded with the plan")
        if isinstance(self.inner, GeodesicTravel):
            self._add_pairs(zip(missing, self.inner.many(missing), strict=True))
            return
        table = self.inner.matrix(unique)
        self._add_pairs(((a, b), (table.durations[i][j], table.distances[i][j]))
                        for i, a in enumerate(unique) for j, b in enumerate(unique) if a != b)

    def _add_pairs(self, pairs: Iterable[tuple[tuple[Location, Location], tuple[int, int]]]
                   ) -> None:
        for (a, b), answer in pairs:
            self.pairs[(a, b)] = answer
            self._paired.update((a, b))

    def subset(self, locations: Sequence[Location]) -> RecordedTravel:
        """A copy holding only the pairs among `locations` (small enough to send to a worker)."""
        unique = list(dict.fromkeys(locations))
        return RecordedTravel(self.inner, blocks=[TravelBlock.of(unique, self.matrix(unique))])

    def to_json(self) -> dict[str, Any]:
        """Parameters, the single pairs as [from, to, seconds, metres] rows, and the blocks
        as location numbers with their packed arrays."""
        index: dict[Location, int] = {}
        rows = []
        for (a, b), (s, m) in self.pairs.items():
            rows.append([index.setdefault(a, len(index)), index.setdefault(b, len(index)), s, m])
        blocks = [{"locations": [index.setdefault(loc, len(index)) for loc in block.locations],
                   "seconds": _pack(block.seconds), "metres": _pack(block.metres)}
                  for block in self.blocks]
        return {"source": source_json(self.inner), "locations": [list(x) for x in index],
                "pairs": rows, "blocks": blocks}

    @classmethod
    def from_json(cls, data: Mapping[str, Any], *, strict: bool = True) -> RecordedTravel:
        """Rebuild; strict=True refuses to ask anything the plan did not record. Plans
        stored before blocks existed hold only pairs."""
        locations = [tuple(x) for x in data["locations"]]
        pairs = {(locations[i], locations[j]): (s, m) for i, j, s, m in data["pairs"]}
        blocks = []
        for stored in data.get("blocks", ()):
            n = len(stored["locations"])
            blocks.append(TravelBlock(tuple(locations[i] for i in stored["locations"]),
                                      _unpack(stored["seconds"], n), _unpack(stored["metres"], n)))
        inner = None if strict else source_from_json(data["source"])
        return cls(inner, pairs, blocks)  # type: ignore[arg-type]


def _pack(values: IntArray) -> str:
    limits = np.iinfo(_STORED)
    if values.size and (values.max() > limits.max or values.min() < limits.min):
        # Never stored wrapped round: a replay would plan with a wrong duration.
        raise ValueError(f"a travel value out of range: {values.max()} / {values.min()}")
    return base64.b64encode(zlib.compress(values.astype(_STORED).tobytes(), 1)).decode("ascii")


def _unpack(text: str, n: int) -> IntArray:
    raw = zlib.decompress(base64.b64decode(text))
    return np.frombuffer(raw, dtype=_STORED).astype(np.int64).reshape(n, n)


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
