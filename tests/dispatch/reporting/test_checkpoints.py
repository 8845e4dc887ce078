"""Signed checkpoints outside the database catch a removed chain head (rules.md §7, §8)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from reporting_rows import NOW, data_url, make_visit, report_payload
from sqlalchemy import delete, func, select, update

from dispatch.extensions import db
from dispatch.models import AuditEvent
from dispatch.models import WorkReport as ReportRow
from dispatch.services.reporting import checkpoints
from reports.canonical import format_datetime
from reports.keys import generate_signing_key, private_key_to_b64

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def folder(app, tmp_path, monkeypatch) -> Path:
    monkeypatch.setitem(app.config, "DISPATCH_CHECKPOINT_DIR", str(tmp_path))
    # An audit chain of this test's own, whatever committing tests left (rolled back).
    db.session.execute(delete(AuditEvent))
    return tmp_path


@pytest.fixture
def two_signed(tech, signed) -> list[int]:
    other = make_visit(serial="AK10000002")
    rid = tech.put(f"/visits/{other.visit_id}/report", json=report_payload()).get_json()["id"]
    assert tech.post(f"/reports/{rid}/signature",
                     json={"signer_name": "佐藤 花子", "image": data_url()}).status_code == 200
    return [signed, rid]


def _problems() -> tuple[str, ...]:
    db.session.expire_all()
    return checkpoints.verify_chain().problems


def test_an_intact_chain_matches_its_checkpoint(folder, two_signed):
    body = checkpoints.write_checkpoint(NOW)
    head = db.session.get(ReportRow, two_signed[-1])
    assert body["reports"] == {"count": head.chain_index, "head": head.seal_hash}
    assert _problems() == ()
    line = json.loads((folder / "checkpoints.jsonl").read_text().splitlines()[0])
    assert line["prev"] == "0" * 64 and line["checkpoint_hash"] == body["checkpoint_hash"]


def test_deleting_the_chain_head_is_detected(folder, two_signed):
    checkpoints.write_checkpoint(NOW)
    head = db.session.get(ReportRow, two_signed[-1])
    index = head.chain_index
    db.session.execute(delete(ReportRow).where(ReportRow.id == head.id))
    assert _problems() == (
        f"report #{index} is missing (checkpoint line 1 at {format_datetime(NOW)} "
        "recorded it as the head)",)


def test_an_altered_report_is_named_first(folder, two_signed):
    checkpoints.write_checkpoint(NOW)
    first = db.session.get(ReportRow, two_signed[0])
    db.session.execute(update(ReportRow).where(ReportRow.id == first.id)
                       .values(content={**first.content, "work_done": "別の作業"}))
    problems = _problems()
    assert problems[0] == f"report id {first.id} (#{first.chain_index}) is altered: content_altered"


def test_a_removed_audit_tail_is_detected(folder, two_signed):
    checkpoints.write_checkpoint(NOW)
    last = db.session.scalar(select(func.max(AuditEvent.chain_index)))
    db.session.execute(delete(AuditEvent).where(AuditEvent.chain_index == last))
    assert _problems() == (
        f"audit row #{last} is missing (checkpoint line 1 at {format_datetime(NOW)} "
        "recorded it as the head)",)


def test_a_removed_checkpoint_line_is_detected(folder, two_signed):
    for _ in range(3):
        checkpoints.write_checkpoint(NOW)
    path = folder / "checkpoints.jsonl"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text(lines[0] + lines[2])
    assert _problems()[0] == (
        "checkpoint line 2 does not follow the line before (a checkpoint was removed)")


def test_a_checkpoint_signed_by_an_untrusted_key_is_refused(app, folder, two_signed,
                                                             monkeypatch):
    monkeypatch.setitem(app.config, "DISPATCH_SIGNING_KEY",
                        private_key_to_b64(generate_signing_key()))
    checkpoints.write_checkpoint(NOW)
    monkeypatch.delitem(app.config, "DISPATCH_SIGNING_KEY")
    assert "checkpoint line 1 signed by a key that is not trusted" in _problems()


def test_no_checkpoint_file_is_a_failure(app, folder, two_signed):
    assert _problems() == (f"no checkpoint file at {folder / 'checkpoints.jsonl'}",)


def test_cli_checkpoint_then_verify_chain_exits_non_zero_naming_the_break(tmp_path):
    db_file = tmp_path / "cli.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{db_file}", "PYTHONPATH": str(ROOT), "PATH": "/usr/bin",
           "DISPATCH_INSTANCE_PATH": str(tmp_path / "instance"),
           "DISPATCH_CHECKPOINT_DIR": str(tmp_path / "checkpoints")}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", "from dispatch.cli import main; main()",
                               *args], capture_output=True, text=True, env=env, cwd=ROOT,
                              timeout=120)

    assert run("db", "upgrade").returncode == 0
    added = run("user", "add", "--role", "admin", "--email", "a@example.jp",
                "--password", "correct horse battery")
    assert added.returncode == 0, added.stderr
    assert run("reports", "checkpoint").returncode == 0
    ok = run("reports", "verify-chain")
    assert ok.returncode == 0, ok.stderr
    assert run("audit", "verify").returncode == 0
    import sqlite3

    with sqlite3.connect(db_file) as conn:
        conn.execute("DELETE FROM audit_events")
    broken = run("reports", "verify-chain", "--checkpoints",
                 str(tmp_path / "checkpoints" / "checkpoints.jsonl"))
    assert broken.returncode == 1
    assert "audit row #1 is missing" in broken.stderr
    audit = run("audit", "verify")
    assert audit.returncode == 1 and "audit row #1 is missing" in audit.stderr
