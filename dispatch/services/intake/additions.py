"""A second call about a device that already has an open call: the coordinator sees that
call and adds the new report to it instead of sending a second visit (rules.md §5).

The issue behind it: four calls for one device became four visits for one technician.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from dispatch.clock import to_tokyo
from dispatch.domain.call_status import CallStatus
from dispatch.errors import Conflict, InvalidInput
from dispatch.extensions import db
from dispatch.models import RepairCall
from dispatch.services.intake.calls import call_by_id
from dispatch.services.trust.audit import Actor, record

OPEN = (CallStatus.OPEN, CallStatus.SCHEDULED)
MAX_SYMPTOM = 2000  # the call form's limit, for the whole text after additions too


def open_calls_for(serial: str) -> list[RepairCall]:
    """The device's calls still waiting for a visit or a phone fix, newest first."""
    return list(db.session.scalars(select(RepairCall).where(
        RepairCall.serial == serial, RepairCall.status.in_(OPEN))
        .order_by(RepairCall.received_at.desc(), RepairCall.id.desc())))


def add_to_call(call_id: int, symptom: str, received_at: datetime, actor: Actor) -> RepairCall:
    """Append the new report to the open call's symptom (audited); no new call, no visit."""
    call = call_by_id(call_id)
    if call.status not in OPEN:
        raise Conflict(f"call {call_id} is already {call.status}; take a new call instead")
    text = (symptom or "").strip()
    if not text:
        raise InvalidInput("the symptom is required", errors={"symptom": ["required"]})
    before = {"symptom": call.symptom}
    note = f"{call.symptom}\n[{to_tokyo(received_at):%Y-%m-%d %H:%M} 追加] {text}"
    if len(note) > MAX_SYMPTOM:
        raise InvalidInput("the call's symptom text is full",
                           errors={"symptom": [f"at most {MAX_SYMPTOM} characters"]})
    call.symptom = note
    record(actor, "call.add_report", "repair_call", call.id, before, {"symptom": call.symptom})
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict("the call was changed by someone else meanwhile; reload it") from None
    return call
