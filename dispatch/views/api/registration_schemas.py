"""Schemas of the registration API (rules.md §9.1 pack, application, inquiry, coverage)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from dispatch.models.catalog import PACK_PRODUCTS
from dispatch.models.pack import CHANNELS, PACK_STATUSES
from dispatch.views.api.validators import SYSTEM_DATE

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class SupportHoursIn(Schema):
    days = fields.List(fields.String(validate=validate.OneOf(DAYS)), required=True,
                       validate=validate.Length(min=1))
    start = fields.String(required=True)
    end = fields.String(required=True)
    closed_on_holidays = fields.Boolean(required=True)
    closed_dates = fields.List(fields.String(), load_default=list)


class PackIn(Schema):
    target_serial = fields.String(required=True, validate=validate.Length(1, 40))
    product = fields.String(required=True, validate=validate.OneOf(PACK_PRODUCTS))
    purchased_on = fields.Date(required=True, validate=SYSTEM_DATE)
    received_on = fields.Date(allow_none=True, validate=SYSTEM_DATE)
    support_hours = fields.Nested(SupportHoursIn, required=True)
    print_count = fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=0))
    # What the customer paid (税込, yen), when known: the liability cap derives from it.
    price_yen = fields.Integer(strict=True, allow_none=True, validate=validate.Range(0, 2**31 - 1))


class PackOut(Schema):
    id = fields.Integer()
    status = fields.String(validate=validate.OneOf(PACK_STATUSES))
    product = fields.String()
    target_serial = fields.String()
    purchased_on = fields.Date()
    received_on = fields.Date(allow_none=True, validate=SYSTEM_DATE)
    support_hours = fields.Dict()
    price_yen = fields.Integer(allow_none=True)
    liability_cap_yen = fields.Integer(allow_none=True, metadata={
        "description": "Damages cap of seed §16: one year's equivalent of the fee "
                       "(price_yen ÷ the pack's years, rounded down); null without a price."})
    nominal_start = fields.Date(allow_none=True)
    continuous = fields.Boolean()
    coverage_start = fields.Date(allow_none=True)
    coverage_end = fields.Date(allow_none=True)
    support_pack_id = fields.String(allow_none=True)
    warnings = fields.List(fields.String())
    refusal_codes = fields.List(fields.String())
    refusal_note = fields.String(allow_none=True)
    status_code = fields.String(allow_none=True)
    application_id = fields.Integer(allow_none=True)


class PackRefusalIn(Schema):
    note = fields.String(required=True, validate=validate.Length(1, 2000))
    codes = fields.List(fields.String(), load_default=list)
    refused_on = fields.Date()


class ConsentsIn(Schema):
    service_spec = fields.Boolean(required=True)
    privacy = fields.Boolean(required=True)
    antisocial_declaration = fields.Boolean(required=True)


class ApplicationIn(Schema):
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    applied_on = fields.Date(required=True, validate=SYSTEM_DATE)
    consents = fields.Nested(ConsentsIn, required=True)
    # An extension on a device holding a registered pack quotes that pack's ID (rules.md §4).
    current_support_pack_id = fields.String(load_default=None, allow_none=True,
                                            validate=validate.Length(1, 40))


class ApplicationOut(Schema):
    id = fields.Integer()
    pack_id = fields.Integer()
    status = fields.String()
    channel = fields.String()
    applied_on = fields.Date()
    completed_on = fields.Date(allow_none=True)
    sla_breached_on = fields.Date(allow_none=True)


class InquiryIn(Schema):
    sent_on = fields.Date(required=True, validate=SYSTEM_DATE)
    question = fields.String(required=True, validate=validate.Length(1, 4000))


class InquiryOut(Schema):
    id = fields.Integer()
    application_id = fields.Integer()
    sent_on = fields.Date()
    answered_on = fields.Date(allow_none=True)


class AnswerIn(Schema):
    answered_on = fields.Date(required=True, validate=SYSTEM_DATE)


class CompleteIn(Schema):
    completed_on = fields.Date(required=True, validate=SYSTEM_DATE)


class CompleteOut(Schema):
    pack_id = fields.Integer()
    application_id = fields.Integer()
    status = fields.String()
    support_pack_id = fields.String()
    coverage_start = fields.Date()
    coverage_end = fields.Date()


class CoverageQuery(Schema):
    on = fields.Date(required=True, validate=SYSTEM_DATE)
    print_count = fields.Integer(validate=validate.Range(min=0))


class CoverageOut(Schema):
    serial = fields.String()
    on = fields.Date()
    covered = fields.Boolean()
    codes = fields.List(fields.String())
    pack_id = fields.Integer(allow_none=True)
    support_pack_id = fields.String(allow_none=True)
    start = fields.Date(allow_none=True)
    end = fields.Date(allow_none=True)
    lifetime_end = fields.Date()


class EligibilityQuery(CoverageQuery):
    product = fields.String(required=True, validate=validate.OneOf(PACK_PRODUCTS))


class EligibilityOut(Schema):
    serial = fields.String()
    product = fields.String()
    on = fields.Date()
    eligible = fields.Boolean()
    codes = fields.List(fields.String())
    coverage_start = fields.Date(allow_none=True)
    coverage_end = fields.Date(allow_none=True)


class TransferConsentIn(Schema):
    """OXT's written consent to hand the device to another customer (seed §14)."""

    consented_on = fields.Date(required=True, validate=SYSTEM_DATE)
    reference = fields.String(required=True, validate=validate.Length(min=1, max=100))


class RelocationIn(Schema):
    to_site_id = fields.Integer(strict=True, required=True)
    notified_on = fields.Date(required=True, validate=SYSTEM_DATE)
    moved_on = fields.Date(required=True, validate=SYSTEM_DATE)
    transfer_consent = fields.Nested(TransferConsentIn, allow_none=True)


class RelocationOut(Schema):
    id = fields.Integer()
    serial = fields.String()
    from_site_id = fields.Integer()
    to_site_id = fields.Integer()
    moved_serials = fields.List(fields.String())
    remote_island = fields.Boolean()
    area_code = fields.String(allow_none=True)
    nearest_base_code = fields.String(allow_none=True)
    transferred = fields.Boolean()


NOTICE_KINDS = ["application_reminder", "coverage_end_reminder"]


class NoticeQuery(Schema):
    kind = fields.String(validate=validate.OneOf(NOTICE_KINDS))
    sent_from = fields.Date()
    sent_to = fields.Date()
    serial = fields.String(validate=validate.Length(1, 40))


class NoticeOut(Schema):
    """A reminder the daily jobs sent (rules.md §4 registration lifecycle)."""

    id = fields.Integer()
    kind = fields.String(validate=validate.OneOf(NOTICE_KINDS))
    pack_id = fields.Integer()
    target_serial = fields.String()
    anchor_on = fields.Date(metadata={"description": "the date the reminder is about: the "
                                      "pack's received_on or its coverage_end"})
    sent_on = fields.Date()


class BreachQuery(Schema):
    # By default only applications still waiting; all=true includes those handled since.
    all = fields.Boolean(load_default=False)


class BreachOut(ApplicationOut):
    """An application flagged for missing the 7-business-day processing SLA."""

    target_serial = fields.String()
