"""Registering the catalogue and the installed base: models, bases, customers, sites,
devices, options and technicians."""

from __future__ import annotations

from datetime import date, time
from typing import Any, cast

from flask import current_app
from sqlalchemy import func, select

from dispatch import clock
from dispatch.domain.periods import period_last_day
from dispatch.domain.products import PurchaseProof
from dispatch.domain.support_pack_id import normalise_serial
from dispatch.errors import Conflict, InvalidInput, NotFound
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
from dispatch.services.accounts.users import normalise_email
from dispatch.services.catalog import areas
from dispatch.services.trust.audit import Actor, record, snapshot

MODEL_FIELDS = ("code", "name", "series", "kind", "lifetime_years", "warranty_months",
                "print_limit", "packs_offered", "service_minutes")
BASE_FIELDS = ("code", "name", "lat", "lon", "service_radius_km", "same_day_radius_km")
# Audit snapshots hold no personal values (rules.md §8: erasure must not leave copies in the
# log): the site manager's name and e-mail stay out, the customer is recorded by id.
SITE_FIELDS = ("customer_id", "name", "address", "postal_code", "lat", "lon",
               "remote_island", "island_area_code")
DEVICE_FIELDS = ("serial", "model_id", "site_id", "parent_device_id", "purchase_date",
                 "purchase_proof", "factory_ship_date", "print_count", "print_count_on", "in_japan")


def _unique(model: type[Any], column: Any, value: str, label: str) -> None:
    if db.session.scalar(select(model.id).where(column == value)) is not None:
        raise Conflict(f"{label} '{value}' already exists", errors={label: ["already exists"]})


def create_model(data: dict[str, Any], actor: Actor) -> PrinterModel:
    """Register a printer or option model with the packs it offers."""
    _unique(PrinterModel, PrinterModel.code, data["code"], "code")
    model = PrinterModel(**data)
    db.session.add(model)
    db.session.flush()
    record(actor, "model.create", "printer_model", model.code, after=snapshot(model, MODEL_FIELDS))
    db.session.flush()
    return model


def create_base(data: dict[str, Any], actor: Actor) -> ServiceBase:
    """Register a service base with its service area and same-day area radii."""
    if data["same_day_radius_km"] > data["service_radius_km"]:
        raise InvalidInput(
            "the same-day area cannot be larger than the service area",
            errors={"same_day_radius_km": ["must not exceed service_radius_km"]},
        )
    _unique(ServiceBase, ServiceBase.code, data["code"], "code")
    base = ServiceBase(**data)
    db.session.add(base)
    db.session.flush()
    record(actor, "base.create", "service_base", base.code, after=snapshot(base, BASE_FIELDS))
    db.session.flush()
    return base


def create_customer(data: dict[str, Any], actor: Actor) -> Customer:
    """Register a customer (personal information: rules.md §8 purposes only)."""
    customer = Customer(created_at=clock.now(), **data)
    db.session.add(customer)
    db.session.flush()
    record(actor, "customer.create", "customer", customer.id, after={"id": customer.id})
    db.session.flush()
    return customer


def create_site(data: dict[str, Any], actor: Actor) -> Site:
    """Register a customer's site; the area it lies in is evaluated from its coordinates."""
    if db.session.get(Customer, data["customer_id"]) is None:
        raise NotFound(f"no customer {data['customer_id']}", errors={"customer_id": ["unknown"]})
    if data.get("manager_email"):
        data["manager_email"] = normalise_email(data["manager_email"])
    if data.get("lat") is None:
        data["lat"], data["lon"] = areas.locate(data["address"])
    site = Site(**data)
    place_site(site)
    db.session.add(site)
    db.session.flush()
    record(actor, "site.create", "site", site.id, after=snapshot(site, SITE_FIELDS))
    db.session.flush()
    return site


def place_site(site: Site) -> None:
    """Mark whether the site stands on a registered remote island (rules.md §5)."""
    # create_site has located the site; check_lat_lon rejects a coordinate still missing.
    island = areas.island_registry().find_island(cast(float, site.lat), cast(float, site.lon))
    site.remote_island = island is not None
    site.island_area_code = island.id if island else None


def model_by_code(code: str) -> PrinterModel:
    """The model with this code, or NotFound."""
    model = db.session.scalar(select(PrinterModel).where(PrinterModel.code == code))
    if model is None:
        raise NotFound(f"no model '{code}'", errors={"model_code": ["unknown model"]})
    return model


def device_by_serial(serial: str) -> Device:
    """The device or option with this serial, or NotFound (compared normalised, §5)."""
    device = find_device(serial)
    if device is None:
        raise NotFound(f"no device with serial '{serial}'")
    return device


def find_device(serial: str, *options: Any) -> Device | None:
    """The device whose serial matches `serial` once both are normalised (rules.md §5).

    Serials are stored normalised since issue 14, so the indexed equality finds them; a row
    stored earlier as typed ("ak-1234") is matched by folding the column in SQL (upper case,
    no hyphens or spaces), the second query running only when the first finds nothing.
    """
    key = normalise_serial(serial)
    device = db.session.scalar(select(Device).where(Device.serial == key).options(*options))
    if device is not None or not key:
        return device
    return find_device_as_typed(key, *options)


