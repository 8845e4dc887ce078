"""Signed checkpoints of the report chain and the audit chain, kept outside the database.

Whoever can write the database can delete the newest sealed reports (or audit rows) and
leave a shorter chain that still verifies link by link. A checkpoint records, at a moment,
how long each chain was and its head hash, signed with the sealing key, in an append-only
file outside the database (DISPATCH_CHECKPOINT_DIR, default `checkpoints/` in the instance
folder; keep a copy on another host). `verify_chain` re-verifies every seal and compares
both chains with every checkpoint: a report or audit row that was there and is gone, or
whose hash changed, is named.

Each line of `checkpoints.jsonl` is one JSON object: at, reports {count, head}, audit
{count, head}, prev (the checkpoint_hash of the line before, so a removed line shows),
key_id, checkpoint_hash = SHA-256 of the canonical JSON of those fields, and signature
(base64 Ed25519 over the 32 raw bytes of checkpoint_hash).
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from flask import current_app
from sqlalchemy import select

from dispatch.extensions import db
from dispatch.models import WorkReport as ReportRow
from dispatch.services.reporting import signing_keys
from dispatch.services.reporting.verify import verify_report
from dispatch.services.trust import audit_chain
from reports.canonical import canonical_json, format_datetime, sha256_hex
from reports.sealing import GENESIS_HASH

CHECKPOINT_FILE = "checkpoints.jsonl"
SIGNED_FIELDS = ("at", "reports", "audit", "prev", "key_id")


def checkpoint_path() -> Path:
    """The append-only checkpoint file named by configuration."""
    folder = current_app.config.get("DISPATCH_CHECKPOINT_DIR") or (
        Path(current_app.instance_path) / "checkpoints")
    return Path(folder) / CHECKPOINT_FILE


def report_head() -> tuple[int, str]:
    """(count, head seal hash) of the sealed-report chain as stored."""
    row = db.session.scalar(select(ReportRow).where(ReportRow.chain_index.is_not(None))
                            .order_by(ReportRow.chain_index.desc()).limit(1))
    return (row.chain_index or 0, row.seal_hash or GENESIS_HASH) if row else (0, GENESIS_HASH)


def _hash(body: dict[str, Any]) -> str:
    return sha256_hex(canonical_json({k: body[k] for k in SIGNED_FIELDS}))


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield number, line


def _last_hash(path: Path) -> str:
    last = GENESIS_HASH
    if path.exists():
        for _, line in _lines(path):
            last = json.loads(line).get("checkpoint_hash", GENESIS_HASH)
    return last


def write_checkpoint(now: datetime) -> dict[str, Any]:
    """Append a signed checkpoint of both chain heads; call after the unit of work commits."""
    key = signing_keys.current_key()
    path = checkpoint_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    reports_count, reports_head = report_head()
    audit_count, audit_head = audit_chain.head(db.session())
    body: dict[str, Any] = {
        "at": format_datetime(now),
        "reports": {"count": reports_count, "head": reports_head},
        "audit": {"count": audit_count, "head": audit_head},
        "prev": _last_hash(path), "key_id": key.key_id,
    }
    body["checkpoint_hash"] = _hash(body)
    body["signature"] = base64.b64encode(
        key.private_key.sign(bytes.fromhex(body["checkpoint_hash"]))).decode()
    line = json.dumps(body, ensure_ascii=False, sort_keys=True) + "\n"
    # O_APPEND: each line lands whole at the end, never over an earlier one.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    return body


@dataclass(frozen=True)
class ChainCheck:
    """Outcome of `verify_chain`: every problem in order; the first is the first break."""

    reports: int
    checkpoints: int
    problems: tuple[str, ...]


def _verify_reports() -> tuple[int, list[str]]:
    problems: list[str] = []
    expected = 1
    rows = db.session.scalars(select(ReportRow).where(ReportRow.chain_index.is_not(None))
                              .order_by(ReportRow.chain_index))
    for row in rows:
        index = row.chain_index or 0
        if index != expected:
            problems.append(f"report #{expected} is missing (before report id {row.id})")
        result = verify_report(row)
        if not result["valid"]:
            problems.append(f"report id {row.id} (#{index}) is altered: "
                            + ", ".join(result["problems"]))
        expected = index + 1
    return expected - 1, problems


def _check_signature(body: dict[str, Any], trusted: dict[str, Any]) -> str | None:
    key = trusted.get(body.get("key_id", ""))
    if key is None:
        return "signed by a key that is not trusted"
    if _hash(body) != body.get("checkpoint_hash"):
        return "altered"
    try:
        key.public_key.verify(base64.b64decode(body["signature"], validate=True),
                              bytes.fromhex(body["checkpoint_hash"]))
    except (InvalidSignature, ValueError, KeyError):
        return "has a bad signature"
    if key.retired_at is not None and datetime.fromisoformat(body["at"]) > key.retired_at:
        return "signed after its key was retired"
    return None


def _against_heads(body: dict[str, Any], where: str, reports: bool = True) -> list[str]:
    problems = []
    count, head = int(body["reports"]["count"]), body["reports"]["head"]
    if count and reports:
        row = db.session.scalar(select(ReportRow).where(ReportRow.chain_index == count))
        if row is None:
            problems.append(f"report #{count} is missing ({where} recorded it as the head)")
        elif row.seal_hash != head:
            problems.append(f"report id {row.id} (#{count}) is altered ({where} recorded "
                            "another seal hash)")
    count, head = int(body["audit"]["count"]), body["audit"]["head"]
    if count:
        event = audit_chain.row_at(db.session(), count)
        if event is None:
            problems.append(f"audit row #{count} is missing ({where} recorded it as the head)")
        elif event.chain_hash != head:
            problems.append(f"audit row id {event.id} (#{count}) is altered ({where} "
                            "recorded another hash)")
    return problems


def verify_chain(path: Path | None = None, *, reports: bool = True) -> ChainCheck:
    """Every seal, the chain's continuity, and both chains against every checkpoint.

    `reports=False` checks only the audit chain against the checkpoints (`audit verify`).
    """
    path = path or checkpoint_path()
    count, problems = _verify_reports() if reports else (0, [])
    trusted = signing_keys.trusted_keys()
    checkpoints, prev = 0, GENESIS_HASH
    if not path.exists():
        problems.append(f"no checkpoint file at {path}")
        return ChainCheck(count, 0, tuple(problems))
    for number, line in _lines(path):
        where = f"checkpoint line {number}"
        try:
            body = json.loads(line)
            trouble = _check_signature(body, trusted)
            if trouble is None and body["prev"] != prev:
                trouble = "does not follow the line before (a checkpoint was removed)"
            if trouble is not None:
                problems.append(f"{where} {trouble}")
                continue
            problems += _against_heads(body, f"{where} at {body['at']}", reports)
        except (ValueError, KeyError, TypeError):
            problems.append(f"{where} is not a checkpoint")
            continue
        checkpoints, prev = checkpoints + 1, body["checkpoint_hash"]
    return ChainCheck(count, checkpoints, tuple(problems))
