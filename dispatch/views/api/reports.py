"""Work report endpoints of rules.md §9 (PUT /visits/{id}/report, /reports/…)."""

from __future__ import annotations

from typing import Any

from flask import Response, request, url_for
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from dispatch.domain.non_conformity import NonConformityStatus
from dispatch.domain.report_status import ReportStatus
from dispatch.domain.roles import STAFF, Role
from dispatch.services.day.no_attendant import reschedule_without_attendant
from dispatch.services.reporting import access, non_conformity, signing_links
from dispatch.services.reporting import reports as reporting
from dispatch.services.reporting.documents import report_json, report_pdf
from dispatch.services.reporting.photos import photo_for_reading
from dispatch.services.reporting.verify import verify_report
from dispatch.services.unit_of_work import unit_of_work
from dispatch.views.api.auth import api_actor, roles
from dispatch.views.customer.verify import public_verify_url
from dispatch.views.report_photos import REPORT_BODY_LIMIT, body_limit, photo_response
from reports.document import ChecklistItem, Result
from reports.photos import MAX_PHOTOS, PhotoKind

blp = Blueprint("reports", __name__, url_prefix="/api/v1",
                description="Work reports, signatures and seals")

ALL_ROLES = (*STAFF, Role.TECHNICIAN, Role.SITE_MANAGER)
DT = {"type": "string", "format": "date-time"}


class ReportIn(Schema):
    # Types are checked by reports.document so the API and the tablet say the same thing.
    arrived_at = fields.Raw(metadata=DT)
    departed_at = fields.Raw(metadata=DT)
    work_done = fields.Raw(metadata={"type": "string"})
    result = fields.Raw(metadata={"enum": [r.value for r in Result]})
    parts = fields.Raw(metadata={"type": "array", "items": {"type": "object"}})
    technical_changes = fields.Raw(metadata={"type": "array", "items": {"type": "string"}})
    data_initialized = fields.Raw(metadata={"type": "boolean"})
    counter_reading = fields.Raw(allow_none=True, metadata={"type": "integer"})
    attendee_name = fields.Raw(metadata={"type": "string"})
    exclusion_cause = fields.Raw(allow_none=True, metadata={"type": "string"})
    # Seed §13, optional: {attendant_present, environment_ok, backup_kept, software_licensed}.
    checklist = fields.Raw(allow_none=True, metadata={
        "type": "object", "properties": {i.value: {"type": "boolean"} for i in ChecklistItem}})
    # rules.md §7, optional: replaces the draft's photos; absent, they are kept.
    photos = fields.Raw(load_only=True, metadata={
        "type": "array", "maxItems": MAX_PHOTOS, "items": {
            "type": "object", "properties": {
                "kind": {"enum": [k.value for k in PhotoKind]},
                "image": {"type": "string",
                          "description": "data:image/jpeg;base64,… (or png, webp), ≤ 4 MB"},
                "sha256": {"type": "string",
                           "description": "keeps the draft's photo with this hash"}}}})


class PhotoOut(Schema):
    position = fields.Integer()
    kind = fields.String(metadata={"enum": [k.value for k in PhotoKind]})
    sha256 = fields.String()
    byte_size = fields.Integer()
    url = fields.String()


class ReportOut(ReportIn):
    id = fields.Integer()
    visit_id = fields.Integer()
    call_id = fields.Integer()
    status = fields.String(metadata={"enum": [s.value for s in ReportStatus]})
    chargeable = fields.Boolean()
    device_serial = fields.String()
    device_model = fields.String()
    site_name = fields.String()
    site_address = fields.String()
    customer_name = fields.String()
    support_pack_id = fields.String()
    technician_name = fields.String(allow_none=True)
    company_name = fields.String(allow_none=True)
    signer_name = fields.String(allow_none=True)
    signed_at = fields.String(allow_none=True, metadata=DT)
    refusal_reason = fields.String(allow_none=True)
    seal = fields.Dict(allow_none=True)
    # Same name as the input field, another shape: the stored photos with their URLs.
    photos = fields.List(fields.Nested(PhotoOut), dump_only=True)  # type: ignore[assignment]


class StatusOut(Schema):
    id = fields.Integer()
    status = fields.String()


class SignatureIn(Schema):
    signer_name = fields.String(required=True)
    image = fields.String(required=True, metadata={"description": "data:image/png;base64,…"})


class ReportRefusalIn(Schema):
    signer_name = fields.String(required=True)
    reason = fields.String(required=True)


class NoAttendantIn(Schema):
    reason = fields.String(required=True)


class RescheduledOut(Schema):
    visit_id = fields.Integer()
    call_id = fields.Integer()
    service_date = fields.Date()
    codes = fields.List(fields.String())


class NonConformityIn(Schema):
    description = fields.String(required=True)


class ReworkCallOut(Schema):
    id = fields.Integer()
    decision = fields.String()
    service_date = fields.Date(allow_none=True)
    codes = fields.List(fields.String())


