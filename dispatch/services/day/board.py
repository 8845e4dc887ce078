"""What the coordinator board draws for a day: bases, routes with sites, unassigned visits
with their rule codes, moved calls and the same-day cutoff (read-only)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from dispatch import clock
from dispatch.domain.cutoff import cutoff_on
from dispatch.domain.support_hours import STANDARD
from dispatch.domain.visit_status import VisitStatus
from dispatch.extensions import db
from dispatch.models import Plan, ServiceBase, Technician, Visit
from dispatch.services.day.result import iso


def _site(visit: Visit) -> dict[str, Any]:
    device = visit.call.device
    assert device is not None  # only calls with an identified device get visits
    site = device.site
    return {"visit_id": visit.id, "call_id": visit.call_id, "lat": site.lat, "lon": site.lon,
            "site": site.name, "address": site.address, "symptom": visit.call.symptom,
            "status": visit.status, "eta": iso(visit.eta), "start": iso(visit.start_at),
            "end": iso(visit.end_at), "pinned": visit.pinned, "codes": visit.drop_codes,
            "decision": visit.call.decision}


def board_data(day: date) -> dict[str, Any]:
    """Everything the board draws for one day."""
    bases = db.session.scalars(select(ServiceBase).order_by(ServiceBase.code)).all()
    techs = db.session.scalars(select(Technician).where(Technician.is_active.is_(True))
                               .options(joinedload(Technician.subcontractor))
                               .order_by(Technician.id)).all()
    visits = db.session.scalars(select(Visit).where(
        Visit.service_date == day, Visit.status != VisitStatus.CANCELLED)
        .order_by(Visit.technician_id, Visit.sequence, Visit.id)).all()
    routes: dict[int, dict[str, Any]]
    routes = {t.id: {"technician_id": t.id, "name": t.name, "base_code": t.base.code,
                     # Seed §11: the board names a subcontractor's technician's company.
                     "company": t.subcontractor.name if t.subcontractor else None,
                     "start": [t.base.lat, t.base.lon], "stops": []} for t in techs}
    unassigned = []
    for visit in visits:
        if visit.technician_id in routes:
            routes[visit.technician_id]["stops"].append(_site(visit))
        else:
            unassigned.append(_site(visit))
    current = db.session.scalar(select(Plan).where(
        Plan.service_date == day, Plan.is_current.is_(True)))
    moved = (current.solution.get("moved", []) if current else [])
    cutoff = cutoff_on(STANDARD, day)
    return {"date": day.isoformat(), "plan_id": current.id if current else None,
            "cutoff_at": iso(cutoff) if cutoff else None, "now": iso(clock.now()),
            "bases": [{"code": b.code, "name": b.name, "lat": b.lat, "lon": b.lon}
                      for b in bases],
            "routes": list(routes.values()), "unassigned": unassigned,
            "moved": moved}
