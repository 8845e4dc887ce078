"""Non-conformity claims and their free rework calls (seed §17.1, rules.md §7).

A site manager (or staff on their behalf) reports that a signed job does not meet the
service specification. Unless the signed report names an out-of-scope cause, a rework call
for the same device opens at once: decided by the same-day cutoff of the pack's support
hours (never by coverage: the rework remedies work already paid for), linked to the claim
and served free. Signing a rework report `resolved` settles the claim; `unresolved` opens
the next rework call; `follow_up` keeps the claim open on the follow-up visit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from dispatch import clock
from dispatch.domain.call_decision import (
    PHONE_ONLY_AREAS,
    AreaVerdict,
    CoverageVerdict,
    decide_call,
)
from dispatch.domain.call_status import CallStatus
from dispatch.domain.non_conformity import NonConformityStatus, assess_claim, rework_settles
from dispatch.domain.report_status import ReportStatus
from dispatch.domain.roles import STAFF, Role
from dispatch.domain.visit_status import VisitStatus
from dispatch.errors import Conflict, Forbidden, InvalidInput
from dispatch.extensions import db
from dispatch.models import NonConformity, Pack, RepairCall, Visit
from dispatch.models import WorkReport as ReportRow
from dispatch.services.intake.calls import area_of
from dispatch.services.notify import messages
from dispatch.services.registration.coverage_facts import support_hours_of
from dispatch.services.reporting import access
from dispatch.services.reporting.values import report_value
from dispatch.services.trust.audit import Actor, record
from reports.document import Result

MAX_DESCRIPTION_LENGTH = 2000
REWORK_REASON = "仕様不適合の再作業（作業報告票 {report_id}）"


def claim_non_conformity(report_id: int, description: str, actor: Actor) -> dict[str, Any]:
    """POST /reports/{id}/non-conformities → the claim, with its rework call when open."""
    if actor.role not in (*STAFF, Role.SITE_MANAGER):
        raise Forbidden("the site manager reports a non-conformity")
    if not isinstance(description, str) or not description.strip():
        raise InvalidInput("say what does not meet the specification",
                           errors={"description": ["is required"]})
    if len(description) > MAX_DESCRIPTION_LENGTH:
        raise InvalidInput("the description is too long", errors={
            "description": [f"at most {MAX_DESCRIPTION_LENGTH} characters"]})
    row = access.report_for_reading(report_id, actor)
    if row.status != ReportStatus.SIGNED:
        raise Conflict(f"report {row.id} is not signed: the job is still open")
    pending = db.session.scalar(select(NonConformity.id).where(
        NonConformity.report_id == row.id, NonConformity.status == NonConformityStatus.OPEN))
    if pending is not None:
        raise Conflict(f"non-conformity {pending} on report {row.id} is already being reworked")
    assessment = assess_claim(report_value(row).exclusion_cause)
    now = clock.now()
    claim = NonConformity(
        report_id=row.id, description=description.strip(), reported_at=now,
        reported_by_user_id=actor.user_id, status=assessment.status,
        codes=[c.value for c in assessment.codes], refusal_reason=assessment.reason)
    db.session.add(claim)
    db.session.flush()
    call = open_rework_call(row, claim, now) if claim.status == NonConformityStatus.OPEN else None
    if call is not None:
        messages.rework_opened(call, row, now)  # in this unit of work (the outbox)
    record(actor, "non_conformity.claimed", "work_report", row.id, None,
           {"non_conformity_id": claim.id, "status": claim.status, "codes": claim.codes,
            "rework_call_id": call.id if call else None})
    db.session.flush()
    return claim_json(claim, call)


def open_rework_call(row: ReportRow, claim: NonConformity, now: datetime) -> RepairCall:
    """A free rework call for the claim's device, decided by the cutoff rule alone (§5)."""
    original = row.visit.call
    device = original.device
    assert device is not None  # a signed report's call always identified its device
    pack = db.session.get(Pack, original.pack_id) if original.pack_id else None
    assert pack is not None  # … and the pack it was served under
    reason = REWORK_REASON.format(report_id=row.id)
    area = area_of(device.site)
    if area.area in PHONE_ONLY_AREAS:
        # The job was done onsite, so is its rework, wherever the site lies.
        area = AreaVerdict(area.area, override_reason=reason)
    decided = decide_call(CoverageVerdict(True), area, False, support_hours_of(pack), now)
    assert decided.service_date is not None  # a covered, onsite decision has a date
    call = RepairCall(
        device_id=device.id, pack_id=pack.id, serial=original.serial,
        support_pack_id=original.support_pack_id, received_at=now,
        symptom=f"{reason}: {claim.description}", decision=decided.decision,
        service_date=decided.service_date, cutoff_at=decided.cutoff_at,
        codes=[c.value for c in decided.codes], status=CallStatus.OPEN,
        override_reason=area.override_reason, created_at=now, non_conformity_id=claim.id)
    db.session.add(call)
    db.session.flush()
    db.session.add(Visit(call_id=call.id, service_date=decided.service_date,
                         status=VisitStatus.UNASSIGNED))
    db.session.flush()
    return call


