"""The KPI figures of rules.md §10, computed in SQL over calls, visits, reports and plans.

Each figure is one query grouped by day and base, run once per request; the totals and the
breakdowns per base, per ISO week and per month add those counts up (rates and means are
taken after adding, never averaged). A call belongs to the base of the
technician of its first visit (calls never visited, such as phone-only ones, have no base:
they count in the totals without a base filter and under no base in the breakdown).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    exists,
    func,
    literal_column,
    or_,
    select,
    true,
)
from sqlalchemy.orm import aliased

from dispatch.clock import TOKYO
from dispatch.domain.call_decision import Decision
from dispatch.domain.call_status import CallStatus
from dispatch.domain.kpi import Grouping, rate
from dispatch.domain.non_conformity import NonConformityStatus
from dispatch.domain.report_status import ReportStatus
from dispatch.domain.visit_status import VisitStatus
from dispatch.errors import InvalidInput
from dispatch.extensions import db
from dispatch.models import (
    Application,
    NonConformity,
    Plan,
    RepairCall,
    ServiceBase,
    Technician,
    Visit,
    WorkReport,
)
from dispatch.models.types import JsonType
from dispatch.services.kpi.sql import (
    day_text,
    minutes_between,
    tokyo_day,
    within_rework_window,
)
from reports.document import Result

MAX_SPAN_DAYS = 3 * 366  # a few years at most: the breakdown per week stays readable
NO_BASE = ""  # the key of calls no technician has visited

COUNTS = ("same_day_promised", "same_day_kept", "calls_visited", "fixed_first_visit",
          "calls_with_follow_up", "arrivals_measured", "reports_signed", "reports_refused",
          "reports_resolved", "reports_reworked", "sla_breaches", "calls", "visits_routed")


class _Scope:
    """The range and base filter of one request, with the (day, base) key expression."""

    def __init__(self, start: date, end: date, base: str | None) -> None:
        self.start, self.end, self.base = start, end, base
        # Calls are counted on their Tokyo day: the range is Tokyo midnight to midnight.
        self.lo = datetime.combine(start, time(0), TOKYO).astimezone(UTC)
        self.hi = datetime.combine(end + timedelta(days=1), time(0), TOKYO).astimezone(UTC)

    def key(self, day: ColumnElement[str], base_code: Any) -> ColumnElement[str]:
        """The fact's group: its day and base as 'YYYY-MM-DD|CODE' (no base: empty)."""
        none: ColumnElement[str] = literal_column("''")
        base = func.coalesce(base_code, none) if base_code is not None else none
        return (day + literal_column("'|'") + base).label("k")

    @staticmethod
    def grouped(query: Any) -> Any:
        return query.group_by(literal_column("k"))


def _first_visits() -> Any:
    """call_id → the call's first visit that was not cancelled."""
    return (select(Visit.call_id, func.min(Visit.id).label("visit_id"))
            .where(Visit.status != VisitStatus.CANCELLED)
            .group_by(Visit.call_id).subquery("first_visits"))


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _same_day(scope: _Scope) -> Iterable[Any]:
    """Same-day promises and those kept: a visit on the promised day reached the site.

    The promised day is the Tokyo day the call came in (a same-day decision serves that
    day, rules.md §5); the call's own service_date moves with follow-ups, so it is not used.
    Calls cancelled or resolved by telephone carry no onsite promise any more.
    """
    fv, first, tech, base, served = (_first_visits(), aliased(Visit), aliased(Technician),
                                     aliased(ServiceBase), aliased(Visit))
    kept = exists().where(served.call_id == RepairCall.id,
                          day_text(served.service_date) == tokyo_day(RepairCall.received_at),
                          served.status.in_([VisitStatus.ARRIVED, VisitStatus.DONE]))
    key = scope.key(tokyo_day(RepairCall.received_at), base.code)
    query = (select(key, func.count(RepairCall.id), _count_if(kept))
             .select_from(RepairCall)
             .outerjoin(fv, fv.c.call_id == RepairCall.id)
             .outerjoin(first, first.id == fv.c.visit_id)
             .outerjoin(tech, tech.id == first.technician_id)
             .outerjoin(base, base.id == tech.base_id)
             .where(RepairCall.decision == Decision.SAME_DAY,
                    RepairCall.status.not_in([CallStatus.CANCELLED,
                                              CallStatus.RESOLVED_BY_PHONE]),
                    RepairCall.received_at >= scope.lo, RepairCall.received_at < scope.hi))
    if scope.base:
        query = query.where(base.code == scope.base)
    for k, promised, kept_n in db.session.execute(scope.grouped(query)):
        yield k, {"same_day_promised": promised, "same_day_kept": kept_n}


