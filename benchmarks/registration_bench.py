"""Registration benchmarks: coverage decisions per second, and the daily jobs over 1M packs.

Run:
  PYTHONPATH=. python benchmarks/registration_bench.py decisions [--devices N] [--rounds R]
  PYTHONPATH=. python benchmarks/registration_bench.py jobs \
      --database-url postgresql+psycopg://postgres@127.0.0.1:5432/reg_bench [--packs 1000000]
Targets (task brief): ≥ 50,000 decisions/s in-process; run_daily_jobs over 1,000,000 packs on
PostgreSQL in ≤ 60 s. The jobs benchmark DROPS the schema of the given database (its name
must contain "bench"), migrates it and bulk-loads with INSERT … SELECT generate_series.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from coverage_bench import make_cases, measure  # noqa: E402

from dispatch.domain.coverage import coverage_on  # noqa: E402
from dispatch.domain.eligibility import eligibility  # noqa: E402

DAY = date(2027, 6, 1)
HOURS = ('{"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:30", '
         '"closed_on_holidays": true, "closed_dates": []}')

LOAD = [
    """INSERT INTO printer_models (code, name, series, kind, lifetime_years, warranty_months,
       print_limit, packs_offered, service_minutes)
       VALUES ('C844dnw', 'COREFIDO C844dnw', 'COREFIDO', 'printer', 7, 60, 600000,
       '["std1","std3","std5","std7","ext1","ext2"]', 60)""",
    "INSERT INTO customers (name, created_at) VALUES ('ベンチ商事', now())",
    """INSERT INTO sites (customer_id, name, address, manager_name, remote_island)
       VALUES (1, '本社', '東京都千代田区', '佐藤', false)""",
    # One device per pack; purchase dates spread over ~2 years.
    """INSERT INTO devices (serial, model_id, site_id, purchase_date, in_japan, version)
       SELECT 'BN' || i, 1, 1, DATE '2025-01-01' + (i % 700), true, 1
       FROM generate_series(1, :n) AS i""",
    # Status by i % 10: 0–2 purchased, 3–4 applied, 5 inquiry, 6–9 registered.
    f"""INSERT INTO packs (device_id, product, purchased_on, received_on, support_hours, status,
       support_pack_id, nominal_start, uncapped_end, continuous, coverage_start, coverage_end,
       warnings, refusal_codes, created_at, version)
       SELECT i, 'std1', d.purchase_date + 30, d.purchase_date + 35, '{HOURS}',
         CASE WHEN i % 10 < 3 THEN 'purchased' WHEN i % 10 < 5 THEN 'applied'
              WHEN i % 10 = 5 THEN 'inquiry' ELSE 'registered' END,
         CASE WHEN i % 10 >= 6 THEN 'SP-' || lpad(i::text, 8, '0') END,
         d.purchase_date, d.purchase_date + 364, false,
         CASE WHEN i % 10 >= 6 THEN d.purchase_date + 45 END,
         d.purchase_date + 364, '[]', '[]', now(), 1
       FROM generate_series(1, :n) AS i JOIN devices d ON d.id = i""",
    """INSERT INTO applications (pack_id, channel, applied_on, consent_service_spec,
       consent_privacy, consent_antisocial_declaration, status, created_at)
       SELECT p.id, 'web', DATE '2027-06-01' - (p.id % 40)::int, true, true, true, p.status, now()
       FROM packs p WHERE p.status IN ('applied', 'inquiry')""",
    """INSERT INTO inquiries (application_id, sent_on, question)
       SELECT a.id, a.applied_on + 1, '確認' FROM applications a WHERE a.status = 'inquiry'""",
    "ANALYZE",
]


def decisions(args: argparse.Namespace) -> None:
    """Coverage and call-time decisions per second over a realistic mix (in-process)."""
    cases = make_cases(args.devices, random.Random(7))
    best = measure("coverage_on", lambda c: coverage_on(c[0], c[1], c[2], c[4]), cases,
                   args.rounds)
    print(f"target ≥ 50,000/s: {'OK' if best >= 50_000 else 'MISSED'}")
    measure("eligibility (advice)", lambda c: eligibility(c[0], c[1], c[2], c[3], c[4]), cases,
            args.rounds)


def jobs(args: argparse.Namespace) -> None:
    """Bulk-load N packs into PostgreSQL and time run_daily_jobs (twice: work, then idempotent)."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from dispatch import create_app
    from dispatch.extensions import db
    from dispatch.services.registration.lifecycle import run_daily_jobs
    from dispatch.services.unit_of_work import unit_of_work

    if "bench" not in args.database_url.rsplit("/", 1)[-1]:
        sys.exit("refusing: the database name must contain 'bench' (its schema is dropped)")
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url})
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        _log_slow_statements(db.engine)
        started = time.perf_counter()
        with db.engine.begin() as conn:
            for sql in LOAD:
                conn.execute(text(sql), {"n": args.packs})
        print(f"loaded {args.packs:,} packs in {time.perf_counter() - started:.1f} s")
        for label in ("first run", "second run (idempotent)"):
            started = time.perf_counter()
            with unit_of_work():
                summary = run_daily_jobs(DAY)
            took = time.perf_counter() - started
            print(f"run_daily_jobs {DAY} {label}: {took:.1f} s  {summary}")
            if label == "first run":
                print(f"target ≤ 60 s: {'OK' if took <= 60 else 'MISSED'}")


def _log_slow_statements(engine, threshold: float = 1.0) -> None:
    """Print every SQL statement slower than `threshold` seconds (where the time goes)."""
    from sqlalchemy import event

    @event.listens_for(engine, "before_cursor_execute")
    def _start(conn, cursor, statement, params, context, many):
        conn.info["t0"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _end(conn, cursor, statement, params, context, many):
        took = time.perf_counter() - conn.info.pop("t0", time.perf_counter())
        if took >= threshold:
            print(f"  {took:6.1f} s  {' '.join(statement.split())[:110]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="what", required=True)
    dec = sub.add_parser("decisions")
    dec.add_argument("--devices", type=int, default=20_000)
    dec.add_argument("--rounds", type=int, default=5)
    job = sub.add_parser("jobs")
    job.add_argument("--database-url", required=True)
    job.add_argument("--packs", type=int, default=1_000_000)
    args = parser.parse_args()
    decisions(args) if args.what == "decisions" else jobs(args)


if __name__ == "__main__":
    main()
