"""A Tokyo base, sites in each area of rules.md §5, and registered packs stored as rows.

Pack registration is another area's service; intake only needs a registered pack with its
support pack ID, period and support hours, so the rows are written directly here.
Shared by the intake tests and the browser tests.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from conftest import TEST_ACTOR
from factories import base_payload, model_payload, pack_id_for, site_payload

from dispatch import clock
from dispatch.domain.periods import period_last_day
from dispatch.domain.support_hours import STANDARD
from dispatch.extensions import db
from dispatch.models import Device, Pack
from dispatch.services.catalog import records
from dispatch.services.unit_of_work import unit_of_work

# name: (lat, lon) — one site in each area of rules.md §5 against a Tokyo base
# (service radius 150 km, same-day radius 60 km).
SITES = {
    "tokyo": (35.6840, 139.7640),  # Marunouchi: same-day area
    "utsunomiya": (36.5551, 139.8828),  # ~97 km: service area, outside the same-day area
    "sapporo": (43.0621, 141.3544),  # far beyond every service radius
    "izu_oshima": (34.7500, 139.3800),  # ~105 km, inside the radius but a remote island
}


class World:
    """Builds devices with registered packs at the named sites."""

    def __init__(self) -> None:
        with unit_of_work():
            records.create_model(model_payload(), TEST_ACTOR)
            records.create_base(base_payload("TKY"), TEST_ACTOR)
            self.customer = records.create_customer({"name": "株式会社テスト商事"}, TEST_ACTOR)
            self.sites = {}
            for name, (lat, lon) in SITES.items():
                self.sites[name] = records.create_site(
                    site_payload(self.customer.id, name=name, lat=lat, lon=lon), TEST_ACTOR)

    def device(self, serial: str = "AK10000001", site: str = "tokyo",
               purchase_date: date = date(2026, 4, 10), **over: Any) -> Device:
        data = {"serial": serial, "model_code": "C844dnw", "site_id": self.sites[site].id,
                "purchase_date": purchase_date, **over}
        with unit_of_work():
            return records.create_device(data, TEST_ACTOR)

    def pack(self, device: Device, *, product: str = "std3", years: int = 3,
             completed_on: date = date(2026, 4, 20), status: str = "registered",
             support_pack_id: str | None = None, hours: dict[str, Any] | None = None,
             start: date | None = None) -> Pack:
        start = start or device.effective_purchase_date
        end = period_last_day(start, years=years)
        pack = Pack(
            device_id=device.id, product=product, purchased_on=start,
            support_hours=hours or STANDARD.to_payload(), status=status,
            support_pack_id=support_pack_id if status == "registered" else None,
            nominal_start=start, uncapped_end=end, continuous=False,
            coverage_start=completed_on if status == "registered" else None,
            coverage_end=end, created_at=clock.now(),
        )
        if status == "registered" and pack.support_pack_id is None:
            pack.support_pack_id = pack_id_for(device.serial)
        db.session.add(pack)
        db.session.commit()
        return pack

    def covered(self, serial: str = "AK10000001", site: str = "tokyo", **pack_over: Any) -> Device:
        device = self.device(serial, site)
        self.pack(device, **pack_over)
        return device