def _first_visit_outcomes(scope: _Scope) -> Iterable[Any]:
    """Per call visited (its first visit has a report): fixed then, follow-ups, arrival time."""
    fv, first, tech, base, other = (_first_visits(), aliased(Visit), aliased(Technician),
                                    aliased(ServiceBase), aliased(Visit))
    fixed = and_(WorkReport.status == ReportStatus.SIGNED,
                 WorkReport.content["result"].as_string() == Result.RESOLVED.value)
    follow_up = exists().where(other.call_id == RepairCall.id, other.follow_up_of_id.is_not(None))
    # Whole minutes: julianday() arithmetic on SQLite is off by a few microseconds.
    minutes = func.round(minutes_between(RepairCall.received_at,
                                         WorkReport.content["arrived_at"].as_string()))
    key = scope.key(day_text(first.service_date), base.code)
    query = (select(key, func.count(RepairCall.id), _count_if(fixed), _count_if(follow_up),
                    func.count(minutes), func.avg(minutes))
             .select_from(RepairCall)
             .join(fv, fv.c.call_id == RepairCall.id)
             .join(first, first.id == fv.c.visit_id)
             .join(WorkReport, WorkReport.visit_id == first.id)
             .outerjoin(tech, tech.id == first.technician_id)
             .outerjoin(base, base.id == tech.base_id)
             .where(first.service_date >= scope.start, first.service_date <= scope.end))
    if scope.base:
        query = query.where(base.code == scope.base)
    for k, visited, fixed_n, follow_n, measured, avg in db.session.execute(
            scope.grouped(query)):
        yield k, {"calls_visited": visited, "fixed_first_visit": fixed_n,
                  "calls_with_follow_up": follow_n, "arrivals_measured": measured,
                  "_minutes_sum": float(avg or 0) * measured}


def _reports(scope: _Scope) -> Iterable[Any]:
    """Reports signed and refused, and resolved jobs reworked: a repeat call or a claim."""
    tech, base, later = aliased(Technician), aliased(ServiceBase), aliased(RepairCall)
    signed = WorkReport.status == ReportStatus.SIGNED
    resolved = and_(signed, WorkReport.content["result"].as_string() == Result.RESOLVED.value)
    repeat = exists().where(later.device_id == RepairCall.device_id, later.id != RepairCall.id,
                            within_rework_window(WorkReport.signed_at, later.received_at))
    # A claim that the job did not meet the specification is rework whenever it comes; one
    # refused for an out-of-scope cause was not the service's fault, so it does not count.
    claimed = exists().where(NonConformity.report_id == WorkReport.id,
                             NonConformity.status != NonConformityStatus.REFUSED)
    key = scope.key(day_text(Visit.service_date), base.code)
    query = (select(key, _count_if(signed),
                    _count_if(WorkReport.status == ReportStatus.REFUSED),
                    _count_if(resolved), _count_if(and_(resolved, or_(repeat, claimed))))
             .select_from(WorkReport)
             .join(Visit, Visit.id == WorkReport.visit_id)
             .join(RepairCall, RepairCall.id == Visit.call_id)
             .outerjoin(tech, tech.id == Visit.technician_id)
             .outerjoin(base, base.id == tech.base_id)
             .where(Visit.service_date >= scope.start, Visit.service_date <= scope.end))
    if scope.base:
        query = query.where(base.code == scope.base)
    for k, signed_n, refused_n, resolved_n, reworked_n in db.session.execute(
            scope.grouped(query)):
        yield k, {"reports_signed": signed_n, "reports_refused": refused_n,
                  "reports_resolved": resolved_n, "reports_reworked": reworked_n}


