"""Demo repair calls for today: one or more in every decision of rules.md §5.

Calls need registered packs. Pack registration is another area; devices of the demo that
hold no registered pack get one here, written as rows (a well-formed support pack ID drawn
from the serial, so it is the same every run).
Safe to run twice: packs are added only where missing and calls carry idempotency keys.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from dispatch import clock
from dispatch.domain.call_status import CallStatus
from dispatch.domain.periods import period_last_day
from dispatch.domain.products import PackStatus
from dispatch.domain.support_hours import STANDARD
from dispatch.domain.support_pack_id import make_id
from dispatch.extensions import db
from dispatch.models import Device, Pack
from dispatch.services.intake import call_handling
from dispatch.services.intake import calls as intake
from dispatch.services.trust.audit import Actor
from dispatch.services.unit_of_work import unit_of_work

DEMO = Actor(label="demo")
CALLS = [
    # device index (None: an unknown serial), Tokyo time, symptom, parts, resolve by phone
    (0, time(9, 30), "印刷に縦すじが入る", False, False),  # Marunouchi → same day
    (3, time(9, 45), "給紙エラー（トレイ2）が頻発", False, False),  # Osaka → same day
    (2, time(10, 15), "定着器から異音、交換部品が必要", True, False),  # parts → next day
    (5, time(10, 40), "電源が入らない（電話で復旧）", False, True),  # resolved by phone
    (6, time(11, 0), "紙詰まりが解消しない", False, False),  # Sado → phone only
    (None, time(13, 20), "シリアル番号不明の問い合わせ", False, False),  # → not covered
    (1, time(15, 30), "トナーが認識されない", False, False),  # after the cutoff → next day
]


def load(today: date) -> None:
    """Give demo devices registered packs if they have none, then take today's calls."""
    devices = list(db.session.scalars(
        select(Device).where(Device.parent_device_id.is_(None)).order_by(Device.id)
    ))
    device: Device | None
    with unit_of_work():
        for device in devices:
            _ensure_registered_pack(device, today)
    for n, (index, at, symptom, parts, resolve) in enumerate(CALLS):
        device = devices[index] if index is not None and index < len(devices) else None
        serial = device.serial if device else "AK99999999"
        with unit_of_work():  # as at the desk: taking the call, then resolving it
            call = intake.take_repair_call({
                "serial": serial, "support_pack_id": _pack_id_of(device) or _demo_id("unknown"),
                "received_at": datetime.combine(today, at, tzinfo=clock.TOKYO),
                "symptom": symptom, "print_count": None, "parts_required": parts,
            }, f"demo-intake-{today.isoformat()}-{n}", DEMO)
        if resolve and call.status == CallStatus.OPEN:
            with unit_of_work():
                call_handling.resolve_by_phone(call.id, DEMO)


def _demo_id(seed: str) -> str:
    # IDs failing their check character are refused at intake (rules.md §5).
    return make_id(random.Random(seed).choice)


def _pack_id_of(device: Device | None) -> str | None:
    if device is None:
        return None
    return db.session.scalar(select(Pack.support_pack_id).where(
        Pack.device_id == device.id, Pack.status == PackStatus.REGISTERED)
        .order_by(Pack.id).limit(1))


def _ensure_registered_pack(device: Device, today: date) -> None:
    if _pack_id_of(device) is not None:
        return
    start = device.effective_purchase_date
    end = period_last_day(start, years=3)
    completed = min(start + timedelta(days=14), today)
    db.session.add(Pack(
        device_id=device.id, product="std3", purchased_on=start, received_on=start,
        support_hours=STANDARD.to_payload(), status=PackStatus.REGISTERED,
        support_pack_id=_demo_id(device.serial), nominal_start=start, uncapped_end=end,
        continuous=False, coverage_start=completed, coverage_end=end,
        status_changed_on=completed, created_at=clock.now(),
    ))
