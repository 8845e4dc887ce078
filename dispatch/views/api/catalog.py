"""Create and read endpoints for the catalogue and the installed base (rules.md §9)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from sqlalchemy import select

from dispatch.domain.roles import STAFF, Role
from dispatch.extensions import db
from dispatch.models import (
    Customer,
    Device,
    PrinterModel,
    ServiceBase,
    Site,
    Subcontractor,
    Technician,
)
from dispatch.services.catalog import records as catalog
from dispatch.services.unit_of_work import unit_of_work
from dispatch.views.api.access import get_or_404, require_site_access
from dispatch.views.api.auth import api_actor, roles
from dispatch.views.api.schemas import (
    BaseIn,
    BaseOut,
    CustomerIn,
    CustomerOut,
    DeviceIn,
    DeviceOut,
    ModelIn,
    ModelOut,
    OptionIn,
    SiteIn,
    SiteOut,
    SubcontractorIn,
    SubcontractorOut,
    TechnicianIn,
    TechnicianOut,
)

blp = Blueprint(
    "catalog", __name__, url_prefix="/api/v1", description="Catalogue and installed base"
)


@blp.post("/models")
@roles(*STAFF)
@blp.arguments(ModelIn)
@blp.response(201, ModelOut)
def create_model(data: dict[str, Any]) -> PrinterModel:
    with unit_of_work():
        return catalog.create_model(data, api_actor())


@blp.get("/models/<code>")
@roles(*STAFF, Role.TECHNICIAN)
@blp.response(200, ModelOut)
def get_model(code: str) -> PrinterModel:
    return catalog.model_by_code(code)


@blp.post("/bases")
@roles(*STAFF)
@blp.arguments(BaseIn)
@blp.response(201, BaseOut)
def create_base(data: dict[str, Any]) -> ServiceBase:
    with unit_of_work():
        return catalog.create_base(data, api_actor())


@blp.get("/bases/<code>")
@roles(*STAFF, Role.TECHNICIAN)
@blp.response(200, BaseOut)
def get_base(code: str) -> ServiceBase:
    return catalog.base_by_code(code)


@blp.post("/customers")
@roles(*STAFF)
@blp.arguments(CustomerIn)
@blp.response(201, CustomerOut)
def create_customer(data: dict[str, Any]) -> Customer:
    with unit_of_work():
        return catalog.create_customer(data, api_actor())


@blp.get("/customers/<int:customer_id>")
@roles(*STAFF)
@blp.response(200, CustomerOut)
def get_customer(customer_id: int) -> Customer:
    return get_or_404(Customer, customer_id)


@blp.post("/sites")
@roles(*STAFF)
@blp.arguments(SiteIn)
@blp.response(201, SiteOut)
def create_site(data: dict[str, Any]) -> Site:
    with unit_of_work():
        return catalog.create_site(data, api_actor())


@blp.get("/sites/<int:site_id>")
@roles(*STAFF, Role.SITE_MANAGER)
@blp.response(200, SiteOut)
def get_site(site_id: int) -> Site:
    site = get_or_404(Site, site_id)
    require_site_access(site)
    return site


def device_out(device: Device) -> dict[str, Any]:
    """The device payload of rules.md §9.1, with the effective purchase date and its source."""
    return {
        "serial": device.serial,
        "model_code": device.model.code,
        "site_id": device.site_id,
        "parent_serial": device.parent.serial if device.parent else None,
        "purchase_date": device.effective_purchase_date,
        "purchase_date_source": device.purchase_date_source,
        "factory_ship_date": device.factory_ship_date,
        "lifetime_end": catalog.lifetime_end(device),
        "print_count": device.print_count,
        "print_count_on": device.print_count_on,
    }


@blp.post("/devices")
@roles(*STAFF)
@blp.arguments(DeviceIn)
@blp.response(201, DeviceOut)
def create_device(data: dict[str, Any]) -> dict[str, Any]:
    with unit_of_work():
        device = catalog.create_device(data, api_actor())
    return device_out(device)


@blp.get("/devices/<serial>")
@roles(*STAFF, Role.SITE_MANAGER)
@blp.response(200, DeviceOut)
def get_device(serial: str) -> dict[str, Any]:
    device = catalog.device_by_serial(serial)
    require_site_access(device.site)
    return device_out(device)


@blp.post("/devices/<serial>/options")
@roles(*STAFF)
@blp.arguments(OptionIn)
@blp.response(201, DeviceOut)
def add_option(data: dict[str, Any], serial: str) -> dict[str, Any]:
    parent = catalog.device_by_serial(serial)
    data.pop("site_id", None)
    with unit_of_work():
        device = catalog.create_device(data, api_actor(), parent=parent)
    return device_out(device)


@blp.post("/technicians")
@roles(*STAFF)
@blp.arguments(TechnicianIn)
@blp.response(201, TechnicianOut)
def create_technician(data: dict[str, Any]) -> dict[str, Any]:
    with unit_of_work():
        tech = catalog.create_technician(data, api_actor())
    return technician_out(tech)


@blp.get("/technicians")
@roles(*STAFF)
@blp.response(200, TechnicianOut(many=True))
def list_technicians() -> list[dict[str, Any]]:
    techs = db.session.scalars(select(Technician).order_by(Technician.id))
    return [technician_out(t) for t in techs]


def technician_out(tech: Technician) -> dict[str, Any]:
    """The technician payload of rules.md §9.1, with the company they work for."""
    return {
        "id": tech.id, "name": tech.name, "email": tech.email, "base_code": tech.base.code,
        "shift_start": tech.shift_start, "shift_end": tech.shift_end, "skills": tech.skills,
        "subcontractor_id": tech.subcontractor_id, "company": catalog.company_of(tech),
    }


@blp.post("/subcontractors")
@roles(*STAFF)
@blp.arguments(SubcontractorIn)
@blp.response(201, SubcontractorOut)
def create_subcontractor(data: dict[str, Any]) -> dict[str, Any]:
    with unit_of_work():
        company = catalog.create_subcontractor(data["name"], api_actor())
    return {"id": company.id, "name": company.name}


@blp.get("/subcontractors")
@roles(*STAFF)
@blp.response(200, SubcontractorOut(many=True))
def list_subcontractors() -> list[dict[str, Any]]:
    companies = db.session.scalars(select(Subcontractor).order_by(Subcontractor.id))
    return [{"id": c.id, "name": c.name} for c in companies]
