"""Speed of the daily retention job (rules.md §8: flag records 5 years after service ends).

Run: PYTHONPATH=. python benchmarks/retention_bench.py [--devices N] [--database-url URL]
Builds N devices (half of them past retention), each with one pack and one call, in a
fresh database (a temporary SQLite file unless --database-url is given; that database's
schema is reset), then times `retention.run` twice: the first run flags, the second finds
nothing new. The target is 100,000 devices in under 30 s on one core.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import insert, text

from dispatch import create_app
from dispatch.extensions import db
from dispatch.models import Customer, Device, Pack, PrinterModel, RepairCall, Site
from dispatch.services.trust import retention
from dispatch.services.unit_of_work import unit_of_work

NOW = datetime(2026, 11, 26, tzinfo=UTC)
HOURS = {"days": ["mon"], "start": "09:00", "end": "17:00", "closed_on_holidays": True}


def populate(count: int) -> None:
    """N devices at one site; even ones ended service in 2015, odd ones are still covered."""
    db.session.add(PrinterModel(id=1, code="B1", name="B1", series="COREFIDO", kind="printer",
                                lifetime_years=5, warranty_months=12, packs_offered=["std5"]))
    db.session.add(Customer(id=1, name="ベンチ", created_at=NOW))
    db.session.add(Site(id=1, customer_id=1, name="s", address="a", manager_name="m",
                        lat=35.0, lon=139.0))
    db.session.flush()
    devices, packs, calls = [], [], []
    for i in range(1, count + 1):
        old = i % 2 == 0
        bought = date(2010, 4, 1) if old else date(2024, 4, 1)
        end = date(2015, 3, 31) if old else date(2029, 3, 31)
        devices.append({"id": i, "serial": f"B{i:08d}", "model_id": 1, "site_id": 1,
                        "purchase_date": bought, "in_japan": True, "version": 1})
        packs.append({"id": i, "device_id": i, "product": "std5", "purchased_on": bought,
                      "support_hours": HOURS, "status": "registered", "coverage_start": bought,
                      "coverage_end": end, "created_at": NOW, "version": 1,
                      "warnings": [], "refusal_codes": [], "continuous": False})
        calls.append({"id": i, "device_id": i, "pack_id": i, "serial": f"B{i:08d}",
                      "support_pack_id": f"SP{i}", "received_at": NOW, "symptom": "x",
                      "decision": "same_day", "status": "done", "created_at": NOW,
                      "codes": [], "version": 1, "parts_required": False,
                      "after_hours_consent": False})
    for model, rows in ((Device, devices), (Pack, packs), (RepairCall, calls)):
        db.session.execute(insert(model), rows)
    db.session.commit()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--devices", type=int, default=100_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "DISPATCH_ENV": "test",
                          "SECRET_KEY": "bench-secret-key-long-enough-0123456789"})
        with app.app_context():
            if db.engine.dialect.name == "postgresql":
                with db.engine.begin() as conn:
                    conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            from flask_migrate import upgrade

            upgrade()
            populate(args.devices)
            for label in ("first run (flags)", "second run (nothing new)"):
                start = time.perf_counter()
                with unit_of_work():
                    counts = retention.run(date(2026, 11, 26))
                print(f"{label:<26} {time.perf_counter() - start:7.2f} s  {counts}")
            db.engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
