"""A national dispatch day end to end through the service layer on a real database.

    PYTHONPATH=. python benchmarks/day_bench.py \
        postgresql+psycopg://postgres@127.0.0.1:5432/day_bench --seconds 20

Resets the database schema (migrations), seeds 20 bases across Japan, 200 technicians and
2,000 onsite calls with their visits, times plan_day (load rows, build the problem, solve,
store the plan, write every visit back), then times the insertion of one new same-day call.
Targets: plan <= 30 s with every feasible same-day visit assigned; insertion <= 1 s.

A day far over capacity (tests/dispatch/day/test_planning.py checks what it plans, this
measures how fast): --techs-per-base 2 --visits-per-base 150 --seconds 2.
"""

from __future__ import annotations

import argparse
import math
import random
import time
from collections import Counter
from datetime import UTC, date, datetime
from datetime import time as clock_time

from sqlalchemy import text

from dispatch import create_app
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
from dispatch.services.day import planning, replanning
from dispatch.services.trust.audit import SYSTEM
from dispatch.services.unit_of_work import unit_of_work

DAY = date(2026, 12, 1)  # a Tuesday
NOW = datetime(2026, 11, 30, 23, 0, tzinfo=UTC)
BASES = {
    "SPK": (43.0618, 141.3545), "SDJ": (38.2682, 140.8694), "KIJ": (37.9161, 139.0364),
    "UTN": (36.5551, 139.8828), "SIT": (35.8617, 139.6455), "TKY": (35.6812, 139.7671),
    "YOK": (35.4437, 139.6380), "CHB": (35.6074, 140.1065), "SZO": (34.9756, 138.3828),
    "NGO": (35.1815, 136.9066), "KNZ": (36.5613, 136.6562), "KYO": (35.0116, 135.7681),
    "OSA": (34.6937, 135.5023), "UKB": (34.6901, 135.1955), "OKJ": (34.6551, 133.9195),
    "HIJ": (34.3853, 132.4553), "TAK": (34.3428, 134.0466), "MYJ": (33.8392, 132.7657),
    "FUK": (33.5904, 130.4017), "KOJ": (31.5966, 130.5571),
}
STANDARD = {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:30",
            "closed_on_holidays": True}
MORNING = {"days": ["mon", "tue", "wed", "thu", "fri", "sat"], "start": "09:00",
           "end": "12:00", "closed_on_holidays": True}


def around(rng: random.Random, centre: tuple[float, float], radius_km: float):
    distance = abs(rng.gauss(0, radius_km / 2))
    angle = rng.uniform(0, 2 * math.pi)
    lat = centre[0] + distance * math.cos(angle) / 111.0
    lon = centre[1] + distance * math.sin(angle) / (111.0 * math.cos(math.radians(centre[0])))
    return round(lat, 5), round(lon, 5)


def seed(rng: random.Random, techs_per_base: int, visits_per_base: int) -> None:
    models = [PrinterModel(code=f"{s}-{m}", name=f"{s} {m}", series=s, kind="printer",
                           lifetime_years=7, warranty_months=60, print_limit=None,
                           packs_offered=["std1"], service_minutes=m)
              for s in ("COREFIDO", "VINCI") for m in (30, 45, 60)]
    db.session.add_all(models)
    n = 0
    for code, centre in BASES.items():
        base = ServiceBase(code=code, name=code, lat=centre[0], lon=centre[1],
                           service_radius_km=150, same_day_radius_km=60)
        db.session.add(base)
        db.session.flush()
        for k in range(techs_per_base):
            skills = ["COREFIDO", "VINCI"] if k % 2 == 0 else ["COREFIDO"]
            db.session.add(Technician(name=f"{code}-{k}", email=f"{code}{k}@oxt.example.jp",
                                      base_id=base.id, shift_start=clock_time(8, 30),
                                      shift_end=clock_time(17, 30), skills=skills))
        for _ in range(visits_per_base):
            n += 1
            add_call(rng, n, centre, rng.choice(models))
        db.session.flush()
    db.session.commit()


def add_call(rng: random.Random, n: int, centre, model: PrinterModel,
             decision: str | None = None) -> Visit:
    lat, lon = around(rng, centre, 16.0)
    customer = Customer(name=f"顧客{n}", created_at=NOW)
    site = Site(customer=customer, name=f"設置場所{n}", address=f"住所{n}", lat=lat, lon=lon,
                manager_name="担当", manager_email=f"m{n}@example.jp")
    device = Device(serial=f"SN{n:08d}", model=model, site=site, purchase_date=date(2026, 1, 1))
    pack = Pack(device=device, product="std1", purchased_on=date(2026, 1, 1),
                support_hours=MORNING if rng.random() < 0.15 else STANDARD,
                status="registered", support_pack_id=f"SP{n:08d}", created_at=NOW)
    decision = decision or ("same_day" if rng.random() < 0.4 else "next_business_day")
    call = RepairCall(device=device, serial=device.serial, support_pack_id=f"SP{n:08d}",
                      received_at=NOW, symptom="印字不良", decision=decision, service_date=DAY,
                      codes=[], status="scheduled", created_at=NOW)
    db.session.add_all([customer, site, device, pack, call])
    db.session.flush()
    call.pack_id = pack.id
    visit = Visit(call_id=call.id, service_date=DAY, status="unassigned", drop_codes=[])
    db.session.add(visit)
    return visit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("database_url")
    parser.add_argument("--seconds", type=float, default=20.0, help="solver budget")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--techs-per-base", type=int, default=10)
    parser.add_argument("--visits-per-base", type=int, default=100)
    args = parser.parse_args()
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url, "DISPATCH_ENV": "test",
                      "SECRET_KEY": "bench-secret-key-that-is-long-enough-123"})
    rng = random.Random(args.seed)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        from flask_migrate import upgrade

        upgrade()
        started = time.perf_counter()
        seed(rng, args.techs_per_base, args.visits_per_base)
        print(f"seeded {len(BASES)} bases, {len(BASES) * args.techs_per_base} technicians, "
              f"{len(BASES) * args.visits_per_base} visits "
              f"in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        with unit_of_work():
            result = planning.plan_day(DAY, SYSTEM, time_limit_s=args.seconds)
        plan_wall = time.perf_counter() - started
        report(result, plan_wall)
        model = db.session.scalar(db.select(PrinterModel).where(PrinterModel.series == "COREFIDO"))
        visit = add_call(rng, 999_999, BASES["TKY"], model, decision="same_day")
        db.session.commit()
        started = time.perf_counter()
        with unit_of_work():
            replanning.insert_call(visit.id, SYSTEM)
        insert_wall = time.perf_counter() - started
        row = db.session.get(Visit, visit.id)
        print(f"insert one same-day call: {insert_wall:.2f} s -> status {row.status}, "
              f"technician {row.technician_id}")


def report(result: dict, wall: float) -> None:
    stops = sum(len(r["stops"]) for r in result["routes"])
    busy = sum(1 for r in result["routes"] if r["stops"])
    reasons = Counter((m["reason"]) for m in result["moved"])
    same_day = [m for m in result["moved"] if m.get("decision_before") == "same_day"]
    print(f"plan_day: {wall:.1f} s end to end (solver {result['wall_seconds']} s), "
          f"{stops} visits on {busy} routes, moved {len(result['moved'])} {dict(reasons)}, "
          f"of which same-day {len(same_day)} {dict(Counter(m['reason'] for m in same_day))}")


if __name__ == "__main__":
    main()
