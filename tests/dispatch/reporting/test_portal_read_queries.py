"""The portal reads in constant statements (issue 18): a manager with 50 devices, each with
its packs, a signed follow_up report and the follow-up visit, costs the page as many SQL
statements as one with 5 (packs in bulk for the coverage rules, no per-row lazy loads)."""

from __future__ import annotations

from datetime import date

from conftest import PASSWORD
from read_counting import statements
from reporting_rows import NOW

from dispatch.extensions import db
from dispatch.models import (
    Customer,
    Device,
    NonConformity,
    Pack,
    PrinterModel,
    RepairCall,
    Site,
    Visit,
)
from dispatch.models import WorkReport as ReportRow

SMALL, LARGE = 5, 50
MANAGER = "sato@example.co.jp"
HOURS = {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:30",
         "closed_on_holidays": True}


def _models() -> tuple[PrinterModel, PrinterModel]:
    printer = PrinterModel(code="C844dnw", name="COREFIDO C844dnw", series="COREFIDO",
                           kind="printer", lifetime_years=7, warranty_months=60,
                           print_limit=600_000, packs_offered=["std5"])
    option = PrinterModel(code="N36", name="増設トレイ N36", series="COREFIDO", kind="option",
                          lifetime_years=7, warranty_months=60, print_limit=None,
                          packs_offered=["std5"])
    db.session.add_all([printer, option])
    return printer, option


def _device(site: Site, model: PrinterModel, serial: str, parent: Device | None) -> Device:
    device = Device(serial=serial, model=model, site=site, parent=parent,
                    purchase_date=date(2026, 4, 10))
    pack = Pack(device=device, product="std5", purchased_on=date(2026, 4, 10),
                support_hours=HOURS, status="registered", support_pack_id=f"SP{serial}",
                coverage_start=date(2026, 4, 10), coverage_end=date(2031, 4, 9),
                price_yen=48_000, created_at=NOW)
    db.session.add_all([device, pack])
    return device


def _report(device: Device, tech_id: int | None, n: int) -> ReportRow:
    """A visit signed `follow_up` and the follow-up visit it created."""
    call = RepairCall(device=device, serial=device.serial, support_pack_id=f"SP{device.serial}",
                      received_at=NOW, symptom="紙詰まり",
                      decision="same_day", service_date=date(2026, 11, 26),
                      status="scheduled", created_at=NOW, codes=[])
    db.session.add(call)
    db.session.flush()
    visit = Visit(call_id=call.id, service_date=date(2026, 11, 26), status="done",
                  drop_codes=[])
    db.session.add(visit)
    db.session.flush()
    db.session.add(Visit(call_id=call.id, service_date=date(2026, 11, 27), status="planned",
                         technician_id=tech_id, follow_up_of_id=visit.id, drop_codes=[]))
    row = ReportRow(visit_id=visit.id, status="signed", signed_at=NOW, updated_at=NOW,
                    content={"site_name": "本社", "device_serial": device.serial,
                             "result": "follow_up"}, seal_hash=f"{n:064x}")
    db.session.add(row)
    return row


def _add(site: Site, models, start: int, count: int) -> None:
    printer, option = models
    for n in range(start, start + count):
        # Every other device is an option on the printer before it (coverage reads both).
        parent = db.session.query(Device).filter_by(serial=f"AK{n - 1:08d}").one() \
            if n % 2 else None
        device = _device(site, option if parent else printer, f"AK{n:08d}", parent)
        row = _report(device, None, n)
        if n == 0:  # one claim with a rework call, so the claims' second read runs too
            db.session.flush()
            claim = NonConformity(report_id=row.id, description="再発", reported_at=NOW,
                                  status="open", codes=[])
            db.session.add(claim)
            db.session.flush()
            db.session.add(RepairCall(device=device, serial=device.serial, received_at=NOW,
                                      support_pack_id=f"SP{device.serial}",
                                      symptom="再作業", decision="same_day",
                                      service_date=date(2026, 11, 27), status="scheduled",
                                      created_at=NOW, codes=[],
                                      non_conformity_id=claim.id))
    db.session.flush()


def _count(client) -> tuple[int, str]:
    db.session.expire_all()  # every row read again: lazy loads would show per device
    with statements() as seen:
        page = client.get("/customer/")
    assert page.status_code == 200
    return len(seen), page.get_data(as_text=True)


def test_portal_takes_the_same_statements_for_5_and_50_devices_and_reports(
        app, client, make_user):
    customer = Customer(name="株式会社テスト商事", created_at=NOW)
    site = Site(customer=customer, name="本社", address="東京都千代田区丸の内1-1-1",
                manager_name="佐藤 花子", manager_email=MANAGER, lat=35.684, lon=139.764)
    db.session.add_all([customer, site])
    models = _models()
    make_user("site_manager", MANAGER)
    client.post("/login", data={"email": MANAGER, "password": PASSWORD})
    _add(site, models, 0, SMALL)
    small, html = _count(client)
    assert html.count('class="follow-up follow-up-scheduled"') == SMALL
    _add(site, models, SMALL, LARGE - SMALL)
    large, html = _count(client)
    assert html.count('class="follow-up follow-up-scheduled"') == LARGE
    # each device covered, its cap one year of its own 5-year pack (48,000 ÷ 5)
    assert html.count("9,600 円") == LARGE
    assert small == large
