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


# --- happy paths of every command (issue 14: the CLI is the contract) -------------------------


@pytest.mark.parametrize(
    "day",
    [
        "2026-04-01",  # the day issue 14 reported: TypeError datetime vs date, always
        "2024-02-29",  # a leap day: the void threshold walks back over February
        "2026-05-01",  # OXT's May 1 closure: the SLA threshold counts business days
        "2027-01-01",  # the year-end closure
    ],
)
def test_run_daily_works_on_a_fresh_database_for_any_date(db_url, day):
    assert run(["db", "upgrade"], db_url).returncode == 0
    done = run(["jobs", "run-daily", "--date", day], db_url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "inquiries_cancelled: 0", "packs_voided: 0", "application_reminders: 0",
        "sla_breaches: 0", "coverage_end_reminders: 0", "morning_digests: 0",
        "retention_flagged_device: 0"]


def test_run_daily_on_the_demo_data_voids_and_reminds(tmp_path):
    db_file = tmp_path / "demo.sqlite3"
    url = f"sqlite:///{db_file}"
    assert run(["demo", "--no-serve", "--db-file", str(db_file)], url).returncode == 0
    # Years after the demo day every unapplied pack is past its 1-year void date.
    done = run(["jobs", "run-daily", "--date", "2035-06-01"], url)
    assert done.returncode == 0, done.stderr
    counts = dict(line.split(": ") for line in done.stdout.splitlines())
    assert set(counts) >= {"inquiries_cancelled", "packs_voided", "sla_breaches"}
    again = run(["jobs", "run-daily", "--date", "2035-06-01"], url)
    # running a day twice changes nothing more (rules.md §4, the daily lifecycle jobs)
    assert dict(line.split(": ") for line in again.stdout.splitlines())["packs_voided"] == "0"


def test_token_revoke_and_keys_list_happy_path(db_url):
    run(["db", "upgrade"], db_url)
    run(["user", "add", "--role", "admin", "--email", "a@b.jp", "--password", STRONG], db_url)
    assert run(["token", "create", "a@b.jp"], db_url).returncode == 0
    revoked = run(["token", "revoke", "1"], db_url)
    assert revoked.returncode == 0, revoked.stderr
    assert revoked.stdout.strip() == "token 1 revoked"
    listed = run(["keys", "list"], db_url)
    assert listed.returncode == 0, listed.stderr


def test_python_dash_m_dispatch_runs_the_same_command(db_url):
    full_env = {**os.environ, "DATABASE_URL": db_url, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "dispatch", "db", "upgrade"],
                          capture_output=True, text=True, env=full_env, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    jobs = subprocess.run([sys.executable, "-m", "dispatch.cli", "jobs", "run-daily", "--date",
                           "2026-04-01"], capture_output=True, text=True, env=full_env,
                          timeout=120, cwd=ROOT)
    assert jobs.returncode == 0, jobs.stderr


@pytest.mark.parametrize(
    ("args", "env", "start"),
    [
        # a date Python cannot count back from: an OverflowError, not a DispatchError
        (["jobs", "run-daily", "--date", "0001-01-01"], {}, "Error: OverflowError:"),
        # a malformed schedule time: a ValueError raised inside the command
        (["scheduler"], {"DISPATCH_DAILY_JOBS_AT": "25:99"}, "Error: ValueError:"),
    ],
)
def test_any_failure_is_one_line_and_a_non_zero_exit(db_url, args, env, start):
    run(["db", "upgrade"], db_url)
    result = run(args, db_url, **env)
    assert result.returncode == 1
    assert result.stderr.startswith(start)
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(args: list[str], db_url: str) -> subprocess.Popen[str]:
    env = {**os.environ, "DATABASE_URL": db_url, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "dispatch", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=env, cwd=ROOT)


def _stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def test_serve_answers_http_on_its_port(db_url):
    import time
    import urllib.request

    run(["db", "upgrade"], db_url)
    port = _free_port()
    proc = _start(["serve", "--port", str(port), "--workers", "1"], db_url)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as r:
                    assert r.status == 200
                    break
            except OSError:
                assert proc.poll() is None, "serve exited"
                assert time.monotonic() < deadline, "serve never answered"
                time.sleep(0.5)
    finally:
        _stop(proc)


def test_scheduler_starts_in_the_foreground(db_url):
    run(["db", "upgrade"], db_url)
    proc = _start(["scheduler"], db_url)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("daily lifecycle jobs at 00:15 Asia/Tokyo")
        assert proc.poll() is None
    finally:
        _stop(proc)


def test_user_password_ends_sessions_and_outbox_deliver_runs_one_pass(db_url):
    # The commands added this round, run as an operator would (rules.md §8, §11).
    import smtp_server

    run(["db", "upgrade"], db_url)
    run(["user", "add", "--role", "admin", "--email", "a@b.jp", "--password", STRONG], db_url)
    changed = run(["user", "password", "--email", "a@b.jp", "--password",
                   "another-long-passphrase-42"], db_url)
    assert changed.returncode == 0, changed.stderr
    assert changed.stdout.strip() == "password of a@b.jp changed; its sessions have ended"
    box = smtp_server.Mailbox()
    controller = smtp_server.start(box)
    try:
        delivered = run(["outbox", "deliver"], db_url,
                        DISPATCH_SMTP_URL=f"smtp://127.0.0.1:{controller.port}",
                        DISPATCH_MAIL_FROM="support@oxt.example.jp")
    finally:
        controller.stop()
    assert delivered.returncode == 0, delivered.stderr
    assert "sent=0" in delivered.stdout  # nothing was waiting: one pass, nothing sent
    unset = run(["outbox", "deliver"], db_url)
    assert unset.returncode == 1
    assert unset.stderr.strip().splitlines() == [
        "Error: DISPATCH_SMTP_URL is not set: messages stay in the outbox"]