class NonConformityOut(Schema):
    id = fields.Integer()
    report_id = fields.Integer()
    status = fields.String(metadata={"enum": [s.value for s in NonConformityStatus]})
    description = fields.String()
    reported_at = fields.DateTime()
    codes = fields.List(fields.String())
    reason = fields.String(allow_none=True)
    resolved_by_report_id = fields.Integer(allow_none=True)
    rework_call = fields.Nested(ReworkCallOut, allow_none=True)


class VerifyOut(Schema):
    valid = fields.Boolean()
    problems = fields.List(fields.String())
    erased = fields.List(fields.String())


class LinkOut(Schema):
    url = fields.String()
    expires_in_hours = fields.Integer()


def _key() -> str | None:
    return request.headers.get("Idempotency-Key") or None


@blp.put("/visits/<int:visit_id>/report")
@roles(*STAFF, Role.TECHNICIAN)
@body_limit(REPORT_BODY_LIMIT)
@blp.arguments(ReportIn)
@blp.response(200, StatusOut)
def put_report(data: dict[str, Any], visit_id: int) -> dict[str, Any]:
    with unit_of_work():
        return reporting.save_report(visit_id, data, api_actor(), _key())


@blp.post("/visits/<int:visit_id>/no-attendant")
@roles(*STAFF, Role.TECHNICIAN)
@blp.arguments(NoAttendantIn)
@blp.response(200, RescheduledOut)
def post_no_attendant(data: dict[str, Any], visit_id: int) -> dict[str, Any]:
    """Seed §13: nobody from the customer attends → no work; the visit moves (rules.md §7)."""
    with unit_of_work():
        return reschedule_without_attendant(visit_id, data["reason"], api_actor())


@blp.post("/reports/<int:report_id>/non-conformities")
@roles(*ALL_ROLES)
@blp.arguments(NonConformityIn)
@blp.response(201, NonConformityOut)
def post_non_conformity(data: dict[str, Any], report_id: int) -> dict[str, Any]:
    """Seed §17.1: a signed job does not meet the specification → free rework (rules.md §7)."""
    with unit_of_work():
        return non_conformity.claim_non_conformity(report_id, data["description"],
                                                   api_actor())


@blp.get("/reports/<int:report_id>/non-conformities")
@roles(*ALL_ROLES)
@blp.response(200, NonConformityOut(many=True))
def get_non_conformities(report_id: int) -> list[dict[str, Any]]:
    return non_conformity.claims_of(report_id, api_actor())


@blp.get("/reports/<int:report_id>")
@roles(*ALL_ROLES)
@blp.response(200, ReportOut)
def get_report(report_id: int) -> dict[str, Any]:
    body = report_json(access.report_for_reading(report_id, api_actor()))
    for photo in body["photos"]:
        photo["url"] = url_for("reports.get_report_photo", report_id=report_id,
                               position=photo["position"])
    return body


@blp.get("/reports/<int:report_id>/photos/<int:position>")
@roles(*ALL_ROLES)
def get_report_photo(report_id: int, position: int) -> Response:
    """A report's photo as stored (JPEG), for whoever may read the report."""
    return photo_response(photo_for_reading(report_id, position, api_actor()))


@blp.post("/reports/<int:report_id>/signature")
@roles(*ALL_ROLES)
@blp.arguments(SignatureIn)
@blp.response(200, StatusOut)
def post_signature(data: dict[str, Any], report_id: int) -> dict[str, Any]:
    with unit_of_work():
        return reporting.sign_report(report_id, data["signer_name"], data["image"],
                                     api_actor(), _key())


@blp.post("/reports/<int:report_id>/refusal")
@roles(*ALL_ROLES)
@blp.arguments(ReportRefusalIn)
@blp.response(200, StatusOut)
def post_refusal(data: dict[str, Any], report_id: int) -> dict[str, Any]:
    with unit_of_work():
        return reporting.refuse_report(report_id, data["signer_name"], data["reason"],
                                       api_actor(), _key())


@blp.get("/reports/<int:report_id>.pdf")
@roles(*ALL_ROLES)
def get_report_pdf(report_id: int) -> Response:
    row = access.report_for_reading(report_id, api_actor())
    verify = public_verify_url(row)
    return Response(report_pdf(row, verify), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="report-{row.id}.pdf"'})


@blp.get("/reports/<int:report_id>/verify")
@roles(*ALL_ROLES)
@blp.response(200, VerifyOut)
def get_verify(report_id: int) -> dict[str, Any]:
    return verify_report(access.report_for_reading(report_id, api_actor()))


@blp.post("/reports/<int:report_id>/signing-link")
@roles(*STAFF, Role.TECHNICIAN)
@blp.response(201, LinkOut)
def post_signing_link(report_id: int) -> dict[str, Any]:
    signing_links.link_url("-")  # refuses before a link is stored when no URL is configured
    with unit_of_work():
        token = signing_links.create_link(report_id, api_actor())
    return {"url": signing_links.link_url(token),
            "expires_in_hours": signing_links.LINK_HOURS}
