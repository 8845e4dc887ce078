"""Same-day insertions into a planned national day, through the service layer.

    PYTHONPATH=. python benchmarks/insertion_bench.py \
        postgresql+psycopg://postgres@127.0.0.1:5432/insertion_bench --calls 30

Resets the database schema (migrations), seeds the national day of benchmarks/day_bench.py
(20 bases, 200 technicians, 2,000 onsite calls), plans it with plan_day, then takes `--calls`
new same-day calls one after the other, each near a random base, and times
`replanning.insert_call` for each in its own unit of work, as the board's insert button and
`POST /plans/{day}/insert` run it. Prints every insertion's outcome and p50 / p95 / max.
Target: p95 <= 1 s.

Plan jobs an insertion asks for go to a Huey SQLite queue in a temporary file that no worker
consumes, so the timings are the answer's alone (the job runs elsewhere, later).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

from day_bench import BASES, DAY, add_call, report, seed  # same folder: sys.path[0]
from sqlalchemy import func, select, text

from dispatch import create_app
from dispatch.extensions import db
from dispatch.models import PrinterModel, Visit
from dispatch.services.day import planning, replanning
from dispatch.services.trust.audit import SYSTEM
from dispatch.services.unit_of_work import unit_of_work


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (p95 of 30 values is the 29th smallest)."""
    ordered = sorted(values)
    rank = max(1, -(-int(share * 100) * len(ordered) // 100))
    return ordered[rank - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("database_url")
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=20.0, help="plan_day's solver budget")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true",
                        help="keep the database's planned day (a run before this one made it)")
    args = parser.parse_args()
    queue = Path(tempfile.mkdtemp()) / "queue.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url, "DISPATCH_ENV": "test",
                      "SECRET_KEY": "bench-secret-key-that-is-long-enough-123",
                      "DISPATCH_QUEUE_URL": f"sqlite:///{queue}",
                      "DISPATCH_QUEUE_IMMEDIATE": False})
    rng = random.Random(args.seed + (1000 if args.reuse else 0))
    with app.app_context():
        if not args.reuse:
            prepare(args)
        insert_calls(rng, args.calls)


def prepare(args: argparse.Namespace) -> None:
    """Reset the schema, seed the national day and plan it."""
    rng = random.Random(args.seed)
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    from flask_migrate import upgrade

    upgrade()
    started = time.perf_counter()
    seed(rng, 10, 100)
    print(f"seeded in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    with unit_of_work():
        result = planning.plan_day(DAY, SYSTEM, time_limit_s=args.seconds)
    report(result, time.perf_counter() - started)


def insert_calls(rng: random.Random, calls: int) -> None:
    """Take `calls` new same-day calls one by one and time the insertion of each."""
    models = db.session.scalars(select(PrinterModel)).all()
    first = 900_000 + (db.session.scalar(select(func.count(Visit.id))) or 0)
    walls: list[float] = []
    outcomes: Counter[str] = Counter()
    for n in range(calls):
        centre = BASES[rng.choice(sorted(BASES))]
        visit = add_call(rng, first + n, centre, rng.choice(models), decision="same_day")
        db.session.commit()
        visit_id = visit.id
        db.session.expire_all()
        began = time.perf_counter()
        with unit_of_work():
            answer = replanning.insert_call(visit_id, SYSTEM)
        wall = time.perf_counter() - began
        walls.append(wall)
        row = db.session.get(Visit, visit_id)
        # main's answer had no "insertion" part: "-" there.
        how = (answer.get("insertion") or {}).get("method", "-")
        outcome = f"{row.status} {how}"
        if row.service_date != DAY:
            outcome = f"moved to {row.service_date} {how}"
        elif row.technician_id is None:
            outcome = f"unassigned {row.drop_codes} {how}"
        outcomes[outcome] += 1
        print(f"call {n + 1:2d}: {wall:.3f} s  {outcome}")
    print(f"{len(walls)} insertions: p50 {statistics.median(walls):.3f} s, "
          f"p95 {percentile(walls, 0.95):.3f} s, max {max(walls):.3f} s; "
          f"outcomes {dict(outcomes)}")


if __name__ == "__main__":
    main()
