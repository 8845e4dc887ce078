"""Coverage and advice questions about one device, and relocating it (rules.md §4, §9)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from dispatch import clock
from dispatch.domain.eligibility import EligibilityMode
from dispatch.domain.products import PackProduct
from dispatch.domain.transfer import transfer_refusal
from dispatch.errors import InvalidInput, NotFound, RuleViolation
from dispatch.extensions import db
from dispatch.models import Device, Pack, Relocation, Site
from dispatch.services.catalog import areas
from dispatch.services.registration.coverage_facts import device_coverage
from dispatch.services.registration.packs import check_pack
from dispatch.services.trust.audit import Actor, record


def coverage(device: Device, on: date, print_count: int | None = None) -> dict[str, Any]:
    """The coverage payload of rules.md §9.1 for a device on a date."""
    status = device_coverage(device, on, print_count)
    pack = db.session.get(Pack, status.pack_id) if status.pack_id is not None else None
    return {
        "serial": device.serial, "on": on, "covered": status.covered,
        "codes": [str(c) for c in status.codes],
        "pack_id": status.pack_id, "support_pack_id": pack.support_pack_id if pack else None,
        "start": status.start, "end": status.end, "lifetime_end": status.lifetime_end,
    }


def advice(device: Device, product: str, on: date,
           print_count: int | None = None) -> dict[str, Any]:
    """May `product` be sold for the device on `on`? (advice mode, rules.md §4.4)."""
    try:
        pack_product = PackProduct(product)
    except ValueError as exc:
        raise InvalidInput(f"unknown product '{product}'",
                           errors={"product": ["must be one of std1…std7, ext1, ext2"]}) from exc
    result = check_pack(device, pack_product, on, mode=EligibilityMode.ADVICE,
                        print_count=print_count)
    return {
        "serial": device.serial, "product": pack_product.value, "on": on,
        "eligible": result.eligible, "codes": [str(c) for c in result.codes],
        "coverage_end": result.coverage_end,
        "coverage_start": result.period.start,
    }


def relocate(device: Device, data: dict[str, Any], actor: Actor) -> dict[str, Any]:
    """Move a device (with its options and coverage) to another site; re-evaluate the area.

    A site of another customer hands the pack over: OXT's written consent must be dated
    on or before the move (seed §14).
    """
    if device.parent_device_id is not None:
        raise InvalidInput("an option moves with its printer; relocate the printer",
                           errors={"serial": ["is an option"]})
    site = db.session.get(Site, data["to_site_id"])
    if site is None:
        raise NotFound(f"no site {data['to_site_id']}", errors={"to_site_id": ["unknown site"]})
    if data["moved_on"] < data["notified_on"]:
        # rules.md §4: the customer notifies the new site in advance.
        raise InvalidInput("the move must be notified in advance",
                           errors={"moved_on": ["must not be before notified_on"]})
    if site.id == device.site_id:
        raise InvalidInput("the device is already at that site",
                           errors={"to_site_id": ["is the current site"]})
    from_customer_id = device.site.customer_id
    consent = data.get("transfer_consent") or {}
    refusal = transfer_refusal(from_customer_id, site.customer_id,
                               consent.get("consented_on"), data["moved_on"])
    if refusal is not None:
        raise RuleViolation("the new site belongs to another customer: OXT's written consent "
                            "must come first", codes=[refusal],
                            errors={"transfer_consent": ["required, dated on or before moved_on"]})
    transferred = from_customer_id != site.customer_id
    moved = [device, *db.session.scalars(
        select(Device).where(Device.parent_device_id == device.id)
    )]
    from_site_id = device.site_id
    for item in moved:
        item.site_id = site.id
    relocation = Relocation(device_id=device.id, from_site_id=from_site_id, to_site_id=site.id,
                            notified_on=data["notified_on"], moved_on=data["moved_on"],
                            created_at=clock.now())
    if transferred:
        relocation.transfer_consented_on = consent["consented_on"]
        relocation.transfer_consent_ref = consent["reference"]
    db.session.add(relocation)
    area = _area_of(site)
    db.session.flush()
    record(actor, "device.relocate", "device", device.serial,
           before={"site_id": from_site_id},
           after={"site_id": site.id, "moved": [d.serial for d in moved], **area,
                  **({"transfer_consent_ref": relocation.transfer_consent_ref}
                     if transferred else {})})
    db.session.flush()
    return {"id": relocation.id, "serial": device.serial, "from_site_id": from_site_id,
            "to_site_id": site.id, "moved_serials": [d.serial for d in moved],
            "transferred": transferred, **area}


def _area_of(site: Site) -> dict[str, Any]:
    # rules.md §4: "the service area is re-evaluated" for the new site.
    if site.lat is None or site.lon is None:
        return {"remote_island": site.remote_island, "area_code": None,
                "nearest_base_code": None}
    decision = areas.evaluate(site.lat, site.lon)
    site.remote_island = decision.is_remote_island
    site.island_area_code = decision.island.id if decision.island else None
    return {"remote_island": decision.is_remote_island,
            "area_code": str(decision.code) if decision.code else None,
            "nearest_base_code": decision.nearest_base_code}
