"""A national day planned by region tasks on K `dispatch worker` processes (Redis queue).

    PYTHONPATH=. python benchmarks/fanout_bench.py \\
        postgresql+psycopg://postgres@127.0.0.1:5432/fanout_bench \\
        --redis redis://127.0.0.1:6379/3 --workers 1,2,4 --days national,large

For each day and each K: resets the database (migrations), seeds the day (day_bench's
generator: `national` = 20 bases, 200 technicians, 2,000 visits; `large` = 50 bases,
1,000 technicians, 10,000 visits), starts K `dispatch worker` processes on a Redis queue
of its own, waits until their solver kernels are warm, then times `POST /plans` as the API
does it (request_plan, enqueue, wait for the job) until the job is done. `--baseline` also
times today's synchronous plan_day (the regions in this process's solver pool) first.
Targets (issue 18): national <= 10 s with 2 workers, large <= 60 s.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import day_bench
from sqlalchemy import text

from dispatch import create_app
from dispatch.extensions import db
from dispatch.models import Plan, PlanJob
from dispatch.services.day import plan_jobs, planning
from dispatch.services.trust.audit import SYSTEM
from dispatch.services.unit_of_work import unit_of_work
from dispatch.tasks.plans import enqueue_plan_job

ROOT = Path(__file__).resolve().parents[1]
# 30 more prefectural capitals and large cities, beside day_bench's 20 bases: 50 bases.
MORE_BASES = {
    "AOM": (40.8244, 140.7400), "MOR": (39.7036, 141.1527), "AKT": (39.7186, 140.1024),
    "YGT": (38.2404, 140.3633), "FKS": (37.7503, 140.4676), "MIT": (36.3418, 140.4468),
    "MAE": (36.3911, 139.0608), "KOF": (35.6642, 138.5684), "NAG": (36.6513, 138.1810),
    "TOY": (36.6953, 137.2113), "FKI": (36.0652, 136.2216), "GIF": (35.3912, 136.7223),
    "TSU": (34.7303, 136.5086), "OTS": (35.0045, 135.8686), "NAR": (34.6851, 135.8048),
    "WAK": (34.2261, 135.1675), "TTR": (35.5039, 134.2377), "MTE": (35.4723, 133.0505),
    "YMG": (34.1859, 131.4714), "TKS": (34.0658, 134.5593), "KOC": (33.5597, 133.5311),
    "SAG": (33.2494, 130.2988), "NGS": (32.7448, 129.8737), "KUM": (32.7898, 130.7417),
    "OIT": (33.2382, 131.6126), "MYZ": (31.9111, 131.4239), "HMM": (34.7108, 137.7261),
    "KKY": (33.8834, 130.8752), "ASA": (43.7709, 142.3650), "HKD": (41.7687, 140.7288),
}
DAYS = {"national": (20, 10, 100), "large": (50, 20, 200)}  # bases, techs/base, visits/base


def seed_day(name: str, seed: int) -> None:
    bases, techs, visits = DAYS[name]
    everything = {**day_bench.BASES, **MORE_BASES}
    day_bench.BASES.clear()
    day_bench.BASES.update(dict(list(everything.items())[:bases]))
    day_bench.seed(random.Random(seed), techs, visits)


def reset(app) -> None:
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        from flask_migrate import upgrade

        upgrade()


def start_workers(k: int, database_url: str, redis: str, queue_name: str,
                  extra_env: dict[str, str]) -> list[subprocess.Popen]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": database_url,
           "DISPATCH_QUEUE_URL": redis, "DISPATCH_QUEUE_NAME": queue_name,
           "DISPATCH_ENV": "test", "SECRET_KEY": "bench-secret-key-that-is-long-enough-123",
           **extra_env}
    return [subprocess.Popen([sys.executable, "-c", "from dispatch.cli import main; main()",
                              "worker"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL) for _ in range(k)]


def plan_through_queue() -> tuple[float, int]:
    started = time.perf_counter()
    with unit_of_work():
        job, new = plan_jobs.request_plan(day_bench.DAY, SYSTEM, day_bench.NOW)
    assert new
    enqueue_plan_job(job.id)
    job = plan_jobs.wait_for(job.id, 600)
    wall = time.perf_counter() - started
    if job.status != "done":
        raise SystemExit(f"job {job.id} {job.status}: {job.error}")
    return wall, job.id


def describe(plan: Plan) -> str:
    solution = plan.solution
    routed = sum(len(r["stops"]) for r in solution["routes"])
    km = sum(r["distance_m"] for r in solution["routes"]) / 1000
    moved = Counter(m["reason"] for m in solution["moved"])
    same_day = sum(1 for m in solution["moved"] if m.get("decision_before") == "same_day")
    return (f"{routed} visits routed, {km:,.0f} km, moved {dict(moved)} "
            f"(same-day {same_day})")


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/3")
    parser.add_argument("--workers", default="1,2,4", help="worker counts; empty: none")
    parser.add_argument("--days", default="national,large")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--warmup", type=float, default=30.0,
                        help="seconds the workers get to load their solver kernels")
    parser.add_argument("--region-seconds", default="",
                        help="DISPATCH_REGION_SECONDS for the workers (default: the formula)")
    parser.add_argument("--baseline", action="store_true",
                        help="also time today's synchronous plan_day first")
    args = parser.parse_args()
    extra = {"DISPATCH_REGION_SECONDS": args.region_seconds} if args.region_seconds else {}
    print(f"# {' '.join(sys.argv)}\n# {uptime()}")
    for day in args.days.split(","):
        if args.baseline:
            app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url,
                              "DISPATCH_ENV": "test", "DISPATCH_QUEUE_IMMEDIATE": "1",
                              "SECRET_KEY": "bench-secret-key-that-is-long-enough-123",
                              **extra})
            reset(app)
            with app.app_context():
                seed_day(day, args.seed)
                started = time.perf_counter()
                with unit_of_work():
                    planning.plan_day(day_bench.DAY, SYSTEM)
                wall = time.perf_counter() - started
                plan = planning.current_plan(day_bench.DAY)
                print(f"{day}: synchronous plan_day (one process + solver pool): "
                      f"{wall:.1f} s; {describe(plan)} | {uptime()}", flush=True)
        for k in [int(x) for x in args.workers.split(",") if x]:
            name = f"fanout-bench-{uuid.uuid4().hex[:6]}"
            app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url,
                              "DISPATCH_ENV": "test", "DISPATCH_QUEUE_URL": args.redis,
                              "DISPATCH_QUEUE_NAME": name,
                              "SECRET_KEY": "bench-secret-key-that-is-long-enough-123"})
            reset(app)
            with app.app_context():
                seed_day(day, args.seed)
            workers = start_workers(k, args.database_url, args.redis, name, extra)
            try:
                time.sleep(args.warmup)
                with app.app_context():
                    wall, job_id = plan_through_queue()
                    job = db.session.get(PlanJob, job_id)
                    plan = planning.current_plan(day_bench.DAY)
                    work = job.work or {}
                    print(f"{day}: {k} worker(s): {wall:.1f} s wall (split "
                          f"{work.get('split_seconds')} s, merge {work.get('merge_seconds')} s), "
                          f"{job.regions_total} regions; {describe(plan)} | {uptime()}",
                          flush=True)
            finally:
                for worker in workers:
                    worker.terminate()
                for worker in workers:
                    worker.wait(timeout=60)
                from dispatch.tasks.queue import huey

                huey.storage.flush_all()


if __name__ == "__main__":
    main()
