"""Read views of a stored report: its JSON answer and its PDF (rules.md §7, §9)."""

from __future__ import annotations

from typing import Any

from dispatch.models import WorkReport as ReportRow
from dispatch.services.reporting.photos import photo_list, stored_photos
from dispatch.services.reporting.values import payload_of, report_value, seal_of
from reports.pdf import render_pdf


def report_json(row: ReportRow) -> dict[str, Any]:
    """GET /reports/{id}: the payload, the frozen context, the signature facts and the seal."""
    content = row.content
    return {
        "id": row.id,
        "visit_id": row.visit_id,
        "status": row.status,
        **payload_of(row),
        "chargeable": content.get("exclusion_cause") is not None,
        "call_id": row.visit.call_id,
        "device_serial": content.get("device_serial"),
        "device_model": content.get("device_model"),
        "site_name": content.get("site_name"),
        "site_address": content.get("site_address"),
        "customer_name": content.get("customer_name"),
        "support_pack_id": content.get("support_pack_id"),
        "technician_name": content.get("technician_name"),
        "company_name": content.get("company_name"),
        "signer_name": row.signer_name,
        "signed_at": row.signed_at.isoformat() if row.signed_at else None,
        "refusal_reason": row.refusal_reason,
        "seal": row.seal,
        "photos": photo_list(row),
    }


def report_pdf(row: ReportRow, verify_url: str | None) -> bytes:
    """The Japanese PDF of a draft or signed report."""
    return render_pdf(report_value(row), seal_of(row), row.signature_png, verify_url,
                      signer_name=row.signer_name, photos=stored_photos(row))
