"""Signing completes the job (rules.md §7): the visit is done; a follow-up gets a next visit."""

from __future__ import annotations

from datetime import date, datetime

from dispatch import clock
from dispatch.domain.calendar import next_oxt_business_day
from dispatch.domain.call_status import CallStatus
from dispatch.domain.support_hours import next_support_day
from dispatch.domain.visit_status import VisitStatus
from dispatch.extensions import db
from dispatch.models import Pack, Visit
from dispatch.services.registration.coverage_facts import support_hours_of
from reports.document import Result


def follow_up_day(visit: Visit, signed_on: date) -> date:
    """The next support day of the call's pack after the visit (else OXT's next business day)."""
    after = max(visit.service_date, signed_on)
    pack = db.session.get(Pack, visit.call.pack_id) if visit.call.pack_id else None
    if pack is not None:
        try:
            return next_support_day(support_hours_of(pack), after)
        except ValueError:  # hours that never open: fall back to OXT's calendar
            pass
    return next_oxt_business_day(after)


def complete_job(visit: Visit, result: Result | str, now: datetime) -> Visit | None:
    """Mark the visit done; close the call, or plan the follow-up visit (result follow_up)."""
    visit.status = VisitStatus.DONE
    call = visit.call
    if Result(result) is not Result.FOLLOW_UP:
        call.status = CallStatus.DONE
        return None
    day = follow_up_day(visit, clock.to_tokyo(now).date())
    nxt = Visit(call_id=call.id, service_date=day, status=VisitStatus.UNASSIGNED,
                technician_id=None, follow_up_of_id=visit.id, drop_codes=[])
    db.session.add(nxt)
    # The job stays open on a new day: the call is scheduled again, not done.
    call.status, call.service_date = CallStatus.SCHEDULED, day
    db.session.flush()
    return nxt
