"""Packs, applications, inquiries, completion, coverage, advice and relocation (rules.md §9)."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint

from dispatch import clock
from dispatch.domain.roles import STAFF, Role
from dispatch.models import Application
from dispatch.services.catalog.records import device_by_serial
from dispatch.services.registration import applications, device_coverage
from dispatch.services.registration import packs as registration
from dispatch.services.unit_of_work import unit_of_work
from dispatch.views.api.access import require_site_access
from dispatch.views.api.auth import api_actor, roles
from dispatch.views.api.registration_schemas import (
    AnswerIn,
    ApplicationIn,
    ApplicationOut,
    CompleteIn,
    CompleteOut,
    CoverageOut,
    CoverageQuery,
    EligibilityOut,
    EligibilityQuery,
    InquiryIn,
    InquiryOut,
    PackIn,
    PackOut,
    PackRefusalIn,
    RelocationIn,
    RelocationOut,
)

blp = Blueprint("registration_api", __name__, url_prefix="/api/v1",
                description="Support packs, registration and coverage")


@blp.post("/packs")
@roles(*STAFF)
@blp.arguments(PackIn)
@blp.response(201, PackOut)
def record_pack(data: dict[str, Any]) -> dict[str, Any]:
    with unit_of_work():
        pack = registration.record_pack(data, api_actor())
    return registration.pack_out(pack)


@blp.get("/packs/<int:pack_id>")
@roles(*STAFF, Role.SITE_MANAGER)
@blp.response(200, PackOut)
def get_pack(pack_id: int) -> dict[str, Any]:
    pack = registration.pack_by_id(pack_id)
    require_site_access(pack.device.site)
    return registration.pack_out(pack)


@blp.post("/packs/<int:pack_id>/refusal")
@roles(*STAFF)
@blp.arguments(PackRefusalIn)
@blp.response(200, PackOut)
def refuse_pack(data: dict[str, Any], pack_id: int) -> dict[str, Any]:
    on = data.get("refused_on") or clock.today_tokyo()
    with unit_of_work():
        pack = registration.refuse_pack(pack_id, data["note"], data["codes"], on, api_actor())
    return registration.pack_out(pack)


@blp.get("/packs/<int:pack_id>/sticker.pdf")
@roles(*STAFF, Role.SITE_MANAGER)
def sticker_pdf(pack_id: int) -> Response:
    from dispatch.services.registration.notices import sticker_pdf_bytes

    pack = registration.pack_by_id(pack_id)
    require_site_access(pack.device.site)
    return Response(sticker_pdf_bytes(pack), mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="sticker-{pack.id}.pdf"'})


@blp.post("/packs/<int:pack_id>/applications")
@roles(*STAFF)
@blp.arguments(ApplicationIn)
@blp.response(201, ApplicationOut)
def apply(data: dict[str, Any], pack_id: int) -> Application:
    with unit_of_work():
        return applications.apply(pack_id, data, api_actor())


@blp.get("/applications/<int:application_id>")
@roles(*STAFF)
@blp.response(200, ApplicationOut)
def get_application(application_id: int) -> Application:
    return applications.application_by_id(application_id)


@blp.post("/applications/<int:application_id>/inquiries")
@roles(*STAFF)
@blp.arguments(InquiryIn)
@blp.response(201, InquiryOut)
def send_inquiry(data: dict[str, Any], application_id: int):
    with unit_of_work():
        return applications.send_inquiry(application_id, data, api_actor())


@blp.post("/applications/<int:application_id>/inquiries/<int:inquiry_id>/answer")
@roles(*STAFF)
@blp.arguments(AnswerIn)
@blp.response(200, ApplicationOut)
def answer_inquiry(data: dict[str, Any], application_id: int, inquiry_id: int) -> Application:
    with unit_of_work():
        return applications.answer_inquiry(application_id, inquiry_id, data["answered_on"],
                                           api_actor())


@blp.post("/applications/<int:application_id>/complete")
@roles(*STAFF)
@blp.arguments(CompleteIn)
@blp.response(200, CompleteOut)
def complete(data: dict[str, Any], application_id: int) -> dict[str, Any]:
    with unit_of_work():
        pack = applications.complete(application_id, data["completed_on"], api_actor())
    return {"pack_id": pack.id, "application_id": application_id, "status": pack.status,
            "support_pack_id": pack.support_pack_id, "coverage_start": pack.coverage_start,
            "coverage_end": pack.coverage_end}


@blp.get("/devices/<serial>/coverage")
@roles(*STAFF, Role.SITE_MANAGER, Role.TECHNICIAN)
@blp.arguments(CoverageQuery, location="query")
@blp.response(200, CoverageOut)
def get_coverage(query: dict[str, Any], serial: str) -> dict[str, Any]:
    device = device_by_serial(serial)
    require_site_access(device.site)
    return device_coverage.coverage(device, query["on"], query.get("print_count"))


@blp.get("/devices/<serial>/eligibility")
@roles(*STAFF)
@blp.arguments(EligibilityQuery, location="query")
@blp.response(200, EligibilityOut)
def get_eligibility(query: dict[str, Any], serial: str) -> dict[str, Any]:
    device = device_by_serial(serial)
    return device_coverage.advice(device, query["product"], query["on"],
                                  query.get("print_count"))


@blp.post("/devices/<serial>/relocations")
@roles(*STAFF)
@blp.arguments(RelocationIn)
@blp.response(201, RelocationOut)
def relocate(data: dict[str, Any], serial: str) -> dict[str, Any]:
    with unit_of_work():
        return device_coverage.relocate(device_by_serial(serial), data, api_actor())
