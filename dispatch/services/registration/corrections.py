"""Corrections to a device's facts after the fact (rules.md §4.8, §9.1): a receipt found
later, a device found to be abroad. Audited; the periods of its packs are derived again."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from dispatch.domain.products import PurchaseProof
from dispatch.errors import InvalidInput
from dispatch.extensions import db
from dispatch.models import Device
from dispatch.services.registration.coverage_facts import packs_of
from dispatch.services.registration.rederive import rederive_periods
from dispatch.services.trust.audit import Actor, record, snapshot

CORRECTABLE = ("purchase_date", "purchase_proof", "in_japan")
PERIOD_FIELDS = ("nominal_start", "uncapped_end", "continuous", "coverage_start",
                 "coverage_end")


def correct_device(device: Device, data: dict[str, Any], actor: Actor) -> Device:
    """Apply the corrected fields with the reason; 422 storing nothing when inconsistent."""
    given = {key: data[key] for key in CORRECTABLE if key in data}
    if not given:
        raise InvalidInput("nothing to correct",
                           errors={"purchase_date": [f"give one of {', '.join(CORRECTABLE)}"]})
    reason = str(data.get("reason") or "").strip()
    if not reason:
        raise InvalidInput("a correction needs a reason", errors={"reason": ["must not be blank"]})
    if given.get("in_japan", True) is None:
        raise InvalidInput("in_japan must be true or false", errors={"in_japan": ["not null"]})
    purchase_date = given.get("purchase_date", device.purchase_date)
    proof = given.get("purchase_proof", device.purchase_proof if purchase_date else None)
    if purchase_date is None and device.factory_ship_date is None:
        raise InvalidInput(
            "without a purchase date the device needs its factory ship date",
            errors={"purchase_date": ["required: the device has no factory ship date"]})
    if proof is not None and purchase_date is None:
        raise InvalidInput("a proof of purchase needs the date it gives",
                           errors={"purchase_proof": ["give purchase_date with it"]})
    before = snapshot(device, CORRECTABLE)
    device.purchase_date = purchase_date
    device.purchase_proof = PurchaseProof(proof) if proof is not None else None
    if "in_japan" in given:
        device.in_japan = bool(given["in_japan"])
    changed = _rederived(device, actor)
    for option in db.session.scalars(select(Device).where(Device.parent_device_id == device.id)):
        # An option's coverage ends with its parent's (seed §4(2)): follow the parent.
        changed += _rederived(option, actor)
    record(actor, "device.correct", "device", device.serial, before=before,
           after={**snapshot(device, CORRECTABLE), "reason": reason, "packs": changed})
    db.session.flush()
    return device


def _rederived(device: Device, actor: Actor) -> list[dict[str, Any]]:
    """Derive the device's periods again (rederive.py); what changed per pack, for the audit."""
    before = {p.id: snapshot(p, PERIOD_FIELDS) for p in packs_of(device)}
    return [{"pack_id": p.id, "before": before[p.id], "after": snapshot(p, PERIOD_FIELDS)}
            for p in rederive_periods(device, actor)]