def _sla(scope: _Scope) -> Iterable[Any]:
    """Applications flagged for a missed registration SLA (rules.md §4) in the range.

    Registration is office work, not a base's: there is no per-base figure.
    """
    if scope.base:
        return
    key = scope.key(day_text(Application.sla_breached_on), None)
    query = (select(key, func.count(Application.id))
             .where(Application.sla_breached_on >= scope.start,
                    Application.sla_breached_on <= scope.end))
    for k, n in db.session.execute(scope.grouped(query)):
        yield k, {"sla_breaches": n}


def _calls(scope: _Scope) -> Iterable[Any]:
    """Calls taken, by decision and by rule code."""
    fv, first, tech, base = _first_visits(), aliased(Visit), aliased(Technician), aliased(
        ServiceBase)
    dialect = db.session.get_bind().dialect.name
    codes = (func.jsonb_array_elements_text(RepairCall.codes) if dialect == "postgresql"
             else func.json_each(RepairCall.codes)).table_valued("value", name="code")
    key = scope.key(tokyo_day(RepairCall.received_at), base.code)

    def scoped(query: Any) -> Any:
        query = (query.outerjoin(fv, fv.c.call_id == RepairCall.id)
                 .outerjoin(first, first.id == fv.c.visit_id)
                 .outerjoin(tech, tech.id == first.technician_id)
                 .outerjoin(base, base.id == tech.base_id)
                 .where(RepairCall.received_at >= scope.lo, RepairCall.received_at < scope.hi))
        return query.where(base.code == scope.base) if scope.base else query

    by_decision = scoped(select(key, RepairCall.decision, func.count(RepairCall.id))
                         .select_from(RepairCall)).group_by(RepairCall.decision)
    for k, decision, n in db.session.execute(scope.grouped(by_decision)):
        yield k, {"calls": n, "calls_by_decision": {str(decision): n}}
    by_code = scoped(select(key, codes.c.value, func.count(RepairCall.id))
                     .select_from(RepairCall).join(codes, true())).group_by(codes.c.value)
    for k, code, n in db.session.execute(scope.grouped(by_code)):
        yield k, {"calls_by_code": {str(code): n}}


def _distance(scope: _Scope) -> Iterable[Any]:
    """Planned route distance of the current plans, and the visits those routes serve."""
    dialect = db.session.get_bind().dialect.name
    routes_fn = (func.jsonb_array_elements(Plan.solution["routes"]) if dialect == "postgresql"
                 else func.json_each(Plan.solution, "$.routes"))
    routes = routes_fn.table_valued(literal_column("value", JsonType), name="route")
    tech, base = aliased(Technician), aliased(ServiceBase)
    key = scope.key(day_text(Plan.service_date), base.code)
    in_range = and_(Plan.is_current.is_(True), Plan.service_date >= scope.start,
                    Plan.service_date <= scope.end)
    metres = (select(key, func.coalesce(func.sum(routes.c.value["distance_m"].as_float()), 0))
              .select_from(Plan).join(routes, true())
              .join(tech, tech.id == routes.c.value["technician_id"].as_integer())
              .join(base, base.id == tech.base_id).where(in_range))
    visits = (select(key, func.count(Visit.id)).select_from(Visit)
              .join(Plan, Plan.id == Visit.plan_id)
              .join(tech, tech.id == Visit.technician_id)
              .join(base, base.id == tech.base_id)
              .where(in_range, Visit.status != VisitStatus.CANCELLED))
    if scope.base:
        metres, visits = metres.where(base.code == scope.base), visits.where(
            base.code == scope.base)
    for k, m in db.session.execute(scope.grouped(metres)):
        yield k, {"_metres": float(m or 0)}
    for k, n in db.session.execute(scope.grouped(visits)):
        yield k, {"visits_routed": n}


QUERIES = (_same_day, _first_visit_outcomes, _reports, _sla, _calls, _distance)


def _empty() -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(COUNTS, 0)
    row.update(calls_by_decision={}, calls_by_code={}, _minutes_sum=0.0, _metres=0.0)
    return row


