"""Rows for the trust tests: a customer with a site, a device, a pack, a call, a visit and
a sealed work report. Intake, planning and reporting are built elsewhere, so the rows are
written directly; the report is sealed with reports.sealing.seal_report and stored in the
form the reporting service uses (content: payload + context, personal: digest + salt)."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from conftest import PASSWORD
from PIL import Image, ImageDraw
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
    User,
    Visit,
    WorkReport,
)
from reports.content import SignedContent
from reports.document import report_from_payload
from reports.keys import generate_signing_key
from reports.personal import Commitment
from reports.sealing import GENESIS_HASH, Seal, seal_report

NOW = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)
HOURS = {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:30",
         "closed_on_holidays": True}


@dataclass
class World:
    customer: Customer
    site: Site
    device: Device
    pack: Pack
    call: RepairCall
    visit: Visit
    report: WorkReport | None = None


def model(lifetime_years: int = 7) -> PrinterModel:
    code = f"M{lifetime_years}"
    row = db.session.scalar(select(PrinterModel).where(PrinterModel.code == code))
    if row is None:
        row = PrinterModel(code=code, name=f"COREFIDO {code}", series="COREFIDO", kind="printer",
                           lifetime_years=lifetime_years, warranty_months=12, print_limit=None,
                           packs_offered=["std5"])
        db.session.add(row)
    return row


def technician() -> Technician:
    tech = db.session.scalar(select(Technician).where(Technician.email == "suzuki@oxt.example.jp"))
    if tech is None:
        base = ServiceBase(code="TKY", name="東京", lat=35.68, lon=139.77,
                           service_radius_km=150, same_day_radius_km=60)
        tech = Technician(name="鈴木 一郎", email="suzuki@oxt.example.jp", base=base,
                          shift_start=time(8, 30), shift_end=time(17, 30), skills=["COREFIDO"])
        db.session.add(tech)
    return tech


def make_world(serial: str = "AK10000001", manager_email: str = "sato@example.co.jp",
               purchase: date = date(2026, 4, 10), coverage_end: date | None = date(2031, 4, 9),
               service_date: date = date(2026, 11, 26), lifetime_years: int = 7) -> World:
    """Customer → site → device → registered pack → open call → planned visit."""
    customer = Customer(name="山田 太郎", email="yamada@example.jp", phone="03-1234-5678",
                        created_at=NOW)
    site = Site(customer=customer, name="山田商事 本社", address="東京都千代田区丸の内1-1-1",
                manager_name="佐藤 花子", manager_email=manager_email, lat=35.684, lon=139.764)
    device = Device(serial=serial, model=model(lifetime_years), site=site, purchase_date=purchase)
    pack = Pack(device=device, product="std5", purchased_on=purchase, support_hours=HOURS,
                status="registered" if coverage_end else "purchased",
                support_pack_id=f"SP-{serial}", coverage_start=purchase if coverage_end else None,
                coverage_end=coverage_end, created_at=NOW)
    call = RepairCall(device=device, serial=serial, support_pack_id=f"SP-{serial}",
                      received_at=NOW, symptom="紙詰まり", decision="same_day",
                      service_date=service_date, status="scheduled", created_at=NOW)
    db.session.add_all([customer, site, device, pack, call])
    db.session.flush()
    pack_id = pack.id
    call.pack_id = pack_id
    visit = Visit(call=call, service_date=service_date, technician=technician(),
                  status="planned", sequence=1)
    db.session.add(visit)
    db.session.flush()
    return World(customer, site, device, pack, call, visit)


def signature_png() -> bytes:
    image = Image.new("RGBA", (200, 80), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(10, 40), (60, 20), (120, 60), (190, 30)], fill="navy", width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


PAYLOAD = {
    "arrived_at": "2026-11-26T10:05:00+09:00", "departed_at": "2026-11-26T11:40:00+09:00",
    "work_done": "定着器ユニットを交換", "result": "resolved", "parts": [],
    "technical_changes": [], "data_initialized": False, "counter_reading": 1200,
    "attendee_name": "佐藤 花子", "exclusion_cause": None,
}


def seal_world_report(world: World, key: Any = None) -> tuple[WorkReport, Any]:
    """Seal the visit's report with seal_report and store it like the reporting service."""
    key = key or generate_signing_key()
    row = WorkReport(visit=world.visit, status="draft", content={}, updated_at=NOW)
    db.session.add(row)
    db.session.flush()
    context = {"report_id": str(row.id), "visit_id": str(world.visit.id),
               "call_id": str(world.call.id), "device_serial": world.device.serial,
               "device_model": world.device.model.name, "site_name": world.site.name,
               "site_address": world.site.address, "customer_name": "山田商事",
               "support_pack_id": world.call.support_pack_id, "technician_name": "鈴木 一郎"}
    value = report_from_payload(PAYLOAD, **context)
    png = signature_png()
    content, seal = seal_report(value, "佐藤 花子", png, key, GENESIS_HASH, NOW)
    row.content = {**context, **PAYLOAD}
    row.personal = {name: {"digest": c.digest, "salt": base64.b64encode(c.salt).decode()}
                    for name, c in content.commitments.items()}
    row.signer_name, row.signature_png = "佐藤 花子", png
    row.status, row.signed_at = "signed", NOW
    row.seal, row.seal_hash, row.chain_index = seal.to_dict(), seal.seal_hash, 1
    db.session.flush()
    world.report = row
    return row, key


def signed_content_of(row: WorkReport) -> SignedContent:
    """What the seal covers, read back from the row (erased names come back as None)."""
    content = row.content
    payload = {k: content[k] for k in PAYLOAD}
    erased = payload["attendee_name"] is None
    if erased:
        payload["attendee_name"] = "-"
    context = {k: content[k] for k in content if k not in PAYLOAD}
    value = report_from_payload(payload, **context)
    if erased:
        value = replace(value, attendee_name=None)
    commitments = {n: Commitment(i["digest"], base64.b64decode(i["salt"]) if i["salt"] else None)
                   for n, i in row.personal.items()}
    return SignedContent(value, row.signer_name, commitments)


def seal_of(row: WorkReport) -> Seal:
    return Seal.from_dict(row.seal)


def manager_user(email: str = "sato@example.co.jp") -> User:
    return db.session.scalar(select(User).where(User.email == email))



@pytest.fixture
def login_as(app, make_user):
    """login_as(role) → a fresh test client with a session of a new user of that role."""

    def login(role: str, email: str | None = None):
        email, _ = make_user(role, email)
        client = app.test_client()
        response = client.post("/login", data={"email": email, "password": PASSWORD})
        assert response.status_code == 302, response.status_code
        return client

    return login
