"""Corrections to a device's facts after the fact (rules.md §4.8, §9.1): a receipt found
later, a device found to be abroad. Audited; the periods of its packs are derived again."""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import select

from dispatch.domain.coverage import coverage_chain, current_coverage_end
from dispatch.domain.products import PackStatus, PurchaseProof
from dispatch.errors import InvalidInput
from dispatch.extensions import db
from dispatch.models import Device, Pack
from dispatch.services.registration.coverage_facts import (
    device_facts,
    model_terms,
    pack_record,
    packs_of,
    parent_device,
)
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
    changed = rederive_periods(device)
    for option in db.session.scalars(select(Device).where(Device.parent_device_id == device.id)):
        # An option's coverage ends with its parent's (seed §4(2)): follow the parent.
        changed += rederive_periods(option)
    record(actor, "device.correct", "device", device.serial, before=before,
           after={**snapshot(device, CORRECTABLE), "reason": reason, "packs": changed})
    db.session.flush()
    return device


def rederive_periods(device: Device) -> list[dict[str, Any]]:
    """Derive every held pack's period again from the device's facts as they are now.

    Returns what changed per pack (for the audit record). Packs no longer held (refused,
    void, cancelled) keep the period they had.
    """
    packs = packs_of(device)
    records = [dataclasses.replace(pack_record(p), period=None) for p in packs]
    chain = coverage_chain(model_terms(device.model), device_facts(device), records)
    parent = parent_device(device)
    parent_end = (current_coverage_end(parent.terms, parent.device, parent.packs)
                  if parent is not None else None)
    changed: list[dict[str, Any]] = []
    for pack in packs:
        period = chain.periods.get(pack.id)
        if period is None:
            continue
        before = snapshot(pack, PERIOD_FIELDS)
        end = period.end if parent_end is None or parent_end >= period.end else parent_end
        pack.nominal_start, pack.uncapped_end = period.start, period.uncapped_end
        pack.continuous, pack.coverage_end = period.continuous, end
        completed_on = _completed_on(pack)
        if completed_on is not None:
            pack.coverage_start = period.service_start(completed_on)
        after = snapshot(pack, PERIOD_FIELDS)
        if after != before:
            changed.append({"pack_id": pack.id, "before": before, "after": after})
    db.session.flush()
    return changed


def _completed_on(pack: Pack) -> Any:
    if pack.status != PackStatus.REGISTERED:
        return None
    done = [a.completed_on for a in pack.applications if a.completed_on is not None]
    return max(done, default=None)
