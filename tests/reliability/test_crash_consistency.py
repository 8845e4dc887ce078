"""A process killed (SIGKILL) in the middle of planning a day or sealing a signature leaves
no half-written state: each write is one unit of work, so after the kill the database holds
either all of it or none of it, and the next attempt succeeds (rules.md §8 reliability)."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

PREAMBLE = """
import sys
from sqlalchemy import select
from dispatch import clock, create_app
from dispatch.extensions import db
from dispatch.services.trust.audit import SYSTEM
app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1]})
ctx = app.app_context(); ctx.push()
"""

PLAN = PREAMBLE + """
from dispatch.services.day.planning import plan_day
from dispatch.services.unit_of_work import unit_of_work
print("start", flush=True)
with unit_of_work():
    plan_day(clock.today_tokyo(), SYSTEM, solution_limit=200)
print("done", flush=True)
"""

PLAN_CHECK = PREAMBLE + """
from dispatch.models import Plan, Visit
from dispatch.services.day.planning import get_plan
today = clock.today_tokyo()
current = db.session.scalars(select(Plan).where(Plan.service_date == today,
                                                Plan.is_current.is_(True))).all()
assert len(current) <= 1, "two current plans"
payload = get_plan(today)
stops = 0
for route in payload["routes"]:
    for stop in route["stops"]:
        stops += 1
        visit = db.session.get(Visit, stop["visit_id"])
        assert visit.technician_id == route["technician_id"], "visit on another route"
        if visit.status in ("en_route", "arrived", "done"):  # keeps the plan that sent it
            assert visit.plan_id is not None, "visit under way without a plan"
        else:
            assert visit.plan_id == current[0].id, "visit of an older plan"
print("consistent", len(current), stops)
"""

SIGN = PREAMBLE + """
from dispatch.models import WorkReport
from dispatch.services.trust.audit import Actor
from dispatch.services.reporting.reports import sign_report
from dispatch.services.unit_of_work import unit_of_work
from dispatch.demo_data.reporting import signature_png
import base64
row = db.session.scalars(select(WorkReport).where(WorkReport.status == "draft")).first()
if row is None:  # nothing to sign: the test would kill a process that writes nothing
    print("no draft", flush=True)
    sys.exit(1)
image = "data:image/png;base64," + base64.b64encode(signature_png()).decode()
print("start", flush=True)
with unit_of_work():
    sign_report(row.id, "佐藤 花子", image, Actor(label="crash-test", role="admin"))
print("done", flush=True)
"""

SIGN_CHECK = PREAMBLE + """
from dispatch.models import WorkReport
from dispatch.services.reporting.verify import verify_report
rows = db.session.scalars(select(WorkReport)).all()
for row in rows:
    if row.status == "signed":
        assert row.seal is not None and verify_report(row)["valid"], f"report {row.id}"
    else:
        assert row.seal is None and row.seal_hash is None, f"half-sealed report {row.id}"
indexes = sorted(r.chain_index for r in rows if r.chain_index is not None)
assert indexes == list(range(1, len(indexes) + 1)), indexes
print("consistent", sum(r.status == "signed" for r in rows))
"""


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db_file = tmp_path_factory.mktemp("crash") / "demo.sqlite3"
    done = subprocess.run(
        [sys.executable, "-c", "from dispatch.cli import main; main()", "demo", "--no-serve",
         "--db-file", str(db_file)], env=ENV, cwd=ROOT, capture_output=True, text=True,
        timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return db_file


@pytest.fixture
def signing_db(demo_db: Path, tmp_path: Path) -> Path:
    """A copy of the demo database per test, so every kill meets the demo's draft report."""
    copy = tmp_path / "signing.sqlite3"
    shutil.copyfile(demo_db, copy)
    return copy


def _kill_after_start(script: str, url: str, delay: float) -> str:
    proc = subprocess.Popen([sys.executable, "-c", script, url], env=ENV, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout.readline().strip() == "start"  # the app is up, the write begins
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    rest = proc.stdout.read()
    proc.wait(30)
    return rest


def _check(script: str, url: str) -> str:
    done = subprocess.run([sys.executable, "-c", script, url], env=ENV, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip().splitlines()[-1]


def _integrity(db_file: Path) -> str:
    with sqlite3.connect(db_file) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.2, 0.5, 1.0])
def test_planning_killed_at_any_moment_leaves_a_consistent_day(demo_db, delay):
    url = f"sqlite:///{demo_db}"
    _kill_after_start(PLAN, url, delay)
    assert _integrity(demo_db) == "ok"
    # The demo day has a current plan with visits on it, before and after the kill.
    _, current, stops = _check(PLAN_CHECK, url).split()
    assert current == "1" and int(stops) > 0


def _report_statuses(db_file: Path) -> list[str]:
    with sqlite3.connect(db_file) as conn:
        return sorted(r[0] for r in conn.execute("SELECT status FROM work_reports"))


@pytest.mark.parametrize("delay", [0.0, 0.02, 0.1, 0.3])
def test_signing_killed_at_any_moment_leaves_draft_or_valid_seal(signing_db, delay):
    url = f"sqlite:///{signing_db}"
    before = _report_statuses(signing_db)
    assert before.count("draft") == 1  # the precondition: there is a report to sign
    _kill_after_start(SIGN, url, delay)
    assert _integrity(signing_db) == "ok"
    signed_before = before.count("signed")
    assert _check(SIGN_CHECK, url) in (f"consistent {signed_before}",
                                       f"consistent {signed_before + 1}")
    if _report_statuses(signing_db).count("draft") == 1:  # killed before the commit
        _check(SIGN, url)  # the next attempt succeeds
    assert _report_statuses(signing_db) == sorted(["signed"] * len(before))
    assert _check(SIGN_CHECK, url) == f"consistent {len(before)}"
