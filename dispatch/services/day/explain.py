"""Why a visit is on a technician's route (board "explain"): plain facts, no guesswork.

Skill match, the pack's window that day, the planned times, the distance from the
technician's base, and the nearest other technicians who could have taken it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from dispatch.domain.support_hours import hours_on
from dispatch.errors import NotFound
from dispatch.extensions import db
from dispatch.models import Technician, Visit
from dispatch.services.day.problem import pack_hours
from dispatch.services.day.result import iso
from routing import GeodesicTravel

_STRAIGHT = GeodesicTravel(detour_factor=1.0, speed_kmh=30.0, spherical=True)


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return round(_STRAIGHT.seconds_and_metres(a, b)[1] / 1000, 1)


def explain(service_date: date, visit_id: int) -> dict[str, Any]:
    """The facts behind one visit's place in the plan of `service_date`."""
    visit = db.session.get(Visit, visit_id)
    if visit is None or visit.service_date != service_date:
        raise NotFound(f"no visit {visit_id} on {service_date.isoformat()}")
    device = visit.call.device
    assert device is not None  # only calls with an identified device get visits
    site = device.site
    skill = device.model.series
    window = hours_on(pack_hours(visit.call), service_date)
    where = (site.lat, site.lon) if site.lat is not None and site.lon is not None else None
    techs = db.session.scalars(select(Technician).where(Technician.is_active.is_(True))).all()
    facts: dict[str, Any] = {
        "visit_id": visit.id, "call_id": visit.call_id, "status": visit.status,
        "pinned": visit.pinned, "required_skill": skill, "priority": visit.call.decision,
        "window": {"start": iso(window[0]), "end": iso(window[1])} if window else None,
        "eta": iso(visit.eta), "start": iso(visit.start_at), "end": iso(visit.end_at),
        "sequence": visit.sequence, "codes": visit.drop_codes, "technician": None,
    }
    chosen = visit.technician
    if chosen is not None:
        base = (chosen.base.lat, chosen.base.lon)
        facts["technician"] = {
            "id": chosen.id, "name": chosen.name, "base_code": chosen.base.code,
            "skill_match": skill in chosen.skills,
            "km_from_base": _km(base, where) if where else None,
        }
    others = [t for t in techs if t.id != visit.technician_id and skill in t.skills]
    if where is not None:
        others.sort(key=lambda t: _km((t.base.lat, t.base.lon), where))
        facts["alternatives"] = [
            {"technician_id": t.id, "name": t.name, "base_code": t.base.code,
             "km_from_base": _km((t.base.lat, t.base.lon), where)}
            for t in others[:5]
        ]
    return facts
