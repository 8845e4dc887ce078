"""Registration demo data: packs in every lifecycle state on the demo devices."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from dispatch.domain.eligibility import standard_window_last_day
from dispatch.extensions import db
from dispatch.models import Device, Pack
from dispatch.services.registration import applications
from dispatch.services.registration import packs as registration
from dispatch.services.registration.lifecycle import run_daily_jobs
from dispatch.services.trust.audit import Actor
from dispatch.services.unit_of_work import unit_of_work

DEMO = Actor(label="demo")
HOURS = {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:30",
         "closed_on_holidays": True, "closed_dates": ["12-30", "12-31", "01-01", "01-02",
                                                      "01-03"]}
CONSENTS = {"service_spec": True, "privacy": True, "antisocial_declaration": True}
# Per demo device (in serial order): the pack and how far it goes, days after its purchase.
PLAN = [
    ("std5", "purchased"),  # bought, late to apply: a reminder
    ("std3", "applied"),  # applied 15 days ago: SLA breach on the queue
    ("std1", "inquiry"),  # inquiry sent 12 days ago, lapses in 2 days
    ("std3", "cancelled"),  # inquiry unanswered for 2 weeks: cancelled by the daily job
    ("std1", "extended"),  # std1 registered, then a continuous ext1 registered
    ("std1", "void"),  # never applied within 1 year: void by the daily job
    ("std3", "registered"),
    ("std5", "refused"),  # refused by OXT with a note (REFUSED_OTHER)
]


def _pack(device: Device, product: str, bought: date) -> Pack:
    return registration.record_pack({
        "target_serial": device.serial, "product": product, "purchased_on": bought,
        "received_on": bought + timedelta(days=3), "support_hours": HOURS}, DEMO)


def _apply(pack: Pack, on: date, current_id: str | None = None) -> int:
    # An extension's application quotes the registered pack's ID (rules.md §4).
    return applications.apply(pack.id, {"channel": "web", "applied_on": on,
                                        "consents": CONSENTS,
                                        "current_support_pack_id": current_id}, DEMO).id


def _register(pack: Pack, applied: date, completed: date, current_id: str | None = None) -> Pack:
    return applications.complete(_apply(pack, applied, current_id), completed, DEMO)


def _one(device: Device, product: str, goal: str, today: date) -> None:
    bought = device.effective_purchase_date + timedelta(days=10)
    pack = _pack(device, product, bought)
    # A standard pack's application falls within the device's 6-month window (rules.md
    # §4.1): on an older demo device it was made on the window's last day instead.
    window_end = standard_window_last_day(device.effective_purchase_date)
    if goal == "applied":
        _apply(pack, min(today - timedelta(days=15), window_end))
    elif goal in ("inquiry", "cancelled"):
        sent = today - timedelta(days=12 if goal == "inquiry" else 20)
        app_id = _apply(pack, min(sent - timedelta(days=2), window_end))
        applications.send_inquiry(app_id, {"sent_on": sent,
                                           "question": "設置場所の住所をご確認ください。"}, DEMO)
    elif goal in ("registered", "extended"):
        done = _register(pack, bought + timedelta(days=5), bought + timedelta(days=14))
        if goal == "extended":
            ext = _pack(device, "ext1", today - timedelta(days=60))
            _register(ext, today - timedelta(days=55), today - timedelta(days=45),
                      done.support_pack_id)
    elif goal == "refused":
        registration.refuse_pack(pack.id, "販売店からの申告により転売品と判明", None,
                                 bought + timedelta(days=7), DEMO)


def load(today: date) -> None:
    """Create packs in every lifecycle state for the demo devices, then run today's jobs."""
    devices = db.session.scalars(select(Device).where(Device.parent_device_id.is_(None))
                                 .order_by(Device.serial)).all()
    if db.session.scalar(select(Pack.id).limit(1)) is not None:
        return  # already loaded
    with unit_of_work():
        for device, (product, goal) in zip(devices, PLAN, strict=False):
            _one(device, product, goal, today)
    with unit_of_work():
        run_daily_jobs(today)