def after_rework_signed(row: ReportRow, actor: Actor) -> None:
    """Settle or carry on the claim a signed rework report belongs to (no commit)."""
    call = row.visit.call
    if call.non_conformity_id is None:
        return
    claim = db.session.get(NonConformity, call.non_conformity_id)
    if claim is None or claim.status != NonConformityStatus.OPEN:
        return
    result = Result(row.content["result"])
    if rework_settles(result):
        claim.status, claim.resolved_by_report_id = NonConformityStatus.RESOLVED, row.id
        record(actor, "non_conformity.resolved", "work_report", claim.report_id, None,
               {"non_conformity_id": claim.id, "resolved_by_report_id": row.id})
    elif result is Result.UNRESOLVED:
        # Seed §17.1: maintenance is repeated until the non-conformity is repaired.
        again = open_rework_call(claim.report, claim, clock.now())
        messages.rework_opened(again, claim.report, clock.now())
        record(actor, "non_conformity.rework_again", "work_report", claim.report_id, None,
               {"non_conformity_id": claim.id, "rework_call_id": again.id})
    db.session.flush()


def claims_of(report_id: int, actor: Actor) -> list[dict[str, Any]]:
    """GET /reports/{id}/non-conformities: every claim on a report the actor may read."""
    row = access.report_for_reading(report_id, actor)
    return claims_of_reports([row.id])


def claims_of_reports(report_ids: list[int]) -> list[dict[str, Any]]:
    """The claims on reports already known to be readable, in the reports' order, in two
    statements whatever their number (the portal lists every report of a manager's sites)."""
    if not report_ids:
        return []
    order = {report_id: i for i, report_id in enumerate(report_ids)}
    claims = sorted(db.session.scalars(select(NonConformity).where(
        NonConformity.report_id.in_(report_ids)).order_by(NonConformity.id)).all(),
        key=lambda claim: order[claim.report_id])  # stable: claim ids ascend per report
    calls = {c.non_conformity_id: c for c in db.session.scalars(
        select(RepairCall).where(RepairCall.non_conformity_id.in_([c.id for c in claims]))
        .order_by(RepairCall.id))} if claims else {}
    return [claim_json(claim, calls.get(claim.id)) for claim in claims]


def claim_json(claim: NonConformity, call: RepairCall | None) -> dict[str, Any]:
    """A claim as the API answers it; `rework_call` is the latest rework call, if any."""
    return {
        "id": claim.id, "report_id": claim.report_id, "status": claim.status,
        "description": claim.description, "reported_at": claim.reported_at,
        "codes": list(claim.codes or []), "reason": claim.refusal_reason,
        "resolved_by_report_id": claim.resolved_by_report_id,
        "rework_call": None if call is None else {
            "id": call.id, "decision": call.decision,
            "service_date": call.service_date,
            "codes": list(call.codes or [])},
    }
