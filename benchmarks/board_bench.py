"""The board's data for the national day: GET /board/data.json at 2,000 visits (issue 18).

    PYTHONPATH=. python benchmarks/board_bench.py \
        postgresql+psycopg://postgres@127.0.0.1:5432/board_bench --seconds 10 --requests 40

Resets the database schema (migrations), seeds the national day of day_bench.py (20 bases,
200 technicians, 2,000 visits), plans it with plan_day, signs a coordinator in and asks for
the board's data of that day `--requests` times through the app (in-process, no HTTP server:
the figure is the server's work), always the full answer, never the 304 of an unchanged
ETag. Prints p50/p95/max, the answer's size and the statements one answer takes.
Target: p95 <= 300 ms on PostgreSQL. `--profile` prints where one answer's time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import sys
import time
from pathlib import Path

from sqlalchemy import event, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
import day_bench  # noqa: E402  (the national day's seed)

from dispatch import create_app  # noqa: E402
from dispatch.extensions import db  # noqa: E402
from dispatch.services.accounts import users  # noqa: E402
from dispatch.services.day import planning  # noqa: E402
from dispatch.services.trust.audit import SYSTEM  # noqa: E402
from dispatch.services.unit_of_work import unit_of_work  # noqa: E402

EMAIL, PASSWORD = "board-bench@oxt.example.jp", "board-benchmark-password-2026"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def prepare(args: argparse.Namespace) -> None:
    """A fresh schema with the national day, planned."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    from flask_migrate import upgrade

    upgrade()
    started = time.perf_counter()
    day_bench.seed(random.Random(args.seed), args.techs_per_base, args.visits_per_base)
    print(f"seeded {len(day_bench.BASES)} bases, "
          f"{len(day_bench.BASES) * args.techs_per_base} technicians, "
          f"{len(day_bench.BASES) * args.visits_per_base} visits "
          f"in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    with unit_of_work():
        result = planning.plan_day(day_bench.DAY, SYSTEM, time_limit_s=args.seconds)
    stops = sum(len(r["stops"]) for r in result["routes"])
    print(f"planned in {time.perf_counter() - started:.1f} s: {stops} visits on routes, "
          f"{len(result['moved'])} moved")
    with unit_of_work():
        users.add_user(EMAIL, "coordinator", PASSWORD, SYSTEM)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("--seconds", type=float, default=10.0, help="solver budget of the plan")
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--techs-per-base", type=int, default=10)
    parser.add_argument("--visits-per-base", type=int, default=100)
    parser.add_argument("--reuse", action="store_true",
                        help="keep the database of an earlier run (no reset, no plan)")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    # The login form's CSRF token is not what is measured: the client signs in directly.
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url, "DISPATCH_ENV": "test",
                      "SECRET_KEY": "bench-secret-key-that-is-long-enough-123",
                      "WTF_CSRF_ENABLED": False})
    with app.app_context():
        if not args.reuse:
            prepare(args)
        engine = db.engine
    client = app.test_client()
    answer = client.post("/login", data={"email": EMAIL, "password": PASSWORD})
    if answer.status_code not in (302, 303):
        raise SystemExit(f"login failed: {answer.status_code}")
    path = f"/board/data.json?date={day_bench.DAY.isoformat()}"

    def fetch() -> int:
        response = client.get(path)  # no If-None-Match: the full answer every time
        if response.status_code != 200:
            raise SystemExit(f"GET {path}: {response.status_code}")
        return len(response.data)

    size = fetch()  # warm-up: templates, caches, the pool's connection
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    fetch()
    event.remove(engine, "before_cursor_execute", note)
    took, cpu = [], []
    for _ in range(args.requests):
        began, began_cpu = time.perf_counter(), time.process_time()
        fetch()
        took.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
    p95 = percentile(took, 95)
    print(f"GET /board/data.json x {args.requests} (full answers, {size / 1024:.0f} KiB, "
          f"{len(seen)} statements each): p50 {percentile(took, 50):.0f} ms, "
          f"p95 {p95:.0f} ms, max {max(took):.0f} ms "
          f"(target p95 <= 300 ms: {'met' if p95 <= 300 else 'NOT met'}); "
          f"the app's own CPU per answer p50 {percentile(cpu, 50):.0f} ms "
          f"(the database's work not included; less sensitive to other load)")
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(5):
            fetch()
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()
