"""Writing the audit log inside the caller's transaction, so a change and its record
commit together or not at all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from dispatch import clock
from dispatch.extensions import db
from dispatch.models import AuditEvent
from dispatch.services.trust.audit_chain import mark_pending


@dataclass(frozen=True)
class Actor:
    """Who acts: a logged-in user, or a job or the CLI (user_id None)."""

    label: str
    user_id: int | None = None
    role: str | None = None


SYSTEM = Actor(label="system")


def jsonable(value: Any) -> Any:
    """Dates and times as ISO text so before/after snapshots fit a JSON column."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """The named attributes of a model as JSON-ready values."""
    return {f: jsonable(getattr(obj, f)) for f in fields}


def record(
    actor: Actor,
    action: str,
    entity_type: str,
    entity_id: object,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Append one audit event to the current session (committed by the caller's unit of work)."""
    row = AuditEvent(
        at=clock.now(),
        actor_user_id=actor.user_id,
        actor_label=actor.label,
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id),
        before=jsonable(before),
        after=jsonable(after),
    )
    db.session.add(row)
    mark_pending(db.session(), row)  # chained when the unit of work commits
