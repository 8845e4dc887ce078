"""How a region's solve budget buys quality: the national day's 20 regions, each solved in
this one process at each budget, one after the other (no other solve competes for the core).

    PYTHONPATH=. python benchmarks/region_budget_bench.py \\
        postgresql+psycopg://postgres@127.0.0.1:5432/fanout_bench --budgets 0.3,0.6,1.2,2.4

Resets the database (migrations), seeds fanout_bench's `national` day, builds its regions as
a plan does (bounded by capacity, split by base, each with its travel pairs), then prints,
per budget, the visits routed, the km driven and the seconds spent over all regions. What
DISPATCH_REGION_SECONDS trades (issue 18): the day's wall time against these figures.
"""

from __future__ import annotations

import argparse
import time

import day_bench
import fanout_bench

from dispatch import create_app
from dispatch.services.day import planning
from dispatch.services.day.problem import bounded_problem, load_day
from dispatch.services.day.travel import travel_from_config
from routing import SolveOptions, solve
from routing.ruin_recreate import warm_up


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("--budgets", default="0.3,0.6,1.2,2.4")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url, "DISPATCH_ENV": "test",
                      "SECRET_KEY": "bench-secret-key-that-is-long-enough-123"})
    fanout_bench.reset(app)
    with app.app_context():
        fanout_bench.seed_day("national", args.seed)
        cut = bounded_problem(load_day(day_bench.DAY), travel_from_config(app.config),
                              app.config)
        regions = planning.regions_of(cut.problem)
    warm_up()  # the solver kernels, as a worker loads them when it starts
    print(f"# {len(regions)} regions, {sum(len(r.visits) for r in regions)} visits "
          f"after the capacity bound | {fanout_bench.uptime()}")
    for budget in (float(b) for b in args.budgets.split(",")):
        routed, metres, began = 0, 0, time.perf_counter()
        for region in regions:
            plan = solve(region, SolveOptions(time_limit_s=budget, parallel=False))
            routed += sum(len(route.stops) for route in plan.routes)
            metres += sum(route.distance_m for route in plan.routes)
        print(f"{budget:.1f} s per region: {routed} visits routed, {metres / 1000:,.0f} km, "
              f"{time.perf_counter() - began:.1f} s over all regions", flush=True)


if __name__ == "__main__":
    main()
