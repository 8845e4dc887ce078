"""Immediate termination of a customer found to be an anti-social force (rules.md §8, seed §19).

Packs keep their status (no new pack status is needed): coverage and intake consult
`is_service_terminated`, which reads Customer.terminated_at.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from dispatch import clock
from dispatch.domain.call_status import CallStatus
from dispatch.domain.visit_status import VisitStatus
from dispatch.errors import Conflict, InvalidInput, NotFound
from dispatch.extensions import db
from dispatch.models import Customer, Device, RepairCall, Site, Visit
from dispatch.services.trust.audit import Actor, record

OPEN_CALL_STATUSES = (CallStatus.OPEN, CallStatus.SCHEDULED)
CANCELLABLE_VISITS = (VisitStatus.UNASSIGNED, VisitStatus.PLANNED, VisitStatus.EN_ROUTE)


def is_service_terminated(device: Device) -> bool:
    """True when the device's customer has been terminated (intake answers not_covered)."""
    return device.site.customer.terminated_at is not None


def terminate_customer(customer_id: int, reason: str, actor: Actor,
                       now: datetime | None = None) -> dict[str, Any]:
    """Terminate at once: stamp the customer, cancel open calls and future visits."""
    now = now or clock.now()
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("a reason is required", errors={"reason": ["required"]})
    customer = db.session.scalar(
        select(Customer).where(Customer.id == customer_id).with_for_update())
    if customer is None:
        raise NotFound(f"no customer {customer_id}")
    if customer.terminated_at is not None:
        raise Conflict(f"customer {customer_id} was already terminated")
    customer.terminated_at, customer.termination_reason = now, reason
    devices = select(Device.id).join(Site).where(Site.customer_id == customer_id)
    calls = db.session.scalars(select(RepairCall).where(
        RepairCall.device_id.in_(devices), RepairCall.status.in_(OPEN_CALL_STATUSES))).all()
    today = clock.to_tokyo(now).date()
    visits = db.session.scalars(select(Visit).join(RepairCall).where(
        RepairCall.device_id.in_(devices), Visit.service_date >= today,
        Visit.status.in_(CANCELLABLE_VISITS))).all()
    for call in calls:
        call.status = CallStatus.CANCELLED
    for visit in visits:
        visit.status = VisitStatus.CANCELLED
    summary = {"terminated_at": now, "calls_cancelled": [c.id for c in calls],
               "visits_cancelled": [v.id for v in visits]}
    record(actor, "customer.terminate", "customer", customer_id,
           after={**summary, "reason": reason})
    db.session.flush()
    return {"customer_id": customer_id, "reason": reason, **summary}
