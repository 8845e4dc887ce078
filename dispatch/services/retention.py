"""Retention of business and technical information (SPEC §8): kept 5 years after the
service ends, then flagged for deletion by the daily job.

Service end of a device: the last coverage end of its registered packs, or its lifetime
end when it never had a registered pack; for a terminated customer, the termination day
when that comes first. A device with a pack still in registration is still in service.
Flags cover the device and its packs, applications, calls, visits and work reports.
Personal information is never deleted here: it is kept until erased on request.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import case, func, insert, or_, select

from dispatch import clock
from dispatch.domain.periods import day_after, period_last_day
from dispatch.extensions import db
from dispatch.models import (
    Application,
    Customer,
    Device,
    Pack,
    PrinterModel,
    RepairCall,
    RetentionFlag,
    Site,
    Visit,
    WorkReport,
)
from dispatch.services.audit import SYSTEM, Actor, record

RETENTION_YEARS = 5
PENDING = ("purchased", "applied", "inquiry")


def retention_end(service_end: date) -> date:
    """Last day the records are kept: 5 years counted from the day after the service ends."""
    return period_last_day(day_after(service_end), years=RETENTION_YEARS)


def _service_end(row: object) -> date:
    purchase = row.purchase_date or row.factory_ship_date
    end = row.last_coverage_end or period_last_day(purchase, years=row.lifetime_years)
    if row.terminated_at is not None:
        end = min(end, clock.to_tokyo(row.terminated_at).date())
    return end


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February → 1 March
        return date(day.year - years, 3, 1)


def _candidates(day: date) -> list[object]:
    """Devices not yet flagged whose service could have ended more than 5 years ago."""
    # Service never ends before the purchase, so retention never ends before purchase + 5
    # years: a device bought since (day - 5 years + 1 day) cannot be due yet.
    earliest = _years_before(day, RETENTION_YEARS) + timedelta(days=1)
    registered = case((Pack.status == "registered", Pack.coverage_end))
    pending = func.sum(case((Pack.status.in_(PENDING), 1), else_=0))
    flagged = select(RetentionFlag.id).where(RetentionFlag.entity_type == "device",
                                             RetentionFlag.entity_id == Device.id)
    query = (
        select(Device.id, Device.purchase_date, Device.factory_ship_date,
               PrinterModel.lifetime_years, Customer.terminated_at,
               func.max(registered).label("last_coverage_end"), pending.label("pending"))
        .join(PrinterModel, PrinterModel.id == Device.model_id)
        .join(Site, Site.id == Device.site_id).join(Customer, Customer.id == Site.customer_id)
        .outerjoin(Pack, Pack.device_id == Device.id)
        .where(~flagged.exists(), or_(
            func.coalesce(Device.purchase_date, Device.factory_ship_date) < earliest,
            Customer.terminated_at.is_not(None)))
        .group_by(Device.id, Device.purchase_date, Device.factory_ship_date,
                  PrinterModel.lifetime_years, Customer.terminated_at)
    )
    return list(db.session.execute(query).all())


def _dependents(device_ids: list[int]) -> dict[str, list[tuple[int, int]]]:
    """(id, device_id) of every record hanging off the expired devices."""
    queries = {
        "pack": select(Pack.id, Pack.device_id).where(Pack.device_id.in_(device_ids)),
        "application": select(Application.id, Pack.device_id).join(Pack).where(
            Pack.device_id.in_(device_ids)),
        "repair_call": select(RepairCall.id, RepairCall.device_id).where(
            RepairCall.device_id.in_(device_ids)),
        "visit": select(Visit.id, RepairCall.device_id).join(RepairCall).where(
            RepairCall.device_id.in_(device_ids)),
        "work_report": select(WorkReport.id, RepairCall.device_id)
        .join(Visit, Visit.id == WorkReport.visit_id)
        .join(RepairCall, RepairCall.id == Visit.call_id).where(
            RepairCall.device_id.in_(device_ids)),
    }
    return {kind: [tuple(r) for r in db.session.execute(q)] for kind, q in queries.items()}


def flag_expired_records(day: date, actor: Actor = SYSTEM) -> dict[str, int]:
    """Flag the records whose retention ran out before `day`; returns counts per type."""
    expired = {}
    for row in _candidates(day):
        if row.pending:
            continue
        end = _service_end(row)
        if retention_end(end) < day:
            expired[row.id] = end
    counts = {"device": len(expired)}
    rows = [{"entity_type": "device", "entity_id": i, "device_id": i, "service_end": end,
             "flagged_on": day} for i, end in expired.items()]
    for kind, pairs in (_dependents(list(expired)) if expired else {}).items():
        counts[kind] = len(pairs)
        rows += [{"entity_type": kind, "entity_id": i, "device_id": d,
                  "service_end": expired[d], "flagged_on": day} for i, d in pairs]
    if rows:
        db.session.execute(insert(RetentionFlag), rows)
        record(actor, "retention.flag", "retention", day.isoformat(), after=counts)
    db.session.commit()
    return counts


def run(day: date) -> dict[str, int]:
    """Entry point for the daily jobs (`dispatch jobs run-daily`)."""
    return flag_expired_records(day)
