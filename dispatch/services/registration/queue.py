"""What the coordinator's registration queue shows (rules.md §1 "watches the lifecycle queues")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from dispatch.domain import lifecycle
from dispatch.domain.calendar import add_business_days
from dispatch.domain.products import PackStatus
from dispatch.extensions import db
from dispatch.models import Application, Inquiry, Notice, Pack
from dispatch.services.registration.device_coverage import advice
from dispatch.services.registration.lifecycle import sla_threshold

LIMIT = 100
SOON_DAYS = 3  # inquiries lapsing within this many days
VOID_SOON_DAYS = 30


@dataclass(frozen=True)
class Queue:
    """The four lists of the queue page plus recent coverage-end reminders."""

    applied: list[tuple[Application, date]]
    lapsing: list[tuple[Inquiry, date]]
    breaches: list[tuple[Application, date]]
    void_soon: list[tuple[Pack, date]]
    renewals: list[tuple[Notice, list[dict[str, Any]]]]


def queue(today: date) -> Queue:
    """Everything waiting on the coordinator on `today`."""
    # Each row shows its pack's device: loaded in the same statement (constant queries).
    applied = db.session.scalars(select(Application).where(Application.status == PackStatus.APPLIED)
                                 .options(joinedload(Application.pack).joinedload(Pack.device))
                                 .order_by(Application.applied_on).limit(LIMIT)).all()
    due = [(a, lifecycle.registration_due(a.applied_on, add_business_days)) for a in applied]
    breached = [(a, d) for a, d in due if a.applied_on <= sla_threshold(today)]
    open_inquiries = db.session.scalars(
        select(Inquiry).join(Application).where(Application.status == PackStatus.INQUIRY,
                                                Inquiry.answered_on.is_(None),
                                                Inquiry.sent_on >= today - timedelta(days=14))
        .options(joinedload(Inquiry.application).joinedload(Application.pack)
                 .joinedload(Pack.device))
        .order_by(Inquiry.sent_on).limit(LIMIT)).all()
    lapsing = [(i, lifecycle.inquiry_lapse_date(i.sent_on)) for i in open_inquiries
               if lifecycle.inquiry_lapse_date(i.sent_on) <= today + timedelta(days=SOON_DAYS)]
    waiting = db.session.scalars(select(Pack)
                                 .where(Pack.status.in_(lifecycle.AWAITING_APPLICATION))
                                 .options(joinedload(Pack.device))
                                 .order_by(Pack.purchased_on).limit(LIMIT)).all()
    void_soon = [(p, lifecycle.void_date(p.purchased_on)) for p in waiting
                 if lifecycle.void_date(p.purchased_on) <= today + timedelta(days=VOID_SOON_DAYS)]
    return Queue(due, lapsing, breached, void_soon, _renewals(today))


def _renewals(today: date) -> list[tuple[Notice, list[dict[str, Any]]]]:
    # The coverage-end reminder offers the extensions the device can still buy (advice mode).
    notices = db.session.scalars(
        select(Notice).where(Notice.kind == "coverage_end_reminder",
                             Notice.anchor_on >= today).order_by(Notice.anchor_on).limit(20)
    ).all()
    out = []
    for notice in notices:
        device = db.session.get_one(Pack, notice.pack_id).device
        offers = [advice(device, p, today) for p in ("ext1", "ext2")]
        out.append((notice, [o for o in offers if o["eligible"]]))
    return out
