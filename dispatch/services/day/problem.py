"""DB rows → routing.RoutingProblem for one service date, and the problem as JSON (rules.md §6).

Decisions where the rules are silent:
- Lunch: 45 minutes starting between 12:00 and 13:00 (DISPATCH_LUNCH_MINUTES), only for
  shifts that span it.
- Service duration: the model's service_minutes; a symptom keyword in
  DISPATCH_SERVICE_MINUTES_BY_KEYWORD ("紙詰まり=30,交換=90") overrides it.
- Visits already en route, arrived or done are pinned to their technician, in their order,
  at their start time; a coordinator's pin keeps the technician (and the start if set).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from dispatch.clock import TOKYO
from dispatch.domain.call_decision import ONSITE, Decision
from dispatch.domain.call_status import CallStatus
from dispatch.domain.support_hours import STANDARD, SupportHours, hours_on
from dispatch.domain.visit_status import STARTED, VisitStatus
from dispatch.extensions import db
from dispatch.models import Device, Pack, PrinterModel, RepairCall, Site, Technician, Visit
from dispatch.services.day.travel import RecordedTravel
from routing import Break, Pin, Priority, RoutingProblem, TimeWindow
from routing import Technician as RTech
from routing import Visit as RVisit
from routing.capacity import CapacityCut, select_within_capacity


def midnight(day: date) -> datetime:
    """Midnight Asia/Tokyo of the service day: the routing epoch."""
    return datetime.combine(day, time(0), tzinfo=TOKYO)


def to_seconds(day: date, at: datetime) -> int:
    """Seconds since the routing epoch."""
    return int((at - midnight(day)).total_seconds())


def at_seconds(day: date, seconds: int) -> datetime:
    """Aware datetime (Asia/Tokyo) of a routing time."""
    return midnight(day) + timedelta(seconds=seconds)


def _clock_seconds(t: time) -> int:
    return t.hour * 3600 + t.minute * 60


def pack_hours(call: RepairCall) -> SupportHours:
    """The support hours of the call's pack (the standard certificate when unknown)."""
    if call.pack_id is None:
        return STANDARD
    pack = db.session.get(Pack, call.pack_id)
    payload = pack.support_hours if pack else None
    return SupportHours.from_payload(payload) if payload else STANDARD


@dataclass(frozen=True)
class VisitFacts:
    """What the problem needs of a visit's call, device, site and model."""

    call_version: int
    decision: str
    received_at: datetime
    symptom: str | None
    location: tuple[float, float] | None  # None: no device, or a site without coordinates
    series: str | None
    model_minutes: int | None
    after_hours_consent: bool = False  # the customer agreed to work past the hours (§7(1))


@dataclass
class DayRows:
    """What the problem was built from, to write the answer back."""

    service_date: date
    visits: dict[str, Visit]
    technicians: dict[str, Technician]
    hours: dict[str, SupportHours]
    closed: list[str]  # visits whose pack has no support on that day
    no_location: list[str]
    facts: dict[str, VisitFacts] = field(default_factory=dict)

    def add(self, visit: Visit, facts: VisitFacts, hours: SupportHours) -> None:
        """Take in one visit, noting whether it can be routed that day at all."""
        key = str(visit.id)
        self.visits[key], self.facts[key], self.hours[key] = visit, facts, hours
        if facts.location is None:
            self.no_location.append(key)
        elif hours_on(hours, self.service_date) is None and visit.status not in STARTED:
            self.closed.append(key)


def onsite(service_date: date) -> list[Any]:
    """Conditions on Visit joined with RepairCall: the date's onsite visits, not cancelled."""
    return [Visit.service_date == service_date, Visit.status != VisitStatus.CANCELLED,
            RepairCall.decision.in_(ONSITE), RepairCall.status != CallStatus.CANCELLED]


def _technicians() -> dict[str, Technician]:
    techs = db.session.scalars(
        select(Technician).where(Technician.is_active.is_(True))
        .options(joinedload(Technician.base)).order_by(Technician.id)
    ).all()
    return {str(t.id): t for t in techs}


def load_day(service_date: date) -> DayRows:
    """Every onsite visit of the date that is not cancelled, and the active technicians."""
    return _load(service_date, onsite(service_date))


def _location(lat: float | None, lon: float | None) -> tuple[float, float] | None:
    return (lat, lon) if lat is not None and lon is not None else None


def load_routes(service_date: date, also: int) -> DayRows:
    """The visits of the date on a technician's route, and visit `also`, for an insertion
    that must answer at once."""
    return _load(service_date, [*onsite(service_date),
                                or_(Visit.technician_id.is_not(None), Visit.id == also)])


