"""Verifying a stored report by recomputing everything from the database (rules.md §7).

Content, names, image, seal and signature are checked by `reports.sealing.verify_seal`,
against the keys trusted by configuration (never the `signing_keys` table);
here the row adds what only the database knows: its chain position (the previous sealed
report must be the one at chain_index - 1) and the copies of the seal kept in columns.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from dispatch.domain.report_status import ReportStatus
from dispatch.extensions import db
from dispatch.models import WorkReport as ReportRow
from dispatch.services.reporting import signing_keys
from dispatch.services.reporting.values import seal_of, signed_content
from reports.document import InvalidReport
from reports.sealing import GENESIS_HASH, verify_seal


def _prev_hash(row: ReportRow) -> str | None:
    index = row.chain_index or 0
    if index <= 1:
        return GENESIS_HASH if index == 1 else None
    prev = db.session.scalar(select(ReportRow).where(ReportRow.chain_index == index - 1))
    if prev is None or not prev.seal:
        return None
    return str(prev.seal.get("seal_hash"))


def _row_problems(row: ReportRow, seal_hash: str, sealed_at: Any) -> list[str]:
    problems = []
    if row.status != ReportStatus.SIGNED:
        problems.append("status_altered")
    if row.seal_hash != seal_hash:
        problems.append("seal_hash_altered")
    if row.signed_at is None or row.signed_at != sealed_at:
        problems.append("signed_at_altered")
    return problems


def verify_report(row: ReportRow) -> dict[str, Any]:
    """→ {valid, problems, erased}; a draft or refused report is never valid."""
    try:
        seal = seal_of(row)
    except (KeyError, TypeError, ValueError):
        return {"valid": False, "problems": ["seal_altered"], "erased": []}
    if seal is None:
        return {"valid": False, "problems": ["not_signed"], "erased": []}
    try:
        content = signed_content(row)
    except (InvalidReport, KeyError, TypeError, ValueError):
        return {"valid": False, "problems": ["content_invalid"], "erased": []}
    prev = _prev_hash(row)
    trusted = signing_keys.trusted_keys()
    result = verify_seal(content, row.signature_png, seal,
                         {key_id: key.public_key for key_id, key in trusted.items()},
                         prev if prev is not None else "missing",
                         {key_id: key.retired_at for key_id, key in trusted.items()
                          if key.retired_at is not None})
    problems = list(result.problems)
    if prev is None and "chain_broken" not in problems:
        problems.append("chain_broken")
    problems += _row_problems(row, seal.seal_hash, seal.sealed_at)
    return {"valid": not problems, "problems": problems, "erased": list(result.erased)}
