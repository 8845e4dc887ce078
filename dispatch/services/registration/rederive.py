"""Pack periods as a function of all of a device's packs, whatever the recording order.

rules.md §4 (the order packs were recorded in): a standard and an extension pack bought
together run one after the other even when the extension was entered first, and recording,
refusing, voiding or cancelling a pack re-derives the periods of the packs that follow it.
The stored period columns (nominal_start, uncapped_end, continuous, coverage_end) are a cache
of `coverage_chain` computed afresh from every held pack; this module keeps them in step.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date

from sqlalchemy import select

from dispatch.domain.codes import RuleCode
from dispatch.domain.coverage import coverage_chain
from dispatch.domain.eligibility import option_coverage_end
from dispatch.domain.products import EXTENSION_PRODUCTS, HELD_STATUSES, PackStatus
from dispatch.extensions import db
from dispatch.models import Device, Pack
from dispatch.services.registration.coverage_facts import (
    device_facts,
    model_terms,
    pack_record,
    packs_of,
    parent_device,
)
from dispatch.services.trust.audit import Actor, record

PERIOD_FIELDS = ("nominal_start", "uncapped_end", "continuous", "coverage_end",
                 "coverage_start")


def rederive_periods(device: Device, actor: Actor) -> list[Pack]:
    """Recompute every held pack's period of `device` from all its packs; the changed ones."""
    packs = packs_of(device)
    # period=None: the chain computes each period afresh instead of trusting the stored one,
    # which may have been derived before an earlier pack was recorded.
    records = [dataclasses.replace(pack_record(p), period=None) for p in packs]
    chain = coverage_chain(model_terms(device.model), device_facts(device), records)
    parent = parent_device(device)
    changed = []
    for pack in packs:
        period = chain.periods.get(pack.id)
        if period is None:
            continue  # not held: its period no longer counts
        end = option_coverage_end(period.end, parent)
        before = {f: _plain(getattr(pack, f)) for f in PERIOD_FIELDS}
        pack.nominal_start, pack.uncapped_end = period.start, period.uncapped_end
        pack.continuous, pack.coverage_end = period.continuous, end
        warnings = [w for w in pack.warnings or [] if w != RuleCode.CAPPED_AT_LIFETIME]
        pack.warnings = warnings + ([str(RuleCode.CAPPED_AT_LIFETIME)] if period.is_capped
                                    else [])
        completed = _completed_on(pack)
        if pack.status == PackStatus.REGISTERED and completed is not None:
            pack.coverage_start = period.service_start(completed)
        after = {f: _plain(getattr(pack, f)) for f in PERIOD_FIELDS}
        if after != before:
            changed.append(pack)
            record(actor, "pack.rederive", "pack", pack.id, before=before, after=after)
    db.session.flush()
    return changed


def rederive_devices_of(pack_ids: Iterable[int], actor: Actor) -> int:
    """Re-derive the devices of `pack_ids` that still hold an extension (the daily jobs).

    Only an extension's period depends on other packs, so a device without one is skipped:
    the set-based jobs stay cheap on the usual device with a single pack.
    """
    ids = list(pack_ids)
    if not ids:
        return 0
    affected = select(Pack.device_id).where(Pack.id.in_(ids))
    devices = db.session.scalars(
        select(Device).where(Device.id.in_(
            select(Pack.device_id).where(
                Pack.device_id.in_(affected),
                Pack.product.in_(sorted(EXTENSION_PRODUCTS)),
                Pack.status.in_(sorted(HELD_STATUSES)))))
        .order_by(Device.id)).all()
    for device in devices:
        rederive_periods(device, actor)
    return len(devices)


def _completed_on(pack: Pack) -> date | None:
    done = [a.completed_on for a in pack.applications if a.completed_on is not None]
    return max(done) if done else pack.coverage_start


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value
