"""Time the KPI figures (rules.md §10) over a synthetic year.

    python benchmarks/kpi_bench.py sqlite:////tmp/kpi.sqlite3 20000
    python benchmarks/kpi_bench.py postgresql+psycopg://postgres@127.0.0.1/kpibench 20000

The database is emptied first. N calls over 2026 across 5 bases and 50 technicians; every
onsite call has a visit and a report; one current plan a day.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime

from sqlalchemy import text

from dispatch import create_app
from dispatch.extensions import db
from dispatch.models import (
    Customer,
    Device,
    Plan,
    PrinterModel,
    RepairCall,
    ServiceBase,
    Site,
    Technician,
    Visit,
    WorkReport,
)
from dispatch.services.kpi.figures import kpis

START = datetime(2026, 1, 1, tzinfo=UTC)


def build(n: int, rnd: random.Random) -> None:
    bases = [ServiceBase(code=f"B{i}", name=f"b{i}", lat=35, lon=139, service_radius_km=150,
                         same_day_radius_km=60) for i in range(5)]
    model = PrinterModel(code="M", name="M", series="COREFIDO", kind="printer",
                         lifetime_years=7, warranty_months=60, packs_offered=["std1"])
    techs = [Technician(name=f"t{i}", email=f"t{i}@x", base=bases[i % 5], shift_start=dtime(8),
                        shift_end=dtime(17), skills=["COREFIDO"]) for i in range(50)]
    customer = Customer(name="c", created_at=START)
    site = Site(customer=customer, name="s", address="a", manager_name="m")
    devices = [Device(serial=f"S{i:07d}", model=model, site=site, purchase_date=date(2025, 1, 1))
               for i in range(max(1, n // 4))]
    db.session.add_all([*bases, model, *techs, customer, site, *devices])
    db.session.flush()
    for d in range(365):
        routes = [{"technician_id": t.id, "distance_m": rnd.randint(5000, 90000)} for t in techs]
        db.session.add(Plan(service_date=date(2026, 1, 1) + timedelta(days=d), created_at=START,
                            problem={}, is_current=True, solution={"routes": routes}))
    calls = []
    for _ in range(n):
        at = START + timedelta(minutes=rnd.randint(0, 365 * 24 * 60))
        codes = rnd.sample(["AFTER_CUTOFF", "PARTS_REQUIRED", "REMOTE_ISLAND"], rnd.randint(0, 2))
        calls.append(RepairCall(
            device_id=rnd.choice(devices).id, serial="S", support_pack_id="SP", received_at=at,
            symptom="x", decision=rnd.choice(["same_day", "next_business_day", "phone_only"]),
            service_date=at.date(), status="done", codes=codes, created_at=at))
    db.session.add_all(calls)
    db.session.flush()
    visits = [Visit(call_id=c.id, service_date=c.received_at.date(), status="done",
                    technician_id=rnd.choice(techs).id, drop_codes=[])
              for c in calls if c.decision != "phone_only"]
    db.session.add_all(visits)
    db.session.flush()
    db.session.add_all([WorkReport(
        visit_id=v.id, status=rnd.choice(["signed", "signed", "refused"]), updated_at=START,
        signed_at=START, content={
            "result": rnd.choice(["resolved", "resolved", "follow_up"]),
            "arrived_at": datetime.combine(v.service_date, dtime(3), UTC).isoformat()})
        for v in visits])
    db.session.commit()


def main(url: str, n: int) -> None:
    app = create_app({"TESTING": True, "DISPATCH_ENV": "test", "SQLALCHEMY_DATABASE_URI": url,
                      "SECRET_KEY": "x" * 40, "DISPATCH_QUEUE_IMMEDIATE": "1"})
    with app.app_context():
        from flask_migrate import upgrade

        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        build(n, random.Random(1))
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:  # what autovacuum does after a bulk load
                conn.execute(text("ANALYZE"))
        for label, args in [("year, all bases", (date(2026, 1, 1), date(2026, 12, 31), None)),
                            ("year, one base", (date(2026, 1, 1), date(2026, 12, 31), "B1")),
                            ("one month", (date(2026, 6, 1), date(2026, 6, 30), None))]:
            started = time.perf_counter()
            out = kpis(*args)
            print(f"{db.engine.dialect.name} n={n} {label}: "
                  f"{time.perf_counter() - started:.2f} s (calls={out['calls']})")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