def _load(service_date: date, which: list[Any]) -> DayRows:
    # Each visit with the facts of its call, device, site and model read in the same query
    # as plain values: no objects for them (a national day of 10,000 visits took seconds to
    # build them). A visit's call is loaded only where it is written (a move).
    found = db.session.execute(
        select(Visit, RepairCall.version, RepairCall.decision, RepairCall.received_at,
               RepairCall.symptom, Site.lat, Site.lon, PrinterModel.series,
               PrinterModel.service_minutes, RepairCall.pack_id, Pack.support_hours,
               RepairCall.after_hours_consent)
        .join(RepairCall, Visit.call_id == RepairCall.id)
        .outerjoin(Device, RepairCall.device_id == Device.id)
        .outerjoin(Site, Device.site_id == Site.id)
        .outerjoin(PrinterModel, Device.model_id == PrinterModel.id)
        .outerjoin(Pack, RepairCall.pack_id == Pack.id)
        .where(*which).order_by(Visit.id)
    ).all()
    rows = DayRows(service_date, {}, _technicians(), {}, [], [])
    for (visit, version, decision, received_at, symptom, lat, lon, series, minutes,
         pack_id, payload, after_hours) in found:
        facts = VisitFacts(version, decision, received_at, symptom, _location(lat, lon),
                           series, minutes, bool(after_hours))
        hours = SupportHours.from_payload(payload) if pack_id and payload else STANDARD
        rows.add(visit, facts, hours)
    return rows


def versions_of(rows: DayRows) -> dict[str, list[int]]:
    """Each loaded visit's [version, call version]: what changed_since compares against."""
    # The call's version from the facts read with the visit: no call object is loaded.
    return {key: [v.version, rows.facts[key].call_version] for key, v in rows.visits.items()}


def changed_since_load(rows: DayRows) -> set[str]:
    """Keys of the visits that another transaction changed (visit or call) since load_day."""
    return changed_since(rows, versions_of(rows))


def changed_since(rows: DayRows, loaded: Mapping[str, Sequence[int]]) -> set[str]:
    """Keys of `rows`' visits whose visit or call version is no longer the `loaded` one.

    `loaded` may come from an earlier transaction (a fanned-out plan loads in one and
    writes in another): a visit absent from it, or loaded then and gone from `rows` now
    (cancelled meanwhile), counts as changed too.

    On PostgreSQL the rows are locked (FOR UPDATE) until the commit, calls before visits
    and each in id order, the order every writer flushes them in; so the visits found
    unchanged here can be written without a version conflict, whatever else goes on.
    """
    call_ids = {v.call_id for v in rows.visits.values()}
    calls = dict(db.session.execute(  # type: ignore[arg-type]
        select(RepairCall.id, RepairCall.version).where(RepairCall.id.in_(call_ids))
        .order_by(RepairCall.id).with_for_update()).all())
    visits = dict(db.session.execute(  # type: ignore[arg-type]
        select(Visit.id, Visit.version).where(Visit.id.in_([v.id for v in rows.visits.values()]))
        .order_by(Visit.id).with_for_update()).all())
    changed = {key for key in loaded if key not in rows.visits}
    for key, v in rows.visits.items():
        before = loaded.get(key)
        if before is None or [visits.get(v.id), calls.get(v.call_id)] != list(before):
            changed.add(key)
    return changed


def build_problem(rows: DayRows, travel: RecordedTravel,
                  config: Mapping[str, Any]) -> RoutingProblem:
    """The routing problem of the day's rows."""
    lunch_minutes = int(config.get("DISPATCH_LUNCH_MINUTES") or 45)
    techs = tuple(_tech(t, lunch_minutes) for t in rows.technicians.values())
    keywords = _keywords(config.get("DISPATCH_SERVICE_MINUTES_BY_KEYWORD"))
    visits, pins = [], []
    skip = set(rows.closed) | set(rows.no_location)
    for key, visit in rows.visits.items():
        if key in skip:
            continue
        visits.append(_visit(rows, key, visit, keywords))
        pin = _pin(rows, visit)
        if pin is not None:
            pins.append(pin)
    return RoutingProblem(techs, tuple(visits), travel, tuple(pins))


def bounded_problem(rows: DayRows, travel: RecordedTravel, config: Mapping[str, Any],
                    keep: tuple[str, ...] = ()) -> CapacityCut:
    """The day's problem holding only what its technicians could serve (routing.capacity).

    Same-day promises first, then the oldest calls; the excess never reaches the travel
    matrix or the solver, so building and solving stay bounded however large the day grew.
    """
    received = {key: facts.received_at for key, facts in rows.facts.items()}
    return select_within_capacity(build_problem(rows, travel, config), received, keep)


def _tech(t: Technician, lunch_minutes: int) -> RTech:
    start, end = _clock_seconds(t.shift_start), _clock_seconds(t.shift_end)
    lunch = None
    if start <= 12 * 3600 and end >= 13 * 3600 + lunch_minutes * 60:
        lunch = Break(12 * 3600, 13 * 3600, lunch_minutes * 60)
    base = (t.base.lat, t.base.lon)
    return RTech(str(t.id), base, base, start, end, frozenset(t.skills or ()), lunch)


