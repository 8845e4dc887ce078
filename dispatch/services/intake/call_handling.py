"""What a coordinator does with a call after taking it: resolve it by phone, override a
phone-only decision with a reason, or record the customer's consent to work past the support
hours (rules.md §5)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm.exc import StaleDataError

from dispatch.domain.call_decision import (
    Area,
    AreaVerdict,
    CoverageVerdict,
    Decision,
    decide_call,
)
from dispatch.domain.call_status import CallStatus
from dispatch.domain.codes import RuleCode
from dispatch.domain.visit_status import VisitStatus
from dispatch.errors import Conflict, InvalidInput
from dispatch.extensions import db
from dispatch.models import Pack, RepairCall, Visit
from dispatch.services.intake.calls import CALL_FIELDS, area_of, call_by_id, visits_of
from dispatch.services.registration.coverage_facts import support_hours_of
from dispatch.services.trust.audit import Actor, record, snapshot

# A technician already on the way or on site cannot be called back by a phone fix.
_CANCELLABLE_VISITS = (VisitStatus.UNASSIGNED, VisitStatus.PLANNED)
_OPEN = (CallStatus.OPEN, CallStatus.SCHEDULED)


def resolve_by_phone(call_id: int, actor: Actor) -> RepairCall:
    """Close a covered call by telephone diagnosis; its pending visit is cancelled (§5)."""
    call = call_by_id(call_id)
    if call.status == CallStatus.RESOLVED_BY_PHONE:
        return call  # pressing the button twice is harmless
    if call.decision == Decision.NOT_COVERED:
        raise Conflict("a call that is not covered cannot be resolved under the pack",
                       codes=call.codes)
    if call.status not in _OPEN:
        raise Conflict(f"the call is already {call.status}")
    before = snapshot(call, CALL_FIELDS)
    visits = visits_of(call)
    busy = [v for v in visits if v.status not in (*_CANCELLABLE_VISITS, VisitStatus.CANCELLED)]
    if busy:
        raise Conflict(f"visit {busy[0].id} is already {busy[0].status}")
    for visit in visits:
        if visit.status in _CANCELLABLE_VISITS:
            visit.status = VisitStatus.CANCELLED
    call.status = CallStatus.RESOLVED_BY_PHONE
    record(actor, "call.resolve_by_phone", "repair_call", call.id, before=before,
           after=snapshot(call, CALL_FIELDS))
    _flush()
    return call


def override_phone_only(call_id: int, reason: str, actor: Actor) -> RepairCall:
    """Send a phone-only call onsite on the next support day, with the reason (§5)."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("an override needs a reason", errors={"reason": ["required"]})
    call = call_by_id(call_id)
    if call.decision != Decision.PHONE_ONLY or call.status not in _OPEN:
        raise Conflict("only an open phone-only call can be overridden", codes=call.codes)
    pack = db.session.get(Pack, call.pack_id) if call.pack_id else None
    if pack is None or call.device is None:
        raise Conflict("the call has no pack to serve it under")
    before = snapshot(call, CALL_FIELDS)
    area = _phone_only_area(call)
    coverage_codes = tuple(RuleCode(c) for c in call.codes if RuleCode(c) not in _AREA_CODES)
    # Decided from the call's acceptance like every other call (issue 14): the service day
    # is the support day after the call was accepted, whenever the override is typed in, so
    # a call entered and overridden later gets the date the rule gave it, not one from today.
    decided = decide_call(CoverageVerdict(True, coverage_codes),
                          AreaVerdict(area, override_reason=reason), call.parts_required,
                          support_hours_of(pack), call.received_at)
    call.decision = decided.decision
    call.service_date = decided.service_date
    call.cutoff_at = decided.cutoff_at
    call.codes = [c.value for c in decided.codes]
    call.override_reason = reason
    db.session.add(Visit(call_id=call.id, service_date=decided.service_date,
                         status=VisitStatus.UNASSIGNED))
    record(actor, "call.override_phone_only", "repair_call", call.id, before=before,
           after=snapshot(call, CALL_FIELDS))
    _flush()
    return call


def record_after_hours_consent(call_id: int, consented_by: str, actor: Actor,
                               now: datetime) -> RepairCall:
    """The customer agreed that the visit may run past the pack's support hours (seed §7(1)).

    OXT asks, the customer agrees, and the name of who agreed is kept: the planner may then
    start the work after the support hours end, within the technician's shift. The decision
    and the same-day cutoff of the call do not change.
    """
    consented_by = (consented_by or "").strip()
    if not consented_by:
        raise InvalidInput("say who agreed", errors={"consented_by": ["required"]})
    call = call_by_id(call_id)
    if call.status not in _OPEN or call.decision not in _ONSITE:
        raise Conflict("only an open call with a visit to come can run past the support hours",
                       codes=call.codes)
    before = snapshot(call, _CONSENT_FIELDS)
    call.after_hours_consent = True
    call.after_hours_consented_by = consented_by
    call.after_hours_consented_at = now
    record(actor, "call.after_hours_consent", "repair_call", call.id, before=before,
           after=snapshot(call, _CONSENT_FIELDS))
    _flush()
    return call


_ONSITE = (Decision.SAME_DAY, Decision.NEXT_BUSINESS_DAY)
_CONSENT_FIELDS = ("after_hours_consent", "after_hours_consented_by", "after_hours_consented_at")


def _flush() -> None:
    # Two coordinators acting on one call at once: the second sees a 409, not a 500 (its
    # unit of work rolls the attempt back).
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict("the call was changed by someone else meanwhile; reload it") from None


_AREA_CODES = (RuleCode.REMOTE_ISLAND, RuleCode.OUTSIDE_SERVICE_AREA)


def _phone_only_area(call: RepairCall) -> Area:
    assert call.device is not None  # override_phone_only refused a call without one
    if RuleCode.REMOTE_ISLAND.value in call.codes:
        return Area.REMOTE_ISLAND
    if RuleCode.OUTSIDE_SERVICE_AREA.value in call.codes:
        return Area.OUTSIDE_SERVICE_AREA
    return area_of(call.device.site).area  # pragma: no cover - phone_only always has a code
