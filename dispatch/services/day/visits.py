"""A visit's progress reported by its technician, and a coordinator's manual pin or move
(rules.md §6 "safely under concurrent edits").

Both take the version the caller saw: a stale version is a 409, never a silent overwrite,
and the row's version column makes two simultaneous writers collide at the UPDATE itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from dispatch.domain.codes import RuleCode
from dispatch.domain.report_status import ReportStatus
from dispatch.domain.roles import Role
from dispatch.domain.visit_status import STARTED, VisitStatus, can_move
from dispatch.errors import Conflict, Forbidden, NotFound
from dispatch.extensions import db
from dispatch.models import Technician, User, Visit, WorkReport
from dispatch.services.day.problem import midnight
from dispatch.services.notify import messages
from dispatch.services.trust.audit import Actor, record, snapshot
from dispatch.services.unit_of_work import locked

FIELDS = ("status", "technician_id", "sequence", "eta", "start_at", "end_at", "pinned")


def _load(visit_id: int, version: int | None = None) -> Visit:
    """The visit, locked until the unit ends (PostgreSQL; SQLite's unit holds the write
    lock), read afresh so that a writer who was ahead of us is seen, not overwritten."""
    visit = locked(Visit, visit_id)
    if visit is None:
        raise NotFound(f"no visit {visit_id}")
    if version is not None:
        _check_version(visit, version)
    return visit


def _check_version(visit: Visit, version: Any) -> None:
    if visit.version != version:
        raise Conflict(f"visit {visit.id} was changed by someone else (now version "
                       f"{visit.version}, you sent {version}); reload and try again")


@contextmanager
def _one_writer(visit_id: int) -> Iterator[None]:
    """Turn the version column's collision (at the flush) into a 409; the caller's unit of
    work rolls the attempt back."""
    try:
        yield
        db.session.flush()
    except StaleDataError:
        raise Conflict(f"visit {visit_id} was changed by someone else at the same time; "
                       "reload and try again") from None


def technician_of(user: User) -> Technician | None:
    """The technician record of a technician's login (same e-mail)."""
    return db.session.scalar(select(Technician).where(Technician.email == user.email))


def has_closing_report(visit_id: int) -> bool:
    """Whether the visit's work report is signed or its refusal recorded (rules.md §7): only
    then may the visit be closed by hand."""
    status = db.session.scalar(select(WorkReport.status).where(WorkReport.visit_id == visit_id))
    return status in (ReportStatus.SIGNED, ReportStatus.REFUSED)


def set_status(visit_id: int, status: VisitStatus | str, version: int, user: User, actor: Actor,
               now: datetime) -> Visit:
    """Record en_route / arrived / done for the visit's own technician (domain/visit_status)."""
    status = VisitStatus(status)
    visit = _load(visit_id)
    # Ownership before the version: a 409 naming the current version would tell another
    # technician about a visit they may not touch (rules.md §8).
    if user.role == Role.TECHNICIAN:
        tech = technician_of(user)
        if tech is None or visit.technician_id != tech.id:
            raise Forbidden("this visit is on another technician's route")
    _check_version(visit, version)
    if not can_move(visit.status, status):
        raise Conflict(f"a visit that is {visit.status} cannot become {status}")
    if status is VisitStatus.DONE and not has_closing_report(visit.id):
        raise Conflict(f"visit {visit_id} has no signed or refused work report yet",
                       codes=[RuleCode.REPORT_NOT_SIGNED])
    before = snapshot(visit, FIELDS)
    visit.status = status
    if status is VisitStatus.ARRIVED:
        # The actual start: later plans pin the visit here (rules.md §6, not moved once started).
        duration = (visit.end_at - visit.start_at) if visit.end_at and visit.start_at else None
        visit.start_at = now
        visit.end_at = now + (duration or timedelta(hours=1))
    elif status is VisitStatus.DONE:
        visit.end_at = now
    elif status is VisitStatus.EN_ROUTE:  # 移動開始: the site manager hears the ETA (§11)
        messages.technician_en_route(visit, now)
    with _one_writer(visit_id):
        record(actor, f"visit.{status}", "visit", visit.id, before, snapshot(visit, FIELDS))
    return visit


def assign(visit_id: int, data: dict[str, Any], actor: Actor) -> Visit:
    """A coordinator pins a visit to a technician (optionally at a start time) or moves it."""
    # The technician first: assignments to one route wait for each other here, so the
    # route's resequencing never collides (a spurious 409), and every writer takes the
    # technician before the visit (no deadlock).
    tech = locked(Technician, data["technician_id"])
    visit = _load(visit_id, data["version"])
    if visit.status in STARTED:
        raise Conflict(f"visit {visit_id} is already {visit.status} and cannot be moved")
    if visit.status == VisitStatus.CANCELLED:
        # A cancelled visit stays off every route; a new call brings the job back.
        raise Conflict(f"visit {visit_id} is cancelled and cannot be assigned")
    if tech is None or not tech.is_active:
        raise NotFound(f"no active technician {data['technician_id']}")
    with _one_writer(visit_id):
        _move(visit, tech, data, actor)
    return visit


def _move(visit: Visit, tech: Technician, data: dict[str, Any], actor: Actor) -> None:
    before = snapshot(visit, FIELDS)
    moved = visit.technician_id != tech.id
    visit.technician_id, visit.pinned = tech.id, data["pinned"]
    visit.status = VisitStatus.PLANNED
    visit.drop_codes = []
    start: time | None = data.get("start")
    if start is not None:
        length = (visit.end_at - visit.start_at) if visit.end_at and visit.start_at else None
        visit.start_at = visit.eta = midnight(visit.service_date) + timedelta(
            hours=start.hour, minutes=start.minute)
        visit.end_at = visit.start_at + (length or timedelta(hours=1))
    elif moved:
        # Times on another route are unknown until the next re-plan, which keeps the pin.
        visit.eta = visit.start_at = visit.end_at = None
    _resequence(tech.id, visit)
    record(actor, "visit.assign", "visit", visit.id, before, snapshot(visit, FIELDS))


def _resequence(tech_id: int, visit: Visit) -> None:
    """Order the technician's visits of the day by start time (unknown times last)."""
    others = db.session.scalars(select(Visit).where(
        Visit.technician_id == tech_id, Visit.service_date == visit.service_date,
        Visit.status != VisitStatus.CANCELLED, Visit.id != visit.id)).all()
    far = midnight(visit.service_date) + timedelta(days=1)
    ordered = sorted([*others, visit], key=lambda v: (v.start_at or far, v.sequence or 99, v.id))
    for n, v in enumerate(ordered, start=1):
        if v.sequence != n:
            v.sequence = n