def find_device_as_typed(key: str, *options: Any) -> Device | None:
    """The device stored with its serial as typed whose folded form is `key` (normalised)."""
    folded = func.upper(func.replace(func.replace(Device.serial, "-", ""), " ", ""))
    return db.session.scalar(select(Device).where(folded == key).options(*options).limit(1))


def create_device(data: dict[str, Any], actor: Actor, parent: Device | None = None) -> Device:
    """Register a printer, or an option attached to `parent`."""
    model = model_by_code(data.pop("model_code"))
    expected_kind = "option" if parent else "printer"
    if model.kind != expected_kind:
        raise InvalidInput(
            f"model '{model.code}' is a {model.kind}, expected a {expected_kind}",
            errors={"model_code": [f"must be a {expected_kind} model"]},
        )
    if not data.get("purchase_date") and not data.get("factory_ship_date"):
        raise InvalidInput(
            "give the purchase date, or the factory ship date when it is unknown",
            errors={"purchase_date": ["purchase_date or factory_ship_date is required"]},
        )
    if data.get("purchase_proof") is not None:
        if not data.get("purchase_date"):
            raise InvalidInput("a proof of purchase needs the date it gives",
                               errors={"purchase_proof": ["give purchase_date with it"]})
        data["purchase_proof"] = PurchaseProof(data["purchase_proof"])
    if (data.get("print_count") is None) != (data.get("print_count_on") is None):
        raise InvalidInput(
            "a print count needs the date it was read",
            errors={"print_count_on": ["give print_count and print_count_on together"]},
        )
    if parent is not None:
        data["site_id"] = parent.site_id
    elif db.session.get(Site, data["site_id"]) is None:
        raise NotFound(f"no site {data['site_id']}", errors={"site_id": ["unknown site"]})
    # Stored normalised, so a lookup normalising what the caller read out finds it (§5).
    data["serial"] = normalise_serial(data["serial"])
    _unique(Device, Device.serial, data["serial"], "serial")
    device = Device(model_id=model.id, parent_device_id=parent.id if parent else None, **data)
    db.session.add(device)
    db.session.flush()
    record(actor, "device.create", "device", device.serial, after=snapshot(device, DEVICE_FIELDS))
    db.session.flush()
    return device


def lifetime_end(device: Device) -> date:
    """Last day of the device lifetime counted from its (effective) purchase date."""
    return period_last_day(device.effective_purchase_date, years=device.model.lifetime_years)


def base_by_code(code: str) -> ServiceBase:
    """The base with this code, or NotFound."""
    base = db.session.scalar(select(ServiceBase).where(ServiceBase.code == code))
    if base is None:
        raise NotFound(f"no base '{code}'", errors={"base_code": ["unknown base"]})
    return base


def create_subcontractor(name: str, actor: Actor) -> Subcontractor:
    """Register a company OXT subcontracts onsite work to (seed §11)."""
    name = name.strip()
    if not name:
        raise InvalidInput("the company name is required", errors={"name": ["is required"]})
    _unique(Subcontractor, Subcontractor.name, name, "name")
    company = Subcontractor(name=name, is_active=True)
    db.session.add(company)
    db.session.flush()
    record(actor, "subcontractor.create", "subcontractor", company.id, after={"name": name})
    db.session.flush()
    return company


def subcontractor_by_id(company_id: int) -> Subcontractor:
    """A subcontracting company, or InvalidInput naming the field (it comes from a payload)."""
    company = db.session.get(Subcontractor, company_id)
    if company is None or not company.is_active:
        raise InvalidInput(f"no subcontractor {company_id}",
                           errors={"subcontractor_id": ["unknown subcontractor"]})
    return company


def company_of(technician: Technician | None) -> str:
    """The company doing the work (seed §11): the subcontractor, else the service company."""
    if technician is not None and technician.subcontractor is not None:
        return technician.subcontractor.name
    return str(current_app.config["DISPATCH_COMPANY_NAME"])


def create_technician(data: dict[str, Any], actor: Actor) -> Technician:
    """Register a technician at a base, with a shift and the series they can repair.

    `subcontractor_id` (optional) names the subcontracting company they work for (seed §11).
    """
    base = base_by_code(data.pop("base_code"))
    if data.get("subcontractor_id") is not None:
        subcontractor_by_id(data["subcontractor_id"])
    data["email"] = normalise_email(data["email"])
    start, end = data["shift_start"], data["shift_end"]
    if not isinstance(start, time) or not isinstance(end, time) or start >= end:
        raise InvalidInput("the shift must start before it ends",
                           errors={"shift_end": ["must be after shift_start"]})
    _unique(Technician, Technician.email, data["email"], "email")
    tech = Technician(base_id=base.id, **data)
    db.session.add(tech)
    db.session.flush()
    record(actor, "technician.create", "technician", tech.id,
           after={"name": tech.name, "email": tech.email, "base": base.code,
                  "subcontractor_id": tech.subcontractor_id})
    db.session.flush()
    return tech
