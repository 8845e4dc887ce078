"""What the coordinator board draws for a day: bases, islands, routes with sites, the hour
scale's shifts and lunch, unassigned visits with their rule codes, moved calls, the day's
figures and alerts, and the same-day cutoff (read-only)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ARRAY, Row, String, Text, any_, bindparam, cast, func, select
from sqlalchemy.orm import joinedload

from dispatch import clock
from dispatch.clock import to_tokyo
from dispatch.domain.cutoff import cutoff_on
from dispatch.domain.day_kpis import VisitRow, alerts, at_risk, day_kpis
from dispatch.domain.support_hours import STANDARD, SupportHours, hours_on
from dispatch.domain.visit_status import VisitStatus
from dispatch.extensions import db
from dispatch.models import (
    AuditEvent,
    Device,
    IslandArea,
    Pack,
    Plan,
    RepairCall,
    ServiceBase,
    Site,
    Technician,
    Visit,
)
from dispatch.services.day.problem import midnight
from dispatch.services.day.result import iso

MOVED = "visit.moved"  # the audit action of a re-plan moving a call to a later day


def with_site() -> Any:
    """Load a visit's call, device, site and model in the visit's own query: a page listing
    visits then issues the same statements for 5 visits as for 2,000."""
    return joinedload(Visit.call).joinedload(RepairCall.device).options(
        joinedload(Device.site).joinedload(Site.customer), joinedload(Device.model))


def _hours_end(support_hours: dict[str, Any] | None, day: date
               ) -> tuple[datetime, datetime] | None:
    if support_hours is None:
        return None
    try:
        return hours_on(SupportHours.from_payload(support_hours), day)
    except (ValueError, KeyError, TypeError):
        return None  # a pack whose stored hours cannot be read draws no band


def _band(hours_json: str | None, day: date
          ) -> tuple[tuple[datetime, datetime] | None, list[str] | None]:
    # Packs share a handful of support-hour terms: each is read once per answer, not once
    # per visit (the same stored terms give the same hours on the day).
    hours = _hours_end(json.loads(hours_json) if hours_json is not None else None, day)
    if hours is None:
        return None, None
    return hours, [to_tokyo(hours[0]).isoformat(), to_tokyo(hours[1]).isoformat()]


def _visit_rows(day: date) -> list[Row[Any]]:
    """The day's visits as plain rows with what the board shows of their call, site and
    pack, in one statement: at 2,000 visits, ORM objects for each visit, call, device,
    site, customer and model cost the board seconds (issue 18). The JSON columns come as
    text, decoded once per distinct value by the caller (a few code lists and hours terms
    are shared by thousands of visits)."""
    return list(db.session.execute(
        select(Visit.id, Visit.call_id, Visit.status, Visit.eta, Visit.start_at, Visit.end_at,
               Visit.pinned, cast(Visit.drop_codes, Text).label("codes_json"),
               Visit.version, Visit.technician_id,
               RepairCall.symptom, RepairCall.serial, RepairCall.decision,
               RepairCall.override_reason, RepairCall.after_hours_consent, Site.lat, Site.lon,
               Site.name.label("site"),
               Site.address, cast(Pack.support_hours, Text).label("hours_json"))
        .join(RepairCall, RepairCall.id == Visit.call_id)
        # Only calls with an identified device get visits.
        .join(Device, Device.id == RepairCall.device_id)
        .join(Site, Site.id == Device.site_id)
        .outerjoin(Pack, Pack.id == RepairCall.pack_id)
        .where(Visit.service_date == day, Visit.status != VisitStatus.CANCELLED)
        .order_by(Visit.technician_id, Visit.sequence, Visit.id)))


def _site(visit: Row[Any], codes: list[str], hours: list[str] | None) -> dict[str, Any]:
    return {"visit_id": visit.id, "call_id": visit.call_id, "lat": visit.lat,
            "lon": visit.lon, "site": visit.site, "address": visit.address,
            "symptom": visit.symptom, "serial": visit.serial, "status": visit.status,
            "eta": iso(visit.eta), "start": iso(visit.start_at), "end": iso(visit.end_at),
            "pinned": visit.pinned, "codes": codes, "decision": visit.decision,
            "version": visit.version, "technician_id": visit.technician_id,
            "hours": list(hours) if hours else None,
            "after_hours_consent": visit.after_hours_consent}


def _times_moved(call_ids: list[int]) -> dict[int, int]:
    if not call_ids:
        return {}
    ids = sorted({str(c) for c in call_ids})
    # PostgreSQL: the ids as one array parameter. An IN list of 2,000 parameters cost the
    # national day's board about 100 ms of rendering and parsing the statement each time.
    among = (AuditEvent.entity_id == any_(bindparam("ids", ids, type_=ARRAY(String)))
             if db.session.get_bind().dialect.name == "postgresql"
             else AuditEvent.entity_id.in_(ids))
    rows = db.session.execute(
        select(AuditEvent.entity_id, func.count()).where(
            AuditEvent.action == MOVED, AuditEvent.entity_type == "repair_call", among)
        .group_by(AuditEvent.entity_id)).all()
    return {int(entity): n for entity, n in rows}


def _route(t: Technician, day: date, lunch_minutes: int) -> dict[str, Any]:
    start = midnight(day).replace(hour=t.shift_start.hour, minute=t.shift_start.minute)
    end = midnight(day).replace(hour=t.shift_end.hour, minute=t.shift_end.minute)
    noon = midnight(day) + timedelta(hours=12)
    # The routing model's break window (services/day/problem.py): 12:00–13:00 start.
    lunch = ([iso(noon), iso(noon + timedelta(hours=1, minutes=lunch_minutes))]
             if start <= noon and end >= noon + timedelta(hours=1, minutes=lunch_minutes)
             else None)
    return {"technician_id": t.id, "name": t.name, "base_code": t.base.code,
            # Seed §11: the board names a subcontractor's technician's company.
            "company": t.subcontractor.name if t.subcontractor else None,
            "start": [t.base.lat, t.base.lon], "shift": [iso(start), iso(end)],
            "lunch": lunch, "lunch_minutes": lunch_minutes, "distance_km": 0.0, "stops": []}


def board_data(day: date, lunch_minutes: int = 45) -> dict[str, Any]:
    """Everything the board draws for one day."""
    bases = db.session.scalars(select(ServiceBase).order_by(ServiceBase.code)).all()
    techs = db.session.scalars(select(Technician).where(Technician.is_active.is_(True))
                               .options(joinedload(Technician.base),
                                        joinedload(Technician.subcontractor))
                               .order_by(Technician.id)).all()
    visits = _visit_rows(day)
    # The plan's id and solution only: its stored problem (megabytes of JSON at 2,000
    # visits, kept for replay) is not drawn.
    current = db.session.execute(select(Plan.id, Plan.solution).where(
        Plan.service_date == day, Plan.is_current.is_(True))).first()
    solution = current.solution if current else {}
    moved = solution.get("moved", [])
    metres = {str(r["technician_id"]): r.get("distance_m", 0)
              for r in solution.get("routes", [])}
    routes = {t.id: _route(t, day, lunch_minutes) for t in techs}
    for t_id, route in routes.items():
        route["distance_km"] = round(metres.get(str(t_id), 0) / 1000, 1)
    times_moved = _times_moved([v.call_id for v in visits] + [m["call_id"] for m in moved])
    unassigned, rows = [], []
    # Packs share a handful of support-hour terms: each is read once per answer, not once
    # per visit (the same stored terms give the same hours on the day).
    bands: dict[str | None, tuple[tuple[datetime, datetime] | None, list[str] | None]] = {}
    codes_of: dict[str | None, list[str]] = {}
    for visit in visits:
        if visit.hours_json not in bands:
            bands[visit.hours_json] = _band(visit.hours_json, day)
        hours, hours_iso = bands[visit.hours_json]
        if visit.codes_json not in codes_of:
            codes_of[visit.codes_json] = json.loads(visit.codes_json or "[]") or []
        codes = list(codes_of[visit.codes_json])
        item = _site(visit, codes, hours_iso)
        # Work past the hours the customer agreed to is neither at risk nor a broken promise.
        hours_end = hours[1] if hours and not visit.after_hours_consent else None
        row = VisitRow(visit.id, visit.call_id, visit.decision, visit.status,
                       visit.technician_id in routes, visit.eta, visit.end_at,
                       hours_end, bool(visit.override_reason),
                       tuple(codes), times_moved.get(visit.call_id, 0))
        rows.append(row)
        item["at_risk"] = at_risk(row)
        if visit.technician_id in routes:
            routes[visit.technician_id]["stops"].append(item)
        else:
            unassigned.append(item)
    for m in moved:
        m["times_moved"] = times_moved.get(m["call_id"], 0)
    figures = day_kpis(rows, float(sum(metres.values())))
    cutoff = cutoff_on(STANDARD, day)
    islands = db.session.scalars(select(IslandArea).where(IslandArea.is_active.is_(True))
                                 .order_by(IslandArea.code)).all()
    return {"date": day.isoformat(), "plan_id": current.id if current else None,
            "cutoff_at": iso(cutoff) if cutoff else None, "now": iso(clock.now()),
            "bases": [{"code": b.code, "name": b.name, "lat": b.lat, "lon": b.lon,
                       "same_day_radius_km": b.same_day_radius_km} for b in bases],
            "islands": [{"code": i.code, "name_ja": i.name_ja, "name_en": i.name_en,
                         "geometry": i.geometry} for i in islands],
            "routes": list(routes.values()), "unassigned": unassigned, "moved": moved,
            "kpis": figures.__dict__,
            "alerts": [{"kind": a.kind, "visit_id": a.visit_id, "call_id": a.call_id,
                        "codes": list(a.codes), "times_moved": a.times_moved}
                       for a in alerts(rows)]}


def board_version(day: date) -> str:
    """A cheap fingerprint of everything the board shows: every change of a plan, an
    assignment or a status is audited, so the newest audit row and plan say "changed"."""
    last_event = db.session.scalar(select(func.max(AuditEvent.id))) or 0
    last_plan = db.session.scalar(select(func.max(Plan.id))) or 0
    visits = db.session.scalar(select(func.count()).select_from(Visit).where(
        Visit.service_date == day)) or 0
    return f"{day.isoformat()}-{last_event}-{last_plan}-{visits}"


def visit_detail(visit_id: int, locale: str = "ja") -> dict[str, Any] | None:
    """The detail panel of one visit: customer, device, pack, symptom, codes, history."""
    visit = db.session.get(Visit, visit_id)
    if visit is None:
        return None
    call = visit.call
    device = call.device
    pack = db.session.get(Pack, call.pack_id) if call.pack_id else None
    events = db.session.scalars(select(AuditEvent).where(
        ((AuditEvent.entity_type == "visit") & (AuditEvent.entity_id == str(visit.id)))
        | ((AuditEvent.entity_type == "repair_call") & (AuditEvent.entity_id == str(call.id))))
        .order_by(AuditEvent.id.desc()).limit(30)).all()
    site = device.site if device else None
    return {
        "visit_id": visit.id, "call_id": call.id, "version": visit.version,
        "status": visit.status, "pinned": visit.pinned, "technician_id": visit.technician_id,
        "service_date": visit.service_date.isoformat(),
        "eta": iso(visit.eta), "start": iso(visit.start_at), "end": iso(visit.end_at),
        "customer": site.customer.name if site else None,
        "site": site.name if site else None, "address": site.address if site else None,
        "serial": call.serial, "model": device.model.name if device else None,
        "support_pack_id": call.support_pack_id,
        "product": pack.product if pack else None,
        "support_hours": (SupportHours.from_payload(pack.support_hours).label(locale)
                          if pack else None),
        "symptom": call.symptom, "decision": call.decision, "codes": list(call.codes or []),
        "drop_codes": list(visit.drop_codes or []), "override_reason": call.override_reason,
        "received_at": iso(call.received_at),
        "history": [{"at": iso(e.at), "who": e.actor_label, "action": e.action,
                     "changed": changed_fields(e.before, e.after)} for e in events],
    }


def changed_fields(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    """The names of the fields an audited change touched."""
    before, after = before or {}, after or {}
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


def last_change(visit_id: int) -> dict[str, Any] | None:
    """Who last changed a visit and what: the answer to a coordinator's 409."""
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.entity_type == "visit", AuditEvent.entity_id == str(visit_id))
        .order_by(AuditEvent.id.desc()).limit(1))
    if event is None:
        return None
    after = event.after or {}
    return {"who": event.actor_label, "at": iso(event.at), "action": event.action,
            "changed": changed_fields(event.before, event.after),
            "technician_id": after.get("technician_id"), "pinned": after.get("pinned"),
            "status": after.get("status")}