def _keywords(raw: Any) -> dict[str, int]:
    if not raw:
        return {}
    pairs = (item.split("=", 1) for item in str(raw).split(",") if "=" in item)
    return {k.strip(): int(v) for k, v in pairs}


def service_minutes(visit: Visit, keywords: Mapping[str, int]) -> int:
    """Minutes on site: a symptom keyword's duration, else the model's."""
    device = visit.call.device
    assert device is not None  # visits without a device are never routed
    return minutes_on_site(visit.call.symptom, device.model.service_minutes, keywords)


def minutes_on_site(symptom: str | None, model_minutes: int,
                    keywords: Mapping[str, int]) -> int:
    """A symptom keyword's duration, else the model's minutes."""
    for word, minutes in keywords.items():
        if word and word in (symptom or ""):
            return minutes
    return model_minutes


def _visit(rows: DayRows, key: str, visit: Visit, keywords: Mapping[str, int]) -> RVisit:
    facts = rows.facts[key]
    # Visits without a device or coordinates were set aside as no_location.
    assert facts.location is not None and facts.model_minutes is not None
    window = hours_on(rows.hours[key], rows.service_date)
    if window is None:  # a started visit on a closed day keeps its actual time
        assert visit.start_at is not None
        start = to_seconds(rows.service_date, visit.start_at)
        bounds = TimeWindow(start, start)
    else:
        end = window[1]
        if facts.after_hours_consent:
            # The customer agreed to work past the hours (seed §7(1)): the technician's
            # shift is then the only limit on when the work may start.
            end = midnight(rows.service_date) + timedelta(days=1, seconds=-1)
        bounds = TimeWindow(to_seconds(rows.service_date, window[0]),
                            to_seconds(rows.service_date, end))
    priority = Priority.SAME_DAY if facts.decision == Decision.SAME_DAY else Priority.NEXT_DAY
    minutes = minutes_on_site(facts.symptom, facts.model_minutes, keywords)
    return RVisit(key, facts.location, (bounds,), minutes * 60, facts.series, priority)


def _pin(rows: DayRows, visit: Visit) -> Pin | None:
    if visit.technician_id is None or str(visit.technician_id) not in rows.technicians:
        return None
    tech = str(visit.technician_id)
    start = to_seconds(rows.service_date, visit.start_at) if visit.start_at else None
    if visit.status in STARTED:
        started = sorted(
            (v for v in rows.visits.values()
             if v.technician_id == visit.technician_id and v.status in STARTED),
            key=lambda v: (v.sequence or 0, v.id),
        )
        return Pin(str(visit.id), tech, started.index(visit), start)
    if visit.pinned:
        return Pin(str(visit.id), tech, None, start)
    return None


def problem_json(problem: RoutingProblem, travel: RecordedTravel,
                 options: Mapping[str, Any]) -> dict[str, Any]:
    """Everything needed to solve the problem again: values, pins, travel, options."""
    return {
        "technicians": [
            {"id": t.id, "start": list(t.start), "end": list(t.end), "shift_start": t.shift_start,
             "shift_end": t.shift_end, "skills": sorted(t.skills), "max_visits": t.max_visits,
             "lunch": [t.lunch.earliest_start, t.lunch.latest_start, t.lunch.duration]
             if t.lunch else None}
            for t in problem.technicians
        ],
        "visits": [
            {"id": v.id, "location": list(v.location), "windows": [[w.start, w.end]
                                                                    for w in v.windows],
             "service_seconds": v.service_seconds, "skill": v.skill, "priority": v.priority.value}
            for v in problem.visits
        ],
        "pins": [[p.visit_id, p.technician_id, p.position, p.start_time] for p in problem.pins],
        "travel": travel.to_json(),
        "options": dict(options),
    }


def problem_from_json(data: Mapping[str, Any], *, strict: bool = True) -> RoutingProblem:
    """Inverse of problem_json; travel answers only from the recorded matrix (strict), or
    asks its source for pairs not recorded (a region task computes its own)."""
    techs = tuple(
        RTech(t["id"], tuple(t["start"]), tuple(t["end"]), t["shift_start"], t["shift_end"],
              frozenset(t["skills"]), Break(*t["lunch"]) if t["lunch"] else None,
              t["max_visits"])
        for t in data["technicians"]
    )
    visits = tuple(
        RVisit(v["id"], tuple(v["location"]), tuple(TimeWindow(*w) for w in v["windows"]),
               v["service_seconds"], v["skill"], Priority(v["priority"]))
        for v in data["visits"]
    )
    pins = tuple(Pin(*p) for p in data["pins"])
    return RoutingProblem(techs, visits, RecordedTravel.from_json(data["travel"], strict=strict),
                          pins)
