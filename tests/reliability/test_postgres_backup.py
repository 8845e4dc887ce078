"""`dispatch db backup` / `restore` on PostgreSQL (pg_dump / pg_restore) round-trip, with
sealed work reports still verifying afterwards. Runs when the suite runs on PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
TEST_URL = os.environ.get("TEST_DATABASE_URL", "")

pytestmark = pytest.mark.skipif(not TEST_URL.startswith("postgresql"),
                                reason="needs the suite to run on PostgreSQL")

SEED_AND_VERIFY = """
import sys
from sqlalchemy import select
from dispatch import create_app
from dispatch.extensions import db
from dispatch.models import WorkReport
from dispatch.services.reporting.verify import verify_report
app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1]})
with app.app_context():
    if sys.argv[2] == "seed":
        from flask_migrate import upgrade
        from dispatch.demo import load_demo
        upgrade()
        list(load_demo())
    rows = db.session.scalars(select(WorkReport).where(WorkReport.status == "signed")).all()
    print(len(rows), all(verify_report(r)["valid"] for r in rows))
"""


def _python(code: str, *args: str) -> str:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip().splitlines()[-1]


def _dispatch(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from dispatch.cli import main; main()", *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": url})


def test_pg_dump_round_trip_keeps_sealed_reports_verifiable(scratch_url, tmp_path):
    count, valid = _python(SEED_AND_VERIFY, scratch_url, "seed").split()
    assert int(count) >= 1 and valid == "True"
    dump = tmp_path / "dispatch.dump"
    assert _dispatch(scratch_url, "db", "backup", str(dump)).returncode == 0
    libpq = make_url(scratch_url).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(libpq, autocommit=True) as conn:  # tamper after the backup
        conn.execute("UPDATE work_reports SET content = jsonb_set(content::jsonb, "
                     "'{work_done}', '\"tampered\"')::json WHERE status = 'signed'")
    assert _python(SEED_AND_VERIFY, scratch_url, "check").split()[1] == "False"
    restored = _dispatch(scratch_url, "db", "restore", str(dump))
    assert restored.returncode == 0, restored.stderr
    count_after, valid_after = _python(SEED_AND_VERIFY, scratch_url, "check").split()
    assert (count_after, valid_after) == (count, "True")
