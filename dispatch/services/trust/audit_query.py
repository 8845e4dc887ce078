"""Reading the audit log for administrators: filters, pages and CSV/JSON export."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, select

from dispatch.clock import TOKYO
from dispatch.extensions import db
from dispatch.models import AuditEvent

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000
COLUMNS = ("id", "at", "actor_user_id", "actor_label", "action", "entity_type", "entity_id",
           "before", "after")


@dataclass(frozen=True)
class AuditFilter:
    """Filters of the audit viewer; dates are Tokyo calendar days, both inclusive."""

    entity_type: str | None = None
    entity_id: str | None = None
    actor: str | None = None
    action: str | None = None
    date_from: date | None = None
    date_to: date | None = None


def _query(flt: AuditFilter) -> Select[Any]:
    query = select(AuditEvent)
    if flt.entity_type:
        query = query.where(AuditEvent.entity_type == flt.entity_type)
    if flt.entity_id:
        query = query.where(AuditEvent.entity_id == flt.entity_id)
    if flt.actor:
        query = query.where(AuditEvent.actor_label.contains(flt.actor, autoescape=True))
    if flt.action:
        query = query.where(AuditEvent.action == flt.action)
    if flt.date_from:
        query = query.where(AuditEvent.at >= datetime.combine(flt.date_from, time(), TOKYO))
    if flt.date_to:
        end = datetime.combine(flt.date_to + timedelta(days=1), time(), TOKYO)
        query = query.where(AuditEvent.at < end)
    return query


def page(flt: AuditFilter, number: int) -> tuple[list[AuditEvent], int]:
    """One page of matching events, newest first, and the total count."""
    total = db.session.scalar(select(func.count()).select_from(_query(flt).subquery())) or 0
    number = max(number, 1)
    events = db.session.scalars(_query(flt).order_by(AuditEvent.id.desc())
                                .limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE)).all()
    return list(events), total


def choices() -> tuple[list[str], list[str]]:
    """The entity types and actions present in the log, for the viewer's drop-down filters."""
    types = db.session.scalars(select(AuditEvent.entity_type).distinct()
                               .order_by(AuditEvent.entity_type))
    actions = db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    return list(types), list(actions)


def rows(flt: AuditFilter) -> list[dict[str, Any]]:
    """All matching events (oldest first) as JSON-ready dicts, times in Japan (+09:00)."""
    events = db.session.scalars(_query(flt).order_by(AuditEvent.id).limit(EXPORT_LIMIT))
    return [{"id": e.id, "at": e.at.astimezone(TOKYO).isoformat(), "actor_user_id": e.actor_user_id,
             "actor_label": e.actor_label, "action": e.action, "entity_type": e.entity_type,
             "entity_id": e.entity_id, "before": e.before, "after": e.after} for e in events]


def to_csv(items: list[dict[str, Any]]) -> str:
    """CSV with a header; before/after as JSON text (UTF-8 with BOM so Excel reads it)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for item in items:
        writer.writerow([json.dumps(item[c], ensure_ascii=False) if c in ("before", "after")
                         else ("" if item[c] is None else item[c]) for c in COLUMNS])
    return "\ufeff" + out.getvalue()
