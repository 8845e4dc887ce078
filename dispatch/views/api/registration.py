"""Packs, applications, inquiries, completion, coverage, advice and relocation (rules.md §9)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response
from flask_smorest.pagination import PaginationParameters
from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import InstrumentedAttribute

from dispatch import clock
from dispatch.domain.products import PackStatus
from dispatch.domain.roles import STAFF, Role
from dispatch.models import Application, Device, Notice, Pack
from dispatch.services.catalog.records import device_by_serial
from dispatch.services.registration import applications, device_coverage
from dispatch.services.registration import packs as registration
from dispatch.services.unit_of_work import unit_of_work
from dispatch.views.api.access import require_site_access
from dispatch.views.api.auth import api_actor, roles
from dispatch.views.api.pagination import Blueprint, page_of, page_rows
from dispatch.views.api.registration_schemas import (
    AnswerIn,
    ApplicationIn,
    ApplicationOut,
    BreachOut,
    BreachQuery,
    CompleteIn,
    CompleteOut,
    CoverageOut,
    CoverageQuery,
    EligibilityOut,
    EligibilityQuery,
    InquiryIn,
    InquiryOut,
    NoticeOut,
    NoticeQuery,
    PackIn,
    PackOut,
    PackRefusalIn,
    RelocationIn,
    RelocationOut,
)
from dispatch.views.api.schemas import PackQuery

T = TypeVar("T")

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


@blp.get("/packs")
@roles(*STAFF, Role.SITE_MANAGER)
@blp.arguments(PackQuery, location="query")
@blp.response(200, PackOut(many=True))
@blp.paginate()
def list_packs(query: dict[str, str],
               pagination_parameters: PaginationParameters) -> list[dict[str, Any]]:
    device = device_by_serial(query["serial"])
    require_site_access(device.site)
    packs = page_of(select(Pack).where(Pack.device_id == device.id).order_by(Pack.id),
                    pagination_parameters)
    return [registration.pack_out(p) for p in packs]


NOTICE_FILTERS: dict[str, Callable[[Any], ColumnElement[bool]]] = {
    "kind": lambda value: Notice.kind == value,
    "sent_from": lambda value: Notice.sent_on >= value,
    "sent_to": lambda value: Notice.sent_on <= value,
    "serial": lambda value: Device.serial == value,
}


def _with_serial(entity: type[T], pack_id: InstrumentedAttribute[int]) -> Select[T, str]:
    """Rows of `entity` with the serial of the device their pack is for."""
    return (select(entity, Device.serial).join(Pack, Pack.id == pack_id)
            .join(Device, Device.id == Pack.device_id))


@blp.get("/notices")
@roles(*STAFF)
@blp.arguments(NoticeQuery, location="query")
@blp.response(200, NoticeOut(many=True))
@blp.paginate()
def list_notices(query: dict[str, Any],
                 pagination_parameters: PaginationParameters) -> list[dict[str, Any]]:
    """The reminders the daily jobs sent, newest first (what `jobs run-daily` only counts)."""
    stmt = (_with_serial(Notice, Notice.pack_id)
            .where(*[where(query[key]) for key, where in NOTICE_FILTERS.items() if key in query])
            .order_by(Notice.sent_on.desc(), Notice.id.desc()))
    rows = page_rows(stmt, pagination_parameters)
    return [{"id": n.id, "kind": n.kind, "pack_id": n.pack_id, "target_serial": serial,
             "anchor_on": n.anchor_on, "sent_on": n.sent_on} for n, serial in rows]


@blp.get("/applications/sla-breaches")
@roles(*STAFF)
@blp.arguments(BreachQuery, location="query")
@blp.response(200, BreachOut(many=True))
@blp.paginate()
def list_sla_breaches(query: dict[str, Any],
                      pagination_parameters: PaginationParameters) -> list[dict[str, Any]]:
    """Applications the daily job flagged for the 7-business-day SLA (rules.md §4)."""
    stmt = (
        _with_serial(Application, Application.pack_id)
        .where(Application.sla_breached_on.is_not(None))
        .order_by(Application.sla_breached_on, Application.id))
    if not query["all"]:
        stmt = stmt.where(Application.status == PackStatus.APPLIED)
    return [{"id": a.id, "pack_id": a.pack_id, "status": a.status, "channel": a.channel,
             "applied_on": a.applied_on, "completed_on": a.completed_on,
             "sla_breached_on": a.sla_breached_on, "target_serial": serial}
            for a, serial in page_rows(stmt, pagination_parameters)]


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
