"""Request and response schemas of rules.md §9.1; the OpenAPI document is generated from them.

Unknown fields are refused (marshmallow's RAISE), so a typo never passes silently.
"""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from dispatch.models.catalog import MODEL_KINDS, PACK_PRODUCTS, SERIES

HHMM = r"^([01]\d|2[0-3]):[0-5]\d$"
# INTEGER columns are 32-bit on PostgreSQL; larger numbers must be a 422, not a driver error.
MAX_INT = 2**31 - 1
ID = validate.Range(1, MAX_INT)
SKILLS = list(SERIES)


class TimeHHMM(fields.Time):
    """A clock time written HH:MM, as on certificates and shift rosters."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class ModelIn(Schema):
    code = fields.String(required=True, validate=validate.Length(1, 40))
    name = fields.String(required=True, validate=validate.Length(1, 120))
    series = fields.String(required=True, validate=validate.OneOf(SERIES))
    kind = fields.String(load_default="printer", validate=validate.OneOf(MODEL_KINDS))
    lifetime_years = fields.Integer(required=True, validate=validate.Range(1, 20))
    warranty_months = fields.Integer(required=True, validate=validate.Range(0, 240))
    print_limit = fields.Integer(allow_none=True, validate=validate.Range(1, MAX_INT))
    packs_offered = fields.List(
        fields.String(validate=validate.OneOf(PACK_PRODUCTS)), required=True
    )
    service_minutes = fields.Integer(validate=validate.Range(5, 480))


class ModelOut(ModelIn):
    id = fields.Integer()


class BaseIn(Schema):
    code = fields.String(required=True, validate=validate.Length(1, 20))
    name = fields.String(required=True, validate=validate.Length(1, 120))
    lat = fields.Float(required=True, validate=validate.Range(-90, 90))
    lon = fields.Float(required=True, validate=validate.Range(-180, 180))
    service_radius_km = fields.Float(required=True, validate=validate.Range(0, 2000,
                                                                            min_inclusive=False))
    same_day_radius_km = fields.Float(required=True, validate=validate.Range(0, 2000))


class BaseOut(BaseIn):
    id = fields.Integer()


class CustomerIn(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 200))
    email = fields.Email(allow_none=True)
    phone = fields.String(allow_none=True, validate=validate.Length(max=40))


class CustomerOut(CustomerIn):
    id = fields.Integer()
    # rules.md §8: shown so nobody contacts a person who stopped use or was erased.
    use_stopped_at = fields.DateTime(allow_none=True)
    erased_at = fields.DateTime(allow_none=True)
    terminated_at = fields.DateTime(allow_none=True)


class SiteIn(Schema):
    customer_id = fields.Integer(required=True, validate=ID)
    name = fields.String(required=True, validate=validate.Length(1, 200))
    address = fields.String(required=True, validate=validate.Length(1, 400))
    postal_code = fields.String(allow_none=True, validate=validate.Regexp(r"^\d{3}-?\d{4}$"))
    lat = fields.Float(allow_none=True, validate=validate.Range(-90, 90))
    lon = fields.Float(allow_none=True, validate=validate.Range(-180, 180))
    manager_name = fields.String(required=True, validate=validate.Length(1, 120))
    manager_email = fields.Email(allow_none=True)

    @validates_schema
    def _both_coordinates(self, data, **kwargs):
        if (data.get("lat") is None) != (data.get("lon") is None):
            raise ValidationError("give lat and lon together", "lon")


class SiteOut(SiteIn):
    id = fields.Integer()
    remote_island = fields.Boolean()
    island_area_code = fields.String(allow_none=True)


class DeviceIn(Schema):
    serial = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9-]{3,40}$"))
    model_code = fields.String(required=True)
    site_id = fields.Integer(required=True, validate=ID)
    purchase_date = fields.Date(allow_none=True)
    factory_ship_date = fields.Date(allow_none=True)
    print_count = fields.Integer(allow_none=True, validate=validate.Range(0, MAX_INT))
    print_count_on = fields.Date(allow_none=True)
    in_japan = fields.Boolean(load_default=True)


class OptionIn(DeviceIn):
    site_id = fields.Integer(load_default=None, allow_none=True, validate=ID)


class DeviceOut(Schema):
    serial = fields.String()
    model_code = fields.String()
    site_id = fields.Integer()
    parent_serial = fields.String(allow_none=True)
    purchase_date = fields.Date()
    purchase_date_source = fields.String(validate=validate.OneOf(["receipt", "factory_ship"]))
    factory_ship_date = fields.Date(allow_none=True)
    lifetime_end = fields.Date()
    print_count = fields.Integer(allow_none=True)
    print_count_on = fields.Date(allow_none=True)


class TechnicianIn(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 120))
    email = fields.Email(required=True)
    base_code = fields.String(required=True)
    shift_start = TimeHHMM(required=True)
    shift_end = TimeHHMM(required=True)
    skills = fields.List(fields.String(validate=validate.OneOf(SKILLS)), required=True)
    # The subcontracting company the technician works for; absent for OXT's own (seed §11).
    subcontractor_id = fields.Integer(allow_none=True, strict=True)


class TechnicianOut(Schema):
    id = fields.Integer()
    name = fields.String()
    email = fields.String()
    base_code = fields.String()
    shift_start = TimeHHMM()
    shift_end = TimeHHMM()
    skills = fields.List(fields.String())
    subcontractor_id = fields.Integer(allow_none=True)
    company = fields.String()


class SubcontractorIn(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 200))


class SubcontractorOut(Schema):
    id = fields.Integer()
    name = fields.String()
