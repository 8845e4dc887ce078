"""Row builders for dispatch-day tests: bases, technicians and onsite calls with their
unassigned visits, made directly as rows (call intake is another area)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

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

DAY = date(2026, 11, 26)  # a Thursday, a support day under the standard hours
STANDARD_HOURS = {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00",
                  "end": "17:30", "closed_on_holidays": True,
                  "closed_dates": ["12-30", "12-31", "01-01", "01-02", "01-03"]}
NOW = datetime(2026, 11, 25, 23, 0, tzinfo=UTC)


class Day:
    """Builds rows for one planning day."""

    def __init__(self) -> None:
        self.n = 0
        self.models: dict[str, PrinterModel] = {}

    def base(self, code: str = "TKY", lat: float = 35.6812, lon: float = 139.7671) -> ServiceBase:
        base = ServiceBase(code=code, name=f"{code}拠点", lat=lat, lon=lon,
                           service_radius_km=150, same_day_radius_km=60)
        db.session.add(base)
        db.session.flush()
        return base

    def tech(self, base: ServiceBase, skills: tuple[str, ...] = ("COREFIDO",),
             email: str | None = None, shift: tuple[time, time] = (time(8, 30), time(17, 30))
             ) -> Technician:
        self.n += 1
        tech = Technician(name=f"技術者{self.n}", email=email or f"tech{self.n}@oxt.example.jp",
                          base_id=base.id, shift_start=shift[0], shift_end=shift[1],
                          skills=list(skills))
        db.session.add(tech)
        db.session.flush()
        return tech

    def model(self, series: str = "COREFIDO", minutes: int = 60) -> PrinterModel:
        key = f"{series}-{minutes}"
        if key not in self.models:
            model = PrinterModel(code=f"M{key}", name=key, series=series, kind="printer",
                                 lifetime_years=7, warranty_months=60, print_limit=None,
                                 packs_offered=["std1"], service_minutes=minutes)
            db.session.add(model)
            self.models[key] = model
        return self.models[key]

    def call(self, lat: float = 35.69, lon: float = 139.70, *, decision: str = "same_day",
             on: date = DAY, series: str = "COREFIDO", minutes: int = 60,
             hours: dict[str, Any] | None = None, symptom: str = "印刷がかすれる") -> Visit:
        """An onsite call with its unassigned visit."""
        self.n += 1
        customer = Customer(name=f"顧客{self.n}", created_at=NOW)
        site = Site(customer=customer, name=f"設置場所{self.n}", address=f"東京都千代田区{self.n}",
                    lat=lat, lon=lon, manager_name="佐藤", manager_email=f"m{self.n}@ex.jp")
        device = Device(serial=f"SN{self.n:08d}", model=self.model(series, minutes), site=site,
                        purchase_date=date(2026, 1, 1))
        db.session.add_all([customer, site, device])
        db.session.flush()
        pack = Pack(device_id=device.id, product="std1", purchased_on=date(2026, 1, 1),
                    support_hours=hours or STANDARD_HOURS, status="registered",
                    support_pack_id=f"SP{self.n:08d}", created_at=NOW)
        db.session.add(pack)
        db.session.flush()
        call = RepairCall(device_id=device.id, pack_id=pack.id, serial=device.serial,
                          support_pack_id=pack.support_pack_id, received_at=NOW,
                          symptom=symptom, decision=decision, service_date=on, codes=[],
                          status="scheduled", created_at=NOW)
        db.session.add(call)
        db.session.flush()
        visit = Visit(call_id=call.id, service_date=on, status="unassigned", drop_codes=[])
        db.session.add(visit)
        db.session.commit()
        return visit


def cancelling_meanwhile(real: Any, visit: Visit, calls: list[int]) -> Any:
    """`real`, wrapped so that each call is counted in `calls` and, once it has returned,
    `visit` is cancelled as another transaction would (a coordinator fixing it on the
    phone): its row and version move on under objects the caller's session loaded."""
    from sqlalchemy import update

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        answer = real(*args, **kwargs)
        db.session.execute(update(Visit).where(Visit.id == visit.id).values(
            status="cancelled", version=Visit.version + 1),
            execution_options={"synchronize_session": False})
        return answer

    return wrapper
