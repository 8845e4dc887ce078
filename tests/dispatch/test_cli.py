"""The `dispatch` command of rules.md §9, run as a user would: a real process, a real database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(args: list[str], db_url: str, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "DATABASE_URL": db_url, "PYTHONPATH": str(ROOT), **env}
    return subprocess.run(
        [sys.executable, "-c", "from dispatch.cli import main; main()", *args],
        capture_output=True, text=True, env=full_env, timeout=120, cwd=ROOT,
    )


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.sqlite3'}"


def test_upgrade_user_add_and_token_create_on_an_empty_database(db_url):
    assert run(["db", "upgrade"], db_url).returncode == 0
    added = run(["user", "add", "--role", "coordinator", "--email", "Desk@Example.jp",
                 "--password", "long-enough-password"], db_url)
    assert added.returncode == 0, added.stderr
    assert "desk@example.jp" in added.stdout
    token = run(["token", "create", "desk@example.jp"], db_url)
    assert token.returncode == 0
    assert token.stdout.strip().startswith("dsp_")


STRONG = "long-enough-password"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        # unknown role is refused by the option itself
        (["user", "add", "--role", "boss", "--email", "a@b.jp", "--password", STRONG], "boss"),
        # too short a password
        (["user", "add", "--role", "admin", "--email", "a@b.jp", "--password", "short"],
         "at least 12"),
        # a common password, long enough (rules.md §8)
        (["user", "add", "--role", "admin", "--email", "a@b.jp", "--password", "password1234"],
         "too common"),
        # not an e-mail address
        (["user", "add", "--role", "admin", "--email", "a@b", "--password", STRONG],
         "not an e-mail address"),
        # token for nobody
        (["token", "create", "ghost@example.jp"], "no user"),
        # a date that is not a date
        (["jobs", "run-daily", "--date", "2026-13-45"], "2026-13-45"),
    ],
)
def test_bad_input_fails_with_one_clear_line(db_url, args, message):
    run(["db", "upgrade"], db_url)
    result = run(args, db_url)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_duplicate_user_fails_cleanly(db_url):
    run(["db", "upgrade"], db_url)
    args = ["user", "add", "--role", "admin", "--email", "a@b.jp", "--password", STRONG]
    assert run(args, db_url).returncode == 0
    again = run(args, db_url)
    assert again.returncode == 1
    assert again.stderr.strip() == "Error: a user with e-mail a@b.jp already exists"


def test_production_refuses_a_weak_secret(db_url):
    result = run(["user", "add", "--role", "admin", "--email", "a@b.jp", "--password",
                  STRONG], db_url, DISPATCH_ENV="production", SECRET_KEY="short")
    assert result.returncode == 2
    assert "SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_rejects_a_bad_port_environment(db_url):
    result = run(["serve"], db_url, PORT="eighty")
    assert result.returncode != 0
    assert "PORT must be a port number" in result.stderr


def test_sqlite_backup_and_restore_round_trip(db_url, tmp_path):
    run(["db", "upgrade"], db_url)
    run(["user", "add", "--role", "admin", "--email", "keep@b.jp", "--password", STRONG],
        db_url)
    backup_file = tmp_path / "backup.sqlite3"
    done = run(["db", "backup", str(backup_file)], db_url)
    assert done.returncode == 0, done.stderr
    run(["user", "add", "--role", "admin", "--email", "later@b.jp", "--password", STRONG],
        db_url)
    restored = run(["db", "restore", str(backup_file)], db_url)
    assert restored.returncode == 0, restored.stderr
    # the user added after the backup is gone, the one before it is back
    again = run(["user", "add", "--role", "admin", "--email", "later@b.jp", "--password",
                 STRONG], db_url)
    assert again.returncode == 0
    dup = run(["user", "add", "--role", "admin", "--email", "keep@b.jp", "--password",
               STRONG], db_url)
    assert "already exists" in dup.stderr


def test_restore_from_a_missing_file_fails_cleanly(db_url, tmp_path):
    run(["db", "upgrade"], db_url)
    result = run(["db", "restore", str(tmp_path / "nope.sqlite3")], db_url)
    assert result.returncode == 1
    assert result.stderr.strip().startswith("Error: no backup file at")


def test_demo_builds_the_embedded_database_and_loads_data(tmp_path):
    db_file = tmp_path / "demo.sqlite3"
    # DATABASE_URL points elsewhere on purpose: the demo always uses its SQLite file.
    done = run(["demo", "--no-serve", "--db-file", str(db_file)], "postgresql://unused/db")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "demo database ready" in done.stdout
    assert db_file.stat().st_size > 0


VERIFY_ALL = """
import sys
from sqlalchemy import select
from dispatch import create_app
from dispatch.extensions import db
from dispatch.models import WorkReport
from dispatch.services.reporting.verify import verify_report
app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1]})
with app.app_context():
    rows = db.session.scalars(select(WorkReport).where(WorkReport.status == "signed")).all()
    results = [verify_report(r)["valid"] for r in rows]
    print(len(results), all(results))
"""


def test_backup_and_restore_keep_sealed_reports_verifiable(tmp_path):
    db_file = tmp_path / "demo.sqlite3"
    url = f"sqlite:///{db_file}"
    assert run(["demo", "--no-serve", "--db-file", str(db_file)], url).returncode == 0
    backup_file = tmp_path / "backup.sqlite3"
    assert run(["db", "backup", str(backup_file)], url).returncode == 0
    # Damage the live database after the backup: a signed report's content changes.
    import sqlite3

    with sqlite3.connect(db_file) as conn:
        changed = conn.execute("UPDATE work_reports SET content = "
                               "json_set(content, '$.work_done', 'tampered') "
                               "WHERE status = 'signed'").rowcount
    assert changed >= 1
    check = [sys.executable, "-c", VERIFY_ALL, url]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    damaged = subprocess.run(check, capture_output=True, text=True, env=env, cwd=ROOT)
    assert damaged.stdout.split()[-1] == "False"  # tampering is seen
    assert run(["db", "restore", str(backup_file)], url).returncode == 0
    restored = subprocess.run(check, capture_output=True, text=True, env=env, cwd=ROOT)
    count, valid = restored.stdout.split()[-2:]
    assert int(count) >= 1 and valid == "True"
