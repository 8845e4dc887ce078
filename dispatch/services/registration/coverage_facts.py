"""Stored rows as the coverage engine's plain values, and coverage questions asked of them.

Every service that needs coverage (registration, intake, the portal) goes through here, so
the mapping from the database to the rules exists once.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date

from sqlalchemy import select

from dispatch.domain.coverage import CoverageStatus, coverage_on
from dispatch.domain.eligibility import ParentDevice
from dispatch.domain.products import (
    DeviceFacts,
    DeviceKind,
    ModelTerms,
    PackPeriod,
    PackProduct,
    PackRecord,
    PackStatus,
    Series,
)
from dispatch.domain.support_hours import SupportHours
from dispatch.extensions import db
from dispatch.models import Device, Pack, PrinterModel


def model_terms(model: PrinterModel) -> ModelTerms:
    """A model's contractual terms."""
    return ModelTerms(
        code=model.code,
        series=Series(model.series),
        kind=DeviceKind(model.kind),
        lifetime_years=model.lifetime_years,
        warranty_months=model.warranty_months,
        print_limit=model.print_limit,
        packs_offered=frozenset(PackProduct(p) for p in model.packs_offered),
    )


def device_facts(device: Device) -> DeviceFacts:
    """A device's purchase dates, country and last print-count reading."""
    return DeviceFacts(
        purchase_date=device.purchase_date,
        factory_ship_date=device.factory_ship_date,
        in_japan=device.in_japan,
        print_count=device.print_count,
        print_count_on=device.print_count_on,
    )


def support_hours_of(pack: Pack) -> SupportHours:
    """The pack's support hours (対応時間) as printed on its certificate."""
    return SupportHours.from_payload(pack.support_hours)


def pack_record(pack: Pack) -> PackRecord:
    """A stored pack with the period computed when it was recorded."""
    period = None
    if pack.nominal_start is not None and pack.coverage_end is not None:
        period = PackPeriod(
            start=pack.nominal_start,
            end=pack.coverage_end,
            uncapped_end=pack.uncapped_end or pack.coverage_end,
            continuous=pack.continuous,
        )
    return PackRecord(
        id=pack.id,
        product=PackProduct(pack.product),
        purchased_on=pack.purchased_on,
        status=PackStatus(pack.status),
        completed_on=pack.coverage_start if pack.status == PackStatus.REGISTERED else None,
        support_hours=support_hours_of(pack),
        period=period,
    )


def packs_of(device: Device) -> list[Pack]:
    """Every pack ever recorded for the device, oldest first."""
    return list(db.session.scalars(
        select(Pack).where(Pack.device_id == device.id).order_by(Pack.id)
    ))


def packs_by_device(device_ids: Collection[int]) -> dict[int, list[Pack]]:
    """Every pack of these devices, oldest first, in one statement (for the read pages)."""
    found: dict[int, list[Pack]] = {device_id: [] for device_id in device_ids}
    if found:
        for pack in db.session.scalars(select(Pack).where(Pack.device_id.in_(list(found)))
                                       .order_by(Pack.id)):
            found[pack.device_id].append(pack)
    return found


def parent_device(device: Device) -> ParentDevice | None:
    """The parent printer of an option, as eligibility needs it (rules.md §4 rule 7)."""
    parent = device.parent
    if parent is None:
        return None
    return ParentDevice(
        terms=model_terms(parent.model),
        device=device_facts(parent),
        packs=tuple(pack_record(p) for p in packs_of(parent)),
    )


def device_coverage(device: Device, on: date, print_count: int | None = None,
                    packs: Mapping[int, Sequence[Pack]] | None = None) -> CoverageStatus:
    """Coverage of a device or option on a date (an option's ends with its parent's).

    `packs` holds the packs of the device and of its parent when a read page loaded them in
    bulk (`packs_by_device`); without it each device's packs are read here.
    """
    parent_status = None
    if device.parent is not None:
        parent_status = device_coverage(device.parent, on, None, packs)
    own = packs_of(device) if packs is None else packs.get(device.id, ())
    return coverage_on(
        model_terms(device.model),
        device_facts(device),
        [pack_record(p) for p in own],
        on,
        print_count=print_count,
        parent_coverage=parent_status,
    )
