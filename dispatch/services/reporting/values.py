"""Stored report rows ↔ the pure `reports` values; no ORM object ever enters `reports/`.

A row's `content` holds the §9.1 payload fields plus the context frozen when the draft was
last saved (site, device, customer names), so a seal recomputes identically years later
even if a site is renamed. `personal` holds, per personal field, the sealed digest and its
erasable salt (base64).
"""

from __future__ import annotations

import base64
from dataclasses import replace
from typing import Any

from dispatch.domain.report_status import ReportStatus
from dispatch.models import Visit
from dispatch.models import WorkReport as ReportRow
from dispatch.services.catalog.records import company_of
from dispatch.services.reporting.photos import stored_photos
from reports.canonical import format_datetime
from reports.content import SignedContent
from reports.document import WorkReport, report_from_payload
from reports.personal import Commitment
from reports.photos import PhotoKind, SealedPhoto
from reports.sealing import Seal

PAYLOAD_FIELDS = (
    "arrived_at", "departed_at", "work_done", "result", "parts", "technical_changes",
    "data_initialized", "counter_reading", "attendee_name", "exclusion_cause", "checklist",
)
CONTEXT_FIELDS = (
    "report_id", "visit_id", "call_id", "device_serial", "device_model", "site_name",
    "site_address", "customer_name", "support_pack_id", "technician_name", "company_name",
)
ERASED_PLACEHOLDER = "-"


def visit_context(visit: Visit, report_id: int) -> dict[str, Any]:
    """The fields of a report the technician does not type, read from the visit."""
    call = visit.call
    device = call.device
    site = device.site if device is not None else None
    return {
        "report_id": str(report_id),
        "visit_id": str(visit.id),
        "call_id": str(call.id),
        "device_serial": device.serial if device is not None else call.serial,
        "device_model": device.model.name if device is not None else "",
        "site_name": site.name if site is not None else "",
        "site_address": site.address if site is not None else "",
        "customer_name": site.customer.name if site is not None else "",
        "support_pack_id": call.support_pack_id,
        "technician_name": visit.technician.name if visit.technician else "",
        "company_name": company_of(visit.technician),
    }



def stored_content(value: WorkReport) -> dict[str, Any]:
    """JSON form of a validated report for the `content` column."""
    return {
        **{name: getattr(value, name) for name in CONTEXT_FIELDS},
        "arrived_at": format_datetime(value.arrived_at),
        "departed_at": format_datetime(value.departed_at),
        "work_done": value.work_done,
        "result": value.result.value,
        "parts": [{"part_no": p.part_no, "qty": p.qty, "condition": p.condition.value,
                   "removed_returned": p.removed_returned} for p in value.parts],
        "technical_changes": list(value.technical_changes),
        "data_initialized": value.data_initialized,
        "counter_reading": value.counter_reading,
        "attendee_name": value.attendee_name,
        "exclusion_cause": value.exclusion_cause.value if value.exclusion_cause else None,
        "checklist": (None if value.checklist is None
                      else {item.value: value.checklist[item] for item in value.checklist}),
        # What will be sealed of the photos (rules.md §7); the bytes are in report_photos.
        **({"photos": [{"kind": p.kind.value, "sha256": p.sha256} for p in value.photos]}
           if value.photos else {}),
    }


def report_value(row: ReportRow) -> WorkReport:
    """The WorkReport value of a stored row (erased names come back as None)."""
    content = row.content
    payload = {k: content.get(k) for k in PAYLOAD_FIELDS}
    erased_attendee = payload["attendee_name"] is None and row.status == ReportStatus.SIGNED
    if erased_attendee:  # validation wants a name; put the erasure back afterwards
        payload["attendee_name"] = ERASED_PLACEHOLDER
    if payload["counter_reading"] is None:
        payload.pop("counter_reading")
    # Stored JSON: technician_name is None once erased, which the value allows.
    context: dict[str, Any] = {k: content.get(k) for k in CONTEXT_FIELDS}
    value = replace(report_from_payload(payload, **context), photos=tuple(
        SealedPhoto(PhotoKind(p["kind"]), p["sha256"]) for p in content.get("photos") or []))
    return replace(value, attendee_name=None) if erased_attendee else value


def payload_of(row: ReportRow) -> dict[str, Any]:
    """The §9.1 payload fields of a stored report (what the form edits)."""
    return {k: row.content.get(k) for k in PAYLOAD_FIELDS}


def commitments_json(content: SignedContent) -> dict[str, Any]:
    """Digest and base64 salt per personal field, for the `personal` column."""
    return {
        name: {"digest": c.digest,
               "salt": base64.b64encode(c.salt).decode() if c.salt is not None else None}
        for name, c in content.commitments.items()
    }


def signed_content(row: ReportRow) -> SignedContent:
    """What the seal of a signed row covers, read back from the row."""
    commitments = {
        name: Commitment(item["digest"],
                         base64.b64decode(item["salt"]) if item.get("salt") else None)
        for name, item in (row.personal or {}).items()
    }
    return SignedContent(report_value(row), row.signer_name, commitments,
                         photos=stored_photos(row))


def seal_of(row: ReportRow) -> Seal | None:
    """The row's seal, or None for a draft or a refused report."""
    return Seal.from_dict(row.seal) if row.seal else None
