"""Two scheduler processes firing the daily job at the same moment on one PostgreSQL
database: the day's lifecycle work runs once (rules.md §8 reliability; dispatch/scheduler.py).

Each process is a real interpreter that builds the app from DATABASE_URL, as
`dispatch scheduler` does, and calls the function its cron trigger fires. Both wait on
their standard input until both are ready, so the claims race for real.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
TEST_URL = os.environ.get("TEST_DATABASE_URL", "")
DAY = date(2027, 5, 1)  # one year after the pack's purchase: it goes void that day

pytestmark = pytest.mark.skipif(not TEST_URL.startswith("postgresql"),
                                reason="two processes racing need PostgreSQL")

SEED = """
import sys
from datetime import date, datetime, UTC
from flask_migrate import upgrade
from dispatch import create_app
from dispatch.extensions import db
from dispatch.models import Customer, Device, Pack, PrinterModel, Site
app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1]})
with app.app_context():
    upgrade()
    now = datetime(2026, 5, 1, 1, 0, tzinfo=UTC)
    model = PrinterModel(code="C1", name="C1", series="COREFIDO", kind="printer",
                         lifetime_years=7, warranty_months=12, packs_offered=["std1"])
    site = Site(customer=Customer(name="顧客", created_at=now), name="本社", address="東京都",
                manager_name="佐藤", lat=35.68, lon=139.76)
    device = Device(serial="SCHED0001", model=model, site=site, purchase_date=date(2026, 4, 1))
    db.session.add_all([model, site, device])
    db.session.flush()
    db.session.add(Pack(device_id=device.id, product="std1", purchased_on=date(2026, 5, 1),
                        support_hours={"days": ["mon"], "start": "09:00", "end": "17:00",
                                       "closed_on_holidays": True},
                        status="purchased", created_at=now))
    db.session.commit()
"""

# The scheduler's own job function, on a fixed day (the process's clock says "today").
FIRE = """
import json, sys
from datetime import date
from sqlalchemy import text
from dispatch import clock, scheduler
clock.today_tokyo = lambda: date.fromisoformat(sys.argv[1])
app = scheduler._app()
with app.app_context():
    from dispatch.extensions import db
    db.session.execute(text("SELECT 1"))  # connected before the start signal
    db.session.commit()
print("ready", flush=True)
sys.stdin.readline()
print(json.dumps(scheduler.run_scheduled_daily()), flush=True)
"""


def test_two_scheduler_processes_run_the_daily_jobs_exactly_once(scratch_url):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": scratch_url,
           "SECRET_KEY": "scheduler-test-secret-key-long-enough-0123"}
    seeded = subprocess.run([sys.executable, "-c", SEED, scratch_url], capture_output=True,
                            text=True, env=env, cwd=ROOT, timeout=60)
    assert seeded.returncode == 0, seeded.stderr[-2000:]
    procs = [subprocess.Popen([sys.executable, "-c", FIRE, DAY.isoformat()], env=env, cwd=ROOT,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    try:
        for proc in procs:
            assert proc.stdout.readline().strip() == "ready", proc.stderr.read()[-2000:]
        for proc in procs:  # both go at once
            proc.stdin.write("go\n")
            proc.stdin.flush()
        answers = []
        for proc in procs:
            out, err = proc.communicate(timeout=30)
            assert proc.returncode == 0, err[-2000:]
            answers.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    # One process did the day's work, the other found the claim taken.
    assert [a is None for a in answers].count(True) == 1
    summary = next(a for a in answers if a is not None)
    assert summary["packs_voided"] == 1
    libpq = make_url(scratch_url).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(libpq) as conn:
        runs = conn.execute("SELECT job_name, day, summary FROM job_runs").fetchall()
        assert [(name, day) for name, day, _ in runs] == [("daily", DAY)]
        assert runs[0][2] == summary
        assert conn.execute("SELECT status FROM packs").fetchall() == [("void",)]
        # Each lifecycle job leaves one audit event per run: five jobs, run once.
        events = conn.execute(
            "SELECT action FROM audit_events WHERE action LIKE 'lifecycle.%%' "
            "AND entity_id LIKE %s ORDER BY action", (f"%:{DAY.isoformat()}",)).fetchall()
        assert [a for (a,) in events] == [
            "lifecycle.cancel_lapsed_inquiries", "lifecycle.flag_sla_breaches",
            "lifecycle.remind_coverage_end", "lifecycle.remind_late_applications",
            "lifecycle.void_unapplied"]
