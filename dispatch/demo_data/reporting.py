"""Demo work reports: one signed (sealed, PDF-ready) and one draft on demo visits.

Uses existing visits with a technician when intake and planning made some; otherwise it
creates two minimal calls and visits on demo devices, so the report pages have content.
"""

from __future__ import annotations

import base64
import struct
import zlib
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from dispatch import clock
from dispatch.domain.calendar import TOKYO
from dispatch.domain.call_decision import Decision
from dispatch.domain.call_status import CallStatus
from dispatch.domain.roles import Role
from dispatch.domain.visit_status import VisitStatus
from dispatch.extensions import db
from dispatch.models import Device, Pack, RepairCall, Technician, Visit, WorkReport
from dispatch.services.reporting import reports as reporting
from dispatch.services.trust.audit import Actor
from dispatch.services.unit_of_work import unit_of_work
from reports.document import Result

DEMO = Actor(label="demo", role=Role.COORDINATOR)


def signature_png(width: int = 240, height: int = 80) -> bytes:
    """A white PNG with a dark wave, standing in for a handwritten signature."""
    rows = []
    for y in range(height):
        row = bytearray(b"\xff\xff\xff" * width)
        for x in range(20, width - 20):
            wave = height // 2 + int((height // 4) * (((x // 12) % 2) * 2 - 1) * ((x % 12) / 12))
            if abs(y - wave) <= 1:
                row[3 * x:3 * x + 3] = b"\x10\x10\x30"
        rows.append(b"\x00" + bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b""))


def _demo_visits(today: date) -> list[Visit]:
    visits = list(db.session.scalars(select(Visit).where(Visit.technician_id.is_not(None))
                                     .order_by(Visit.id).limit(2)))
    if len(visits) >= 2:
        return visits
    tech = db.session.scalar(select(Technician).order_by(Technician.id))
    devices = list(db.session.scalars(select(Device).where(Device.parent_device_id.is_(None))
                                      .order_by(Device.id).limit(2 - len(visits))))
    if tech is None:
        return visits
    now = clock.now()
    for device in devices:
        pack = db.session.scalar(select(Pack).where(Pack.device_id == device.id,
                                                    Pack.support_pack_id.is_not(None)))
        call = RepairCall(device_id=device.id, pack_id=pack.id if pack else None,
                          serial=device.serial,
                          support_pack_id=pack.support_pack_id if pack else "DEMO",
                          received_at=now, symptom="印刷がかすれる（デモ）",
                          decision=Decision.SAME_DAY, service_date=today,
                          status=CallStatus.SCHEDULED,
                          created_at=now, codes=[])
        db.session.add(call)
        db.session.flush()
        visits.append(Visit(call_id=call.id, service_date=today, technician_id=tech.id,
                            sequence=len(visits) + 1, status=VisitStatus.ARRIVED, drop_codes=[]))
        db.session.add(visits[-1])
    return visits


def _times(today: date) -> tuple[str, str]:
    """10:05–11:20 on the demo day, or earlier when the demo is built before then: a visit
    cannot end after the signature that confirms it (rules.md §7)."""
    departed = datetime.combine(today, time(11, 20), TOKYO)
    now = clock.to_tokyo(clock.now())
    if now < departed:
        departed = max(now, datetime.combine(today, time(0, 2), TOKYO))
    arrived = max(departed - timedelta(minutes=75), datetime.combine(today, time(0, 0), TOKYO))
    return arrived.isoformat(), departed.isoformat()


def _payload(today: date, attendee: str, result: str) -> dict:
    arrived, departed = _times(today)
    return {"arrived_at": arrived, "departed_at": departed,
            "work_done": "定着器ユニットを交換し、テスト印刷で正常動作を確認しました。",
            "result": result,
            "parts": [{"part_no": "44472603", "qty": 1, "condition": "new",
                       "removed_returned": True}],
            "technical_changes": [], "data_initialized": False, "counter_reading": 48210,
            "attendee_name": attendee}


def load(today: date) -> None:
    """Create a signed report and a draft once (nothing if reports already exist)."""
    if db.session.scalar(select(WorkReport.id).limit(1)) is not None:
        return
    with unit_of_work():
        visits = _demo_visits(today)
    for index, visit in enumerate(visits):
        site = visit.call.device.site if visit.call.device else None
        attendee = site.manager_name if site else "ご担当者"
        with unit_of_work():
            saved = reporting.save_report(visit.id, _payload(today, attendee, Result.RESOLVED),
                                          DEMO)
        if index == 0:
            image = "data:image/png;base64," + base64.b64encode(signature_png()).decode()
            with unit_of_work():
                reporting.sign_report(saved["id"], attendee, image, DEMO)
