"""Retention of business and technical information (rules.md §8): kept 5 years after the
service ends, then flagged for deletion by the daily job.

Service end of a device: the last coverage end of its registered packs, or its lifetime
end when it never had a registered pack; for a terminated customer, the termination day
when that comes first. A device with a pack still in registration is still in service.
Flags cover the device and its packs, applications, calls, visits and work reports.
Personal information is never deleted here: it is kept until erased on request.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    Date,
    Row,
    Select,
    and_,
    case,
    false,
    func,
    insert,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import InstrumentedAttribute, aliased

from dispatch import clock
from dispatch.domain.periods import day_after, period_last_day
from dispatch.domain.products import PackStatus
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
from dispatch.services.trust.audit import SYSTEM, Actor, record

RETENTION_YEARS = 5
PENDING = (PackStatus.PURCHASED, PackStatus.APPLIED, PackStatus.INQUIRY)


def retention_end(service_end: date) -> date:
    """Last day the records are kept: 5 years counted from the day after the service ends."""
    return period_last_day(day_after(service_end), years=RETENTION_YEARS)


def _service_end(row: Row[Any]) -> date:
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


def last_due_service_end(day: date) -> date:
    """The latest service end whose retention ran out before `day`.

    retention_end never decreases as the service end moves later, so a device is due on
    `day` exactly when its service ended on or before this date: one comparison in SQL.
    """
    end = _years_before(day, RETENTION_YEARS) + timedelta(days=3)  # retention_end >= day
    while retention_end(end) >= day:
        end -= timedelta(days=1)
    return end


def last_due_purchase(service_end_by: date, lifetime_years: int) -> date:
    """The latest purchase whose lifetime (a Civil Code period) ends by `service_end_by`."""
    purchase = _years_before(service_end_by, lifetime_years) + timedelta(days=3)
    while period_last_day(purchase, years=lifetime_years) > service_end_by:
        purchase -= timedelta(days=1)
    return purchase


def _due_devices(day: date) -> list[Row[Any]]:
    """Devices not yet flagged whose service ended on or before last_due_service_end(day)."""
    due_by = last_due_service_end(day)
    # Service never ends before the purchase, so retention never ends before purchase + 5
    # years: a device bought since (day - 5 years + 1 day) cannot be due yet.
    earliest = _years_before(day, RETENTION_YEARS) + timedelta(days=1)
    purchase = func.coalesce(Device.purchase_date, Device.factory_ship_date)
    last_coverage_end = func.max(case((Pack.status == PackStatus.REGISTERED, Pack.coverage_end)))
    pending = func.sum(case((Pack.status.in_(PENDING), 1), else_=0))
    lifetimes = db.session.scalars(select(PrinterModel.lifetime_years).distinct()).all()
    # Without a registered pack the service ends with the device's lifetime: per lifetime
    # length, a purchase date bound.
    lifetime_over = or_(false(), *(
        and_(PrinterModel.lifetime_years == years, purchase <= last_due_purchase(due_by, years))
        for years in lifetimes))
    # A termination ends the service that (Tokyo) day.
    terminated_by = datetime.combine(due_by + timedelta(days=1), time(0), tzinfo=clock.TOKYO)
    flagged = select(RetentionFlag.id).where(RetentionFlag.entity_type == "device",
                                             RetentionFlag.entity_id == Device.id)
    query = (
        select(Device.id, Device.purchase_date, Device.factory_ship_date,
               PrinterModel.lifetime_years, Customer.terminated_at,
               last_coverage_end.label("last_coverage_end"))
        .join(PrinterModel, PrinterModel.id == Device.model_id)
        .join(Site, Site.id == Device.site_id).join(Customer, Customer.id == Site.customer_id)
        .outerjoin(Pack, Pack.device_id == Device.id)
        .where(~flagged.exists(), or_(purchase < earliest, Customer.terminated_at.is_not(None)))
        .group_by(Device.id, Device.purchase_date, Device.factory_ship_date,
                  PrinterModel.lifetime_years, Customer.terminated_at)
        .having(pending == 0, or_(
            last_coverage_end <= due_by,
            and_(last_coverage_end.is_(None), lifetime_over),
            Customer.terminated_at < terminated_by))
    )
    return list(db.session.execute(query).all())


def _dependents(day: date) -> dict[str, Select]:
    """(kind, id, device_id, service_end, day) of every record hanging off a device flagged
    on `day` and not flagged yet."""
    device = aliased(RetentionFlag)

    def of_flagged(
        kind: str,
        entity: type[Any],
        device_id: InstrumentedAttribute[Any],  # the column naming the device
        *path: tuple[type[Any], ColumnElement[bool]],
    ) -> Select:
        mine = aliased(RetentionFlag)
        query = select(literal(kind), entity.id, device_id, device.service_end,
                       literal(day, Date)).select_from(entity)
        for target, onclause in path:  # from the record to the row that names its device
            query = query.join(target, onclause)
        return (query.join(device, and_(device.entity_type == "device",
                                        device.entity_id == device_id,
                                        device.flagged_on == day))
                # A second run on the same day finds these already flagged.
                .where(~select(mine.id).where(mine.entity_type == kind,
                                              mine.entity_id == entity.id).exists()))

    to_call = (RepairCall, RepairCall.id == Visit.call_id)
    return {
        "pack": of_flagged("pack", Pack, Pack.device_id),
        "application": of_flagged("application", Application, Pack.device_id,
                                  (Pack, Pack.id == Application.pack_id)),
        "repair_call": of_flagged("repair_call", RepairCall, RepairCall.device_id),
        "visit": of_flagged("visit", Visit, RepairCall.device_id, to_call),
        "work_report": of_flagged("work_report", WorkReport, RepairCall.device_id,
                                  (Visit, Visit.id == WorkReport.visit_id), to_call),
    }


def flag_expired_records(day: date, actor: Actor = SYSTEM) -> dict[str, int]:
    """Flag the records whose retention ran out before `day`; returns counts per type."""
    # The due devices are chosen in SQL; their service end (a Civil Code date) is computed
    # here, then every record under them is flagged by one INSERT ... SELECT per kind.
    rows = [{"entity_type": "device", "entity_id": row.id, "device_id": row.id,
             "service_end": _service_end(row), "flagged_on": day} for row in _due_devices(day)]
    counts = {"device": len(rows)}
    if rows:
        db.session.execute(insert(RetentionFlag), rows)
        columns = ["entity_type", "entity_id", "device_id", "service_end", "flagged_on"]
        for kind, query in _dependents(day).items():
            # SQLAlchemy keeps an INSERT's rowcount only when asked to.
            # An INSERT's result is a CursorResult; Session.execute is typed as the general Result.
            result = cast(CursorResult[Any], db.session.execute(
                insert(RetentionFlag).from_select(columns, query),
                execution_options={"preserve_rowcount": True}))
            counts[kind] = result.rowcount
        record(actor, "retention.flag", "retention", day.isoformat(), after=counts)
    db.session.flush()
    return counts


def run(day: date) -> dict[str, int]:
    """Entry point for the daily jobs (`dispatch jobs run-daily`)."""
    return flag_expired_records(day)
