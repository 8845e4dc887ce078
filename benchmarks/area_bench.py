"""Throughput of the remote-island lookup and the full area rule.

Run: PYTHONPATH=. python benchmarks/area_bench.py [--lookups N]
The target is >= 50,000 island lookups per second on one core (rules.md §5 is evaluated on
every repair call and every site save, and a batch re-check touches every site).
"""

from __future__ import annotations

import argparse
import random
import time

from dispatch.domain.island_registry import packaged_registry
from dispatch.domain.service_area import ServiceBase, evaluate_area

TARGET_LOOKUPS_PER_S = 50_000
BASES = (
    ServiceBase("TYO", 35.681, 139.767, 150, 60),
    ServiceBase("OSA", 34.702, 135.495, 150, 60),
    ServiceBase("FUK", 33.590, 130.420, 150, 60),
    ServiceBase("SPK", 43.069, 141.351, 150, 60),
)


def sample_points(count: int, seed: int) -> list[tuple[float, float]]:
    """Points over Japan's bounding box: mostly sea and mainland, some on islands."""
    rng = random.Random(seed)
    return [(rng.uniform(24.0, 45.6), rng.uniform(122.9, 146.0)) for _ in range(count)]


def rate(label: str, count: int, seconds: float) -> float:
    """Print and return operations per second."""
    per_s = count / seconds
    print(f"{label:<28} {count:>8} in {seconds:6.3f} s = {per_s:>10,.0f}/s")
    return per_s


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lookups", type=int, default=200_000)
    args = parser.parse_args()
    registry = packaged_registry()
    points = sample_points(args.lookups, seed=1)

    start = time.perf_counter()
    found = sum(registry.find_island(lat, lon) is not None for lat, lon in points)
    lookups = rate("find_island", len(points), time.perf_counter() - start)
    print(f"  ({found} of the random points fell on a registered island)")

    few = points[: max(1, args.lookups // 20)]
    start = time.perf_counter()
    for lat, lon in few:
        evaluate_area(lat, lon, BASES, registry)
    rate("evaluate_area (4 bases)", len(few), time.perf_counter() - start)

    ok = lookups >= TARGET_LOOKUPS_PER_S
    print(f"island lookups {'meet' if ok else 'MISS'} the {TARGET_LOOKUPS_PER_S:,}/s target")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
