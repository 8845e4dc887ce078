"""A small, hand-countable history of calls, visits, reports and plans for the KPI tests.

Written as rows (intake, the planner and signing are tested elsewhere). Times are JST.

call received decision           base first visit        report (arrived at)
C1   11-02 10:00 same_day    TKY  11-02 done         signed resolved (11-02 11:30)
C2   11-02 11:00 same_day    TKY  11-03 done, moved  signed follow_up (11-03 09:00)
                                  + follow-up visit 11-05, no report
C3   11-04 09:00 next_business_day OSA 11-05 done    refused (11-05 10:00)
C4   11-01 00:30 phone_only  —    none
C5   11-10 10:30 same_day, cancelled — none
C6   12-01 10:00 same_day    OSA  12-01 arrived      signed resolved (12-01 10:45)
C7   11-20 10:00 next_business_day —  none  (C1's device again: rework of C1)
C8   10-31 23:50 phone_only  —    none  (outside the range)
Plans (current): 11-02 TKY route 12 000 m serving C1's visit; 12-01 OSA route 30 500 m
serving C6's visit; an older 11-02 plan (not current) of 99 999 m.
Applications flagged for the SLA: 11-12 (in range) and 10-20 (outside).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from dispatch.clock import TOKYO
from dispatch.extensions import db
from dispatch.models import (
    Application,
    Customer,
    Device,
    Pack,
    Plan,
    PrinterModel,
    RepairCall,
    ServiceBase,
    Site,
    Technician,
    Visit,
    WorkReport,
)

NOW = datetime(2026, 10, 1, tzinfo=UTC)


def jst(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TOKYO)


def build() -> dict[str, Any]:
    """Store the history above; returns the ids the tests refer to."""
    tky = ServiceBase(code="TKY", name="東京サービスセンター", lat=35.68, lon=139.77,
                      service_radius_km=150, same_day_radius_km=60)
    osa = ServiceBase(code="OSA", name="大阪サービスセンター", lat=34.70, lon=135.50,
                      service_radius_km=150, same_day_radius_km=60)
    model = PrinterModel(code="C844dnw", name="COREFIDO C844dnw", series="COREFIDO",
                         kind="printer", lifetime_years=7, warranty_months=60,
                         print_limit=600_000, packs_offered=["std5"])
    techs = {b.code: Technician(name=f"技術者 {b.code}", email=f"{b.code.lower()}@oxt.example.jp",
                                base=b, shift_start=time(8, 30), shift_end=time(17, 30),
                                skills=["COREFIDO"]) for b in (tky, osa)}
    customer = Customer(name="株式会社テスト商事", created_at=NOW)
    site = Site(customer=customer, name="本社", address="東京都千代田区丸の内1-1-1",
                manager_name="佐藤 花子", manager_email="sato@example.co.jp")
    d1 = Device(serial="AK00000001", model=model, site=site, purchase_date=date(2026, 4, 10))
    d2 = Device(serial="AK00000002", model=model, site=site, purchase_date=date(2026, 4, 10))
    pack = Pack(device=d2, product="std5", purchased_on=date(2026, 4, 10),
                support_hours={"days": ["mon"], "start": "09:00", "end": "17:30",
                               "closed_on_holidays": True},
                status="applied", created_at=NOW)
    db.session.add_all([tky, osa, model, *techs.values(), customer, site, d1, d2, pack])

    def call(received: datetime, decision: str, device: Device = d2, status: str = "done",
             codes: list[str] | None = None) -> RepairCall:
        row = RepairCall(device=device, serial=device.serial, support_pack_id="SP1",
                         received_at=received, symptom="紙詰まり", decision=decision,
                         service_date=received.date(), status=status, codes=codes or [],
                         created_at=received)
        db.session.add(row)
        db.session.flush()
        return row

    def visit(c: RepairCall, day: date, base: str, status: str,
              follow_up_of: Visit | None = None, plan: Plan | None = None) -> Visit:
        row = Visit(call_id=c.id, service_date=day, technician_id=techs[base].id,
                    status=status, drop_codes=[], plan_id=plan.id if plan else None,
                    follow_up_of_id=follow_up_of.id if follow_up_of else None)
        db.session.add(row)
        db.session.flush()
        return row

    def report(v: Visit, status: str, result: str, arrived: datetime,
               signed: datetime | None = None) -> None:
        db.session.add(WorkReport(visit_id=v.id, status=status, updated_at=arrived,
                                  content={"result": result, "arrived_at": arrived.isoformat()},
                                  signed_at=signed))

    def plan(day: date, base: str, metres: int, current: bool = True) -> Plan:
        row = Plan(service_date=day, created_at=NOW, problem={}, is_current=current,
                   solution={"routes": [{"technician_id": techs[base].id,
                                         "distance_m": metres}]})
        db.session.add(row)
        db.session.flush()
        return row

    db.session.flush()
    plan(date(2026, 11, 2), "TKY", 99_999, current=False)
    p1102, p1201 = plan(date(2026, 11, 2), "TKY", 12_000), plan(date(2026, 12, 1), "OSA", 30_500)
    c1 = call(jst(11, 2, 10), "same_day", device=d1)
    report(visit(c1, date(2026, 11, 2), "TKY", "done", plan=p1102), "signed", "resolved",
           jst(11, 2, 11, 30), signed=jst(11, 2, 12))
    c2 = call(jst(11, 2, 11), "same_day", status="scheduled")
    v2 = visit(c2, date(2026, 11, 3), "TKY", "done")
    report(v2, "signed", "follow_up", jst(11, 3, 9), signed=jst(11, 3, 10))
    visit(c2, date(2026, 11, 5), "TKY", "planned", follow_up_of=v2)
    c3 = call(jst(11, 4, 9), "next_business_day", status="scheduled",
              codes=["OUTSIDE_SAME_DAY_AREA"])
    report(visit(c3, date(2026, 11, 5), "OSA", "done"), "refused", "resolved", jst(11, 5, 10))
    call(jst(11, 1, 0, 30), "phone_only", status="resolved_by_phone", codes=["REMOTE_ISLAND"])
    call(jst(11, 10, 10, 30), "same_day", status="cancelled")
    c6 = call(jst(12, 1, 10), "same_day")
    report(visit(c6, date(2026, 12, 1), "OSA", "arrived", plan=p1201), "signed", "resolved",
           jst(12, 1, 10, 45), signed=jst(12, 1, 11))
    call(jst(11, 20, 10), "next_business_day", device=d1, status="open",
         codes=["PARTS_REQUIRED"])
    call(jst(10, 31, 23, 50), "phone_only", status="resolved_by_phone", codes=["REMOTE_ISLAND"])
    for flagged in (date(2026, 11, 12), date(2026, 10, 20)):
        db.session.add(Application(pack=pack, channel="web", applied_on=date(2026, 10, 1),
                                   consent_service_spec=True, consent_privacy=True,
                                   consent_antisocial_declaration=True, status="applied",
                                   sla_breached_on=flagged, created_at=NOW))
    db.session.flush()
    return {"tky": tky.id, "osa": osa.id}
