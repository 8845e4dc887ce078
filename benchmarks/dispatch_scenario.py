"""National dispatch scenario: 20 bases, 200 technicians, 2,000 visits across Japan.

    PYTHONPATH=. python benchmarks/dispatch_scenario.py --seed 1 --region-seconds 2 \
        --out benchmarks/out/scenario.md

Plans the day region by region on both cores (target <= 30 s), then inserts one new
same-day call into the planned day (target <= 1 s). Times: seconds since midnight.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections import Counter
from pathlib import Path

from routing.insertion import insert_visit
from routing.nodes import SolveOptions
from routing.problem import Break, Priority, RoutingProblem, Technician, TimeWindow, Visit
from routing.regions import solve_by_region
from routing.travel import GeodesicTravel

HOUR = 3600
# City-centre coordinates (latitude, longitude) of 20 service bases.
BASES = {
    "Sapporo": (43.0618, 141.3545), "Sendai": (38.2682, 140.8694),
    "Niigata": (37.9161, 139.0364), "Utsunomiya": (36.5551, 139.8828),
    "Saitama": (35.8617, 139.6455), "Tokyo": (35.6812, 139.7671),
    "Yokohama": (35.4437, 139.6380), "Chiba": (35.6074, 140.1065),
    "Shizuoka": (34.9756, 138.3828), "Nagoya": (35.1815, 136.9066),
    "Kanazawa": (36.5613, 136.6562), "Kyoto": (35.0116, 135.7681),
    "Osaka": (34.6937, 135.5023), "Kobe": (34.6901, 135.1955),
    "Okayama": (34.6551, 133.9195), "Hiroshima": (34.3853, 132.4553),
    "Takamatsu": (34.3428, 134.0466), "Matsuyama": (33.8392, 132.7657),
    "Fukuoka": (33.5904, 130.4017), "Kagoshima": (31.5966, 130.5571),
}
SKILLS = ("MC", "B4", "C8", "C9", "PRO")


def _around(rng: random.Random, centre, radius_km: float):
    """A point scattered around a centre (denser near the middle, like a city)."""
    distance = abs(rng.gauss(0, radius_km / 2))
    angle = rng.uniform(0, 2 * math.pi)
    lat = centre[0] + distance * math.cos(angle) / 111.0
    lon = centre[1] + distance * math.sin(angle) / (111.0 * math.cos(math.radians(centre[0])))
    return (round(lat, 5), round(lon, 5))


def _windows(rng: random.Random) -> tuple[TimeWindow, ...]:
    """Support hours: mostly the whole day, some mornings/afternoons, a few two-part days."""
    roll = rng.random()
    if roll < 0.6:
        return (TimeWindow(9 * HOUR, 17 * HOUR),)
    if roll < 0.75:
        return (TimeWindow(9 * HOUR, 12 * HOUR),)
    if roll < 0.9:
        return (TimeWindow(13 * HOUR, 17 * HOUR),)
    return (TimeWindow(9 * HOUR, 11 * HOUR), TimeWindow(14 * HOUR, 16 * HOUR))


def build(seed: int, spherical: bool = False, technicians_per_base: int = 10,
          visits_per_base: int = 100) -> RoutingProblem:
    """The scenario problem, reproducible from the seed."""
    rng = random.Random(seed)
    techs, visits = [], []
    for name, base in BASES.items():
        for k in range(technicians_per_base):
            skills = frozenset(rng.sample(SKILLS, rng.randint(2, 4)) + ["MC"])
            techs.append(Technician(
                f"{name}-{k}", base, base, 8 * HOUR + 30 * 60, 18 * HOUR, skills,
                lunch=Break(11 * HOUR + 30 * 60, 13 * HOUR + 30 * 60, 45 * 60), max_visits=12,
            ))
        for k in range(visits_per_base):
            visits.append(Visit(
                f"{name}-v{k}", _around(rng, base, 16.0), _windows(rng),
                rng.choice((20, 30, 30, 45, 60)) * 60,
                skill=rng.choice((None, None, *SKILLS)),
                priority=Priority.SAME_DAY if rng.random() < 0.2 else Priority.NEXT_DAY,
            ))
    return RoutingProblem(tuple(techs), tuple(visits), GeodesicTravel(1.3, 35.0, spherical))


def main(argv: list[str] | None = None) -> int:
    """Build, plan, insert one call, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--region-seconds", type=float, default=1.5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--spherical", action="store_true", help="great-circle distances")
    parser.add_argument("--out", default="benchmarks/out/scenario.md")
    parser.add_argument("--ortools-only", action="store_true",
                        help="no ruin-and-recreate after OR-Tools (for an A/B comparison)")
    args = parser.parse_args(argv)
    problem = build(args.seed, args.spherical)
    started = time.monotonic()
    plan = solve_by_region(problem, SolveOptions(time_limit_s=args.region_seconds,
                                                       ruin_recreate=not args.ortools_only),
                           workers=args.workers)
    plan_seconds = time.monotonic() - started
    new_call = Visit("new-call", _around(random.Random(99), BASES["Osaka"], 15.0),
                     (TimeWindow(13 * HOUR, 17 * HOUR),), 3600, priority=Priority.SAME_DAY)
    problem_with_call = RoutingProblem(problem.technicians, (*problem.visits, new_call),
                                       problem.travel)
    started = time.monotonic()
    inserted = insert_visit(problem_with_call, plan, new_call)
    insert_seconds = time.monotonic() - started
    started = time.monotonic()
    polished = insert_visit(problem_with_call, plan, new_call, improve_seconds=0.3)
    polish_seconds = time.monotonic() - started
    routed = sum(len(r.stops) for r in plan.routes)
    reasons = Counter(d.reason.value for d in plan.dropped)
    where = next((r.technician_id for r in inserted.routes
                  if any(s.visit_id == "new-call" for s in r.stops)), "not inserted")
    lines = [
        f"Command: `{' '.join(sys.argv)}`", "",
        "| measure | value |", "|---|---|",
        f"| visits / technicians / bases | {len(problem.visits)} / "
        f"{len(problem.technicians)} / {len(BASES)} |",
        f"| plan wall time (s) | {plan_seconds:.1f} |",
        f"| routed visits | {routed} |",
        f"| dropped by reason | {dict(reasons)} |",
        f"| same-day dropped | {len(_same_day(problem) & {d.visit_id for d in plan.dropped})} |",
        f"| total route distance (km) | {sum(r.distance_m for r in plan.routes) / 1000:.0f} |",
        f"| insert one new call (s) | {insert_seconds:.3f} |",
        f"| insert + 0.3 s re-sequencing (s) | {polish_seconds:.3f} "
        f"(route {_km(inserted, where)} -> {_km(polished, where)} km) |",
        f"| new call went to | {where} |",
    ]
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


def _km(plan, technician_id: str) -> str:
    routes = [r for r in plan.routes if r.technician_id == technician_id]
    return f"{routes[0].distance_m / 1000:.1f}" if routes else "-"


def _same_day(problem: RoutingProblem) -> set[str]:
    return {v.id for v in problem.visits if v.priority == Priority.SAME_DAY}


if __name__ == "__main__":
    sys.exit(main())