def _merge(row: dict[str, Any], part: dict[str, Any]) -> None:
    for name, value in part.items():
        if isinstance(value, dict):
            for sub, n in value.items():
                row[name][sub] = row[name].get(sub, 0) + n
        else:
            row[name] += value


def _finish(row: dict[str, Any], scope: _Scope, grouping: Grouping) -> dict[str, Any]:
    minutes, metres = row.pop("_minutes_sum"), row.pop("_metres")
    row.update(
        same_day_kept_rate=rate(row["same_day_kept"], row["same_day_promised"]),
        first_time_fix_rate=rate(row["fixed_first_visit"], row["calls_visited"]),
        follow_up_rate=rate(row["calls_with_follow_up"], row["calls_visited"]),
        rework_rate=rate(row["reports_reworked"], row["reports_resolved"]),
        signed_rate=rate(row["reports_signed"],
                         row["reports_signed"] + row["reports_refused"]),
        call_to_arrival_minutes=(round(minutes / row["arrivals_measured"], 1)
                                 if row["arrivals_measured"] else None),
        km_total=round(metres / 1000, 1),
        km_per_visit=(round(metres / 1000 / row["visits_routed"], 2)
                      if row["visits_routed"] else None),
    )
    if scope.base or grouping is Grouping.BASE:
        row["sla_breaches"] = None  # not a base's figure (see _sla)
    row["calls_by_decision"] = {d.value: row["calls_by_decision"].get(d.value, 0)
                                for d in Decision}
    row["calls_by_code"] = dict(sorted(row["calls_by_code"].items()))
    return row


def _facts(scope: _Scope) -> list[tuple[date, str, dict[str, Any]]]:
    """Every query's counts per (day, base): the grouping below only adds them up."""
    facts = []
    for query in QUERIES:
        for key, part in query(scope):
            day, _, base = str(key).partition("|")
            facts.append((date.fromisoformat(day), base, part))
    return facts


def _bucket(grouping: Grouping, day: date, base: str) -> str:
    if grouping is Grouping.BASE:
        return base
    if grouping is Grouping.WEEK:
        return (day - timedelta(days=day.weekday())).isoformat()  # its Monday
    if grouping is Grouping.MONTH:
        return day.replace(day=1).isoformat()
    return "all"


def figures(facts: list[tuple[date, str, dict[str, Any]]], scope: _Scope,
            grouping: Grouping) -> dict[str, dict[str, Any]]:
    """bucket → the figures of that group (key 'all' for the totals)."""
    rows: dict[str, dict[str, Any]] = {}
    for day, base, part in facts:
        if grouping is Grouping.BASE and "sla_breaches" in part:
            continue  # registration is not a base's work (see _sla)
        _merge(rows.setdefault(_bucket(grouping, day, base), _empty()), part)
    if grouping is Grouping.TOTAL and not rows:
        rows["all"] = _empty()
    return {k: _finish(rows[k], scope, grouping) for k in sorted(rows)}


def kpis(start: date, end: date, base: str | None = None) -> dict[str, Any]:
    """The figures over [start, end] (Tokyo days, both included), optionally for one base."""
    if end < start:
        raise InvalidInput("'to' must not be before 'from'", errors={"to": ["before from"]})
    if (end - start).days > MAX_SPAN_DAYS:
        raise InvalidInput(f"the range may span at most {MAX_SPAN_DAYS} days",
                           errors={"to": ["range too long"]})
    if base and db.session.scalar(select(ServiceBase.id).where(ServiceBase.code == base)) is None:
        raise InvalidInput(f"no service base '{base}'", errors={"base": ["unknown base"]})
    scope = _Scope(start, end, base or None)
    facts = _facts(scope)
    totals = figures(facts, scope, Grouping.TOTAL)["all"]
    by_base = figures(facts, scope, Grouping.BASE)
    return {
        "from": start.isoformat(), "to": end.isoformat(), "base": base or None,
        **totals,
        "by_base": [{"base": k or None, **v} for k, v in by_base.items()],
        "by_week": [{"week": k, **v} for k, v in figures(facts, scope, Grouping.WEEK).items()],
        "by_month": [{"month": k, **v} for k, v in figures(facts, scope, Grouping.MONTH).items()],
    }
