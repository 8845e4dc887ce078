"""Repair calls (rules.md §5, §9): take a call, read it, the day's board, resolve, override."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import request
from flask_smorest import Page
from marshmallow import Schema, fields, validate

from dispatch import clock
from dispatch.domain.roles import STAFF
from dispatch.models import RepairCall
from dispatch.services.intake import call_handling
from dispatch.services.intake import calls as intake
from dispatch.services.unit_of_work import unit_of_work
from dispatch.views.api.auth import api_actor, roles
from dispatch.views.api.pagination import Blueprint
from dispatch.views.api.validators import SYSTEM_DATE

blp = Blueprint("calls", __name__, url_prefix="/api/v1", description="Repair calls")


class CallIn(Schema):
    serial = fields.String(required=True, validate=validate.Length(1, 40))
    support_pack_id = fields.String(required=True, validate=validate.Length(1, 20))
    # Calls are taken now; the range also keeps dates inside the holiday calendar's years.
    received_at = fields.AwareDateTime(required=True, validate=validate.Range(
        min=datetime(2000, 1, 1, tzinfo=UTC), max=datetime(2099, 12, 31, tzinfo=UTC)))
    symptom = fields.String(required=True, validate=validate.Length(1, 2000))
    # strict: "10" and 1.5 are refused, not read as 10 and 1 (rules.md §9.1).
    print_count = fields.Integer(strict=True, allow_none=True,
                                 validate=validate.Range(0, 2**31 - 1))
    parts_required = fields.Boolean(load_default=False)


class CallOut(Schema):
    id = fields.Integer()
    decision = fields.String()
    service_date = fields.Date(allow_none=True)
    cutoff_at = fields.DateTime(allow_none=True)
    codes = fields.List(fields.String())
    serial = fields.String()
    support_pack_id = fields.String()
    received_at = fields.DateTime()
    symptom = fields.String()
    print_count = fields.Integer(allow_none=True)
    parts_required = fields.Boolean()
    status = fields.String()
    override_reason = fields.String(allow_none=True)
    after_hours_consent = fields.Boolean()
    after_hours_consented_by = fields.String(allow_none=True)


class BoardQuery(Schema):
    date = fields.Date(required=True, validate=SYSTEM_DATE)


class OverrideIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(1, 1000))


class AfterHoursConsentIn(Schema):
    consented_by = fields.String(required=True, validate=validate.Length(1, 100))


def call_out(call: RepairCall) -> dict[str, Any]:
    """The call payload of rules.md §9.1; datetimes in Asia/Tokyo (+09:00)."""
    return {
        "id": call.id, "decision": call.decision, "service_date": call.service_date,
        "cutoff_at": clock.to_tokyo(call.cutoff_at) if call.cutoff_at else None,
        "codes": list(call.codes), "serial": call.serial,
        "support_pack_id": call.support_pack_id, "received_at": clock.to_tokyo(call.received_at),
        "symptom": call.symptom, "print_count": call.print_count,
        "parts_required": call.parts_required, "status": call.status,
        "override_reason": call.override_reason,
        "after_hours_consent": call.after_hours_consent,
        "after_hours_consented_by": call.after_hours_consented_by,
    }


@blp.post("/calls")
@roles(*STAFF)
@blp.doc(parameters=[{
    "in": "header", "name": "Idempotency-Key", "required": False,
    "schema": {"type": "string", "maxLength": 200},
    "description": "Retries with the same key return the same call; another body → 409.",
}])
@blp.arguments(CallIn)
@blp.response(201, CallOut)
def take_call(data: dict[str, Any]) -> dict[str, Any]:
    # The same Idempotency-Key answers with the same call and the same 201 body.
    key = request.headers.get("Idempotency-Key") or None
    with unit_of_work():
        call = intake.take_repair_call(data, key, api_actor())
        # Read before the commit expires it: the flushed row is what commits, and reading
        # after would cost a second transaction (checkout, BEGIN, SELECT, ROLLBACK).
        answer = call_out(call)
    return answer


@blp.get("/calls/<int:call_id>")
@roles(*STAFF)
@blp.response(200, CallOut)
def get_call(call_id: int) -> dict[str, Any]:
    return call_out(intake.call_by_id(call_id))


@blp.get("/calls")
@roles(*STAFF)
@blp.arguments(BoardQuery, location="query")
@blp.response(200, CallOut(many=True))
@blp.paginate(Page)
def board(query: dict[str, date]) -> list[dict[str, Any]]:
    return [call_out(c) for c in intake.calls_received_on(query["date"])]


@blp.post("/calls/<int:call_id>/resolve-by-phone")
@roles(*STAFF)
@blp.response(200, CallOut)
def resolve_by_phone(call_id: int) -> dict[str, Any]:
    with unit_of_work():
        call = call_handling.resolve_by_phone(call_id, api_actor())
    return call_out(call)


@blp.post("/calls/<int:call_id>/override")
@roles(*STAFF)
@blp.arguments(OverrideIn)
@blp.response(200, CallOut)
def override(data: dict[str, str], call_id: int) -> dict[str, Any]:
    with unit_of_work():
        call = call_handling.override_phone_only(call_id, data["reason"], api_actor())
    return call_out(call)


@blp.post("/calls/<int:call_id>/after-hours-consent")
@roles(*STAFF)
@blp.arguments(AfterHoursConsentIn)
@blp.response(200, CallOut)
def after_hours_consent(data: dict[str, str], call_id: int) -> dict[str, Any]:
    """The customer agreed that the work may run past the support hours (seed §7(1))."""
    with unit_of_work():
        call = call_handling.record_after_hours_consent(call_id, data["consented_by"],
                                                        api_actor(), clock.now())
    return call_out(call)
