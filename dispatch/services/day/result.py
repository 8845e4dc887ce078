"""The plan payload of rules.md §9.1, read from the Visit rows and the current Plan row."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import defer, joinedload

from dispatch.clock import to_tokyo
from dispatch.domain.visit_status import VisitStatus
from dispatch.extensions import db
from dispatch.models import Plan, Technician, Visit


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in Asia/Tokyo (+09:00)."""
    return to_tokyo(value).isoformat() if value else None


def plan_result(service_date: date) -> dict[str, Any]:
    """{date, routes: [{technician_id, base_code, distance_km, stops}], unassigned}."""
    # The stored problem (megabytes on a national day) is not read: the solution's routes
    # are in the problem's technician order already.
    plan = db.session.scalar(select(Plan).options(defer(Plan.problem)).where(
        Plan.service_date == service_date, Plan.is_current.is_(True)))
    solution = plan.solution if plan else {}
    distance = {r["technician_id"]: r["distance_m"] for r in solution.get("routes", [])}
    order = [r["technician_id"] for r in solution.get("routes", [])]
    techs = {str(t.id): t for t in db.session.scalars(
        select(Technician).options(joinedload(Technician.base)))}
    visits = db.session.scalars(
        select(Visit)
        .where(Visit.service_date == service_date, Visit.status != VisitStatus.CANCELLED)
        .order_by(Visit.technician_id, Visit.sequence, Visit.id)
    ).all()
    stops: dict[str, list[dict[str, Any]]] = {}
    unassigned = []
    for v in visits:
        if v.technician_id is None:
            unassigned.append({"call_id": v.call_id, "visit_id": v.id, "codes": v.drop_codes})
            continue
        stops.setdefault(str(v.technician_id), []).append({
            "visit_id": v.id, "call_id": v.call_id, "eta": iso(v.eta), "start": iso(v.start_at),
            "end": iso(v.end_at), "status": v.status, "pinned": v.pinned, "version": v.version,
        })
    order += [t for t in stops if t not in order]
    routes = [
        {"technician_id": int(t), "base_code": techs[t].base.code,
         "distance_km": round(distance.get(t, 0) / 1000, 1), "stops": stops.get(t, [])}
        for t in order if t in techs
    ]
    moved = solution.get("moved", [])
    unassigned += [{"call_id": m["call_id"], "visit_id": m["visit_id"], "codes": m["codes"],
                    "moved_to": m["to"]} for m in moved]
    return {"date": service_date.isoformat(), "plan_id": plan.id if plan else None,
            "routes": routes, "unassigned": unassigned, "moved": moved,
            "objective": solution.get("objective"), "status": solution.get("status"),
            "wall_seconds": solution.get("wall_seconds")}
