"""Who may see and write which work report (rules.md §8 roles).

A technician only their own visits' reports; a site manager only reports of sites whose
manager_email is theirs; coordinators and administrators all. Out-of-reach reports answer
404, so their existence is not revealed.
"""

from __future__ import annotations

from sqlalchemy import select

from dispatch.domain.ownership import manages_site
from dispatch.domain.roles import STAFF, Role
from dispatch.errors import Forbidden, NotFound
from dispatch.extensions import db
from dispatch.models import Technician, Visit
from dispatch.models import WorkReport as ReportRow
from dispatch.services.trust.audit import Actor


def _technician_id(email: str) -> int | None:
    return db.session.scalar(select(Technician.id).where(Technician.email == email))


def _site_manager_email(visit: Visit) -> str | None:
    device = visit.call.device
    return device.site.manager_email if device is not None else None


def can_see_visit(actor: Actor, visit: Visit) -> bool:
    """True when the actor may read the visit's report."""
    if actor.role in STAFF:
        return True
    if actor.role == Role.TECHNICIAN:
        return visit.technician_id is not None and visit.technician_id == _technician_id(
            actor.label)
    if actor.role == Role.SITE_MANAGER:
        return manages_site(_site_manager_email(visit), actor.label)
    return False


def visit_for_writing(visit_id: int, actor: Actor) -> Visit:
    """The visit whose report the actor may write: its own technician or staff."""
    visit = db.session.get(Visit, visit_id)
    if visit is None or not can_see_visit(actor, visit):
        raise NotFound(f"no visit {visit_id}")
    if actor.role not in (*STAFF, Role.TECHNICIAN):
        raise Forbidden("only the visit's technician or the coordinators write its report")
    return visit


def report_for_reading(report_id: int, actor: Actor) -> ReportRow:
    """The report if the actor may see it; 404 otherwise."""
    row = db.session.get(ReportRow, report_id)
    if row is None or not can_see_visit(actor, row.visit):
        raise NotFound(f"no report {report_id}")
    return row


def report_for_signing(report_id: int, actor: Actor) -> ReportRow:
    """Signing happens on the technician's tablet, in the portal or by staff."""
    return report_for_reading(report_id, actor)
