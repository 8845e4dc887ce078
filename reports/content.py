"""What a seal covers: a signed report's content, with personal names as salted digests.

See reports.sealing for the whole scheme and reports.personal for the digests.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from reports.canonical import canonical_json, format_datetime, sha256_hex
from reports.document import WorkReport
from reports.personal import PERSONAL_FIELDS, Commitment, commit
from reports.photos import StoredPhoto

CONTENT_SCHEMA = "oki-work-report/1"
# WorkReport fields added after schema v1 was first used: sealed only when recorded.
LATER_FIELDS = ("checklist", "company_name", "photos")


@dataclass(frozen=True)
class SignedContent:
    """A signed report as stored: the report, the signer and the personal commitments."""

    report: WorkReport
    signer_name: str | None
    commitments: Mapping[str, Commitment] = field(default_factory=dict)
    # The stored bytes of the report's photos, checked against `report.photos` (rules.md §7).
    photos: tuple[StoredPhoto, ...] = ()

    def personal_value(self, name: str) -> str | None:
        """Plaintext of one personal field, None once erased."""
        if name == "signer_name":
            return self.signer_name
        value: str | None = getattr(self.report, name)
        return value


def _parts(report: WorkReport) -> list[dict[str, object]]:
    return [
        {
            "part_no": part.part_no,
            "qty": part.qty,
            "condition": part.condition.value,
            "removed_returned": part.removed_returned,
        }
        for part in report.parts
    ]


def content_dict(content: SignedContent) -> dict[str, object]:
    """The sealed form of a signed report (schema v1; names only as salted digests)."""
    report = content.report
    # Listed field by field, not dataclasses.asdict: a field added to WorkReport later
    # must not silently change the hash of every report sealed before it.
    sealed: dict[str, object] = {
        "schema": CONTENT_SCHEMA,
        "report_id": report.report_id,
        "visit_id": report.visit_id,
        "call_id": report.call_id,
        "device_serial": report.device_serial,
        "device_model": report.device_model,
        "site_name": report.site_name,
        "site_address": report.site_address,
        "customer_name": report.customer_name,
        "support_pack_id": report.support_pack_id,
        "arrived_at": format_datetime(report.arrived_at),
        "departed_at": format_datetime(report.departed_at),
        "work_done": report.work_done,
        "result": report.result.value,
        "parts": _parts(report),
        "technical_changes": list(report.technical_changes),
        "data_initialized": report.data_initialized,
        "counter_reading": report.counter_reading,
        "exclusion_cause": None if report.exclusion_cause is None else report.exclusion_cause.value,
    }
    # Added after schema v1 was first used: present only when recorded, so the hash of every
    # report sealed without them stays what it was.
    if report.checklist is not None:
        sealed["checklist"] = {item.value: report.checklist[item] for item in report.checklist}
    if report.company_name is not None:
        sealed["company_name"] = report.company_name
    if report.photos:
        sealed["photos"] = [{"kind": photo.kind.value, "sha256": photo.sha256}
                            for photo in report.photos]
    for name in PERSONAL_FIELDS:
        commitment = content.commitments.get(name)
        sealed[name] = {"salted_sha256": commitment.digest if commitment else None}
    return sealed


def content_hash(content: SignedContent) -> str:
    """SHA-256 of the canonical JSON of `content_dict(content)`."""
    return sha256_hex(canonical_json(content_dict(content)))


def commit_personal(report: WorkReport, signer_name: str) -> SignedContent:
    """Salt and digest every personal name of a report about to be sealed."""
    content = SignedContent(report, signer_name)
    commitments = {}
    for name in PERSONAL_FIELDS:
        value = content.personal_value(name)
        if value is None or not value.strip():
            raise ValueError(f"{name} is required to seal a report")
        commitments[name] = commit(value)
    return replace(content, commitments=commitments)


def erase_personal(
    content: SignedContent, fields: tuple[str, ...] = PERSONAL_FIELDS
) -> SignedContent:
    """Drop plaintext and salt of personal fields; the digests, hence the seal, stay."""
    unknown = set(fields) - set(PERSONAL_FIELDS)
    if unknown:
        raise ValueError(f"not personal fields: {sorted(unknown)}")
    # Every personal field of WorkReport is optional text; mypy checks **kwargs against all.
    report_changes: dict[str, Any] = {name: None for name in fields if name != "signer_name"}
    commitments = {
        name: (commitment.erased() if name in fields else commitment)
        for name, commitment in content.commitments.items()
    }
    return SignedContent(
        report=replace(content.report, **report_changes),
        signer_name=None if "signer_name" in fields else content.signer_name,
        commitments=commitments,
        photos=content.photos,
    )
