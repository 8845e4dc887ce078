"""Rows for report tests: a repair call and its visit assigned to a technician.

Intake and the planner are built elsewhere, so these tests write the rows directly.
"""

from __future__ import annotations

import base64
import io
import struct
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select

from dispatch.extensions import db
from dispatch.models import (
    Customer,
    Device,
    Pack,
    PrinterModel,
    RepairCall,
    ServiceBase,
    Site,
    Technician,
    Visit,
)

NOW = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)


@dataclass
class VisitIds:
    visit_id: int
    call_id: int
    technician_id: int
    site_id: int
    serial: str


def _base() -> ServiceBase:
    base = db.session.scalar(select(ServiceBase).where(ServiceBase.code == "TKY"))
    if base is None:
        base = ServiceBase(code="TKY", name="東京サービスセンター", lat=35.68, lon=139.77,
                           service_radius_km=150, same_day_radius_km=60)
        db.session.add(base)
    return base


def _model() -> PrinterModel:
    model = db.session.scalar(select(PrinterModel).where(PrinterModel.code == "C844dnw"))
    if model is None:
        model = PrinterModel(code="C844dnw", name="COREFIDO C844dnw", series="COREFIDO",
                             kind="printer", lifetime_years=7, warranty_months=60,
                             print_limit=600_000, packs_offered=["std5"])
        db.session.add(model)
    return model


def _technician(email: str, name: str) -> Technician:
    tech = db.session.scalar(select(Technician).where(Technician.email == email))
    if tech is None:
        tech = Technician(name=name, email=email, base=_base(), shift_start=time(8, 30),
                          shift_end=time(17, 30), skills=["COREFIDO"])
        db.session.add(tech)
    return tech


def make_visit(serial: str = "AK10000001", tech_email: str = "suzuki@oxt.example.jp",
               manager_email: str = "sato@example.co.jp", service_date: date = date(2026, 11, 26),
               support_hours: dict[str, Any] | None = None, tech_name: str = "鈴木 一郎",
               commit: bool = False) -> VisitIds:
    """A customer, site, device, pack, call and a planned visit of `tech_email`."""
    customer = Customer(name="株式会社テスト商事", created_at=NOW)
    site = Site(customer=customer, name="本社 3階 総務部", address="東京都千代田区丸の内1-1-1",
                manager_name="佐藤 花子", manager_email=manager_email, lat=35.684, lon=139.764)
    device = Device(serial=serial, model=_model(), site=site, purchase_date=date(2026, 4, 10))
    hours = support_hours or {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00",
                              "end": "17:30", "closed_on_holidays": True}
    pack = Pack(device=device, product="std5", purchased_on=date(2026, 4, 10),
                support_hours=hours, status="registered", support_pack_id=f"SP{serial}",
                coverage_start=date(2026, 4, 10), coverage_end=date(2031, 4, 9), created_at=NOW)
    call = RepairCall(device=device, serial=serial, support_pack_id=f"SP{serial}",
                      received_at=NOW, symptom="用紙が詰まる", decision="same_day",
                      service_date=service_date, status="scheduled", created_at=NOW, codes=[])
    tech = _technician(tech_email, tech_name)
    db.session.add_all([customer, site, device, pack, call])
    db.session.flush()
    call.pack_id = pack.id
    visit = Visit(call_id=call.id, service_date=service_date, technician_id=tech.id,
                  sequence=1, status="arrived", drop_codes=[])
    db.session.add(visit)
    db.session.flush()
    ids = VisitIds(visit.id, call.id, tech.id, site.id, serial)
    if commit:
        db.session.commit()
    return ids


# A visit over before NOW (10:00 JST): for tests whose clock stands at NOW when signing,
# since a signature cannot come before the departure it certifies.
BEFORE_NOW = {"arrived_at": "2026-11-26T08:40:00+09:00",
              "departed_at": "2026-11-26T09:50:00+09:00"}


def report_payload(**over: Any) -> dict[str, Any]:
    """A complete §9.1 report payload."""
    payload: dict[str, Any] = {
        "arrived_at": "2026-11-26T10:05:00+09:00",
        "departed_at": "2026-11-26T11:20:00+09:00",
        "work_done": "給紙ローラーを交換し、印刷テストで正常動作を確認しました。",
        "result": "resolved",
        "parts": [{"part_no": "45531503", "qty": 1, "condition": "new",
                   "removed_returned": True}],
        "technical_changes": ["ファームウェア更新 v1.2"],
        "data_initialized": False,
        "counter_reading": 123456,
        "attendee_name": "佐藤 花子",
    }
    payload.update(over)
    return payload


def tiny_png(width: int = 4, height: int = 2, shade: int = 0) -> bytes:
    """A valid RGB PNG of the given size."""
    row = b"\x00" + bytes([shade, shade, shade]) * width
    raw = row * height

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


def data_url(png: bytes | None = None) -> str:
    return "data:image/png;base64," + base64.b64encode(png or tiny_png()).decode()


def photo_jpeg(width: int = 320, height: int = 240, shade: int = 90) -> bytes:
    """A photo-like JPEG: a gradient, so that each shade gives other bytes."""
    from PIL import Image  # only the photo tests need Pillow here

    image = Image.new("RGB", (width, height))
    image.putdata([((x * 255) // width, shade, (y * 255) // height)
                   for y in range(height) for x in range(width)])
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


def photo_url(data: bytes | None = None, mime: str = "image/jpeg") -> str:
    """A photo as the tablet sends it: a data URL."""
    return f"data:{mime};base64," + base64.b64encode(data or photo_jpeg()).decode()
