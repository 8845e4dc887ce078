"""Personal-information requests (rules.md §8 開示等) and anti-social-forces termination;
administrators only."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from dispatch.domain.roles import Role
from dispatch.services.trust import privacy, termination
from dispatch.services.unit_of_work import unit_of_work
from dispatch.views.api.auth import api_actor, roles
from dispatch.views.api.schemas import ID

blp = Blueprint("privacy", __name__, url_prefix="/api/v1",
                description="Personal information requests and termination (admin)")


class ExportOut(Schema):
    exported_at = fields.String(metadata={"format": "date-time"})
    purposes = fields.List(fields.String())
    customer = fields.Dict()
    sites = fields.List(fields.Dict())
    accounts = fields.List(fields.Dict())
    devices = fields.List(fields.Dict())
    packs = fields.List(fields.Dict())
    applications = fields.List(fields.Dict())
    calls = fields.List(fields.Dict())
    visits = fields.List(fields.Dict())
    work_reports = fields.List(fields.Dict())
    privacy_requests = fields.List(fields.Dict())


class SiteCorrectionIn(Schema):
    id = fields.Integer(strict=True, required=True, validate=ID)
    manager_name = fields.String(validate=validate.Length(1, 120))
    manager_email = fields.Email(allow_none=True)


class CorrectionIn(Schema):
    name = fields.String(validate=validate.Length(1, 200))
    email = fields.Email(allow_none=True)
    phone = fields.String(allow_none=True, validate=validate.Length(max=40))
    sites = fields.List(fields.Nested(SiteCorrectionIn))


class CorrectionOut(Schema):
    request_id = fields.Integer()
    customer_fields = fields.List(fields.String())
    sites_changed = fields.Integer()


class StopUseOut(Schema):
    request_id = fields.Integer()
    use_stopped_at = fields.DateTime()


class ErasureOut(Schema):
    request_id = fields.Integer()
    erased_at = fields.DateTime()
    sites = fields.Integer()
    accounts = fields.Integer()
    work_reports = fields.Integer()
    audit_events_scrubbed = fields.Integer()


class TerminationIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(1, 2000))


class TerminationOut(Schema):
    customer_id = fields.Integer()
    reason = fields.String()
    terminated_at = fields.DateTime()
    calls_cancelled = fields.List(fields.Integer())
    visits_cancelled = fields.List(fields.Integer())


@blp.get("/privacy/customers/<int:customer_id>/export")
@roles(Role.ADMIN)
@blp.response(200, ExportOut)
def export(customer_id: int) -> dict[str, Any]:
    with unit_of_work():
        return privacy.export_customer(customer_id, api_actor())


@blp.post("/privacy/customers/<int:customer_id>/correction")
@roles(Role.ADMIN)
@blp.arguments(CorrectionIn)
@blp.response(200, CorrectionOut)
def correction(data: dict[str, Any], customer_id: int) -> dict[str, Any]:
    with unit_of_work():
        return privacy.correct_customer(customer_id, data, api_actor())


@blp.post("/privacy/customers/<int:customer_id>/stop-use")
@roles(Role.ADMIN)
@blp.response(200, StopUseOut)
def stop_use(customer_id: int) -> dict[str, Any]:
    with unit_of_work():
        return privacy.stop_use(customer_id, api_actor())


@blp.post("/privacy/customers/<int:customer_id>/erasure")
@roles(Role.ADMIN)
@blp.response(200, ErasureOut)
def erasure(customer_id: int) -> dict[str, Any]:
    with unit_of_work():
        return privacy.erase_customer(customer_id, api_actor())


@blp.post("/customers/<int:customer_id>/termination")
@roles(Role.ADMIN)
@blp.arguments(TerminationIn)
@blp.response(200, TerminationOut)
def terminate(data: dict[str, Any], customer_id: int) -> dict[str, Any]:
    with unit_of_work():
        return termination.terminate_customer(customer_id, data["reason"], api_actor())
