"""The daily lifecycle jobs of rules.md §4: cancellations, voids, reminders, SLA breaches.

Every state change is one set-based UPDATE (no loop over rows) so a million packs take
seconds; reminders are INSERT … SELECT … ON CONFLICT DO NOTHING into `notices`, whose
unique key (kind, pack, anchor) makes each reminder happen once. Running a day twice
changes nothing more. Each job writes ONE audit event per run with its count and the first
affected ids (set-based updates have no per-row event).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import and_, exists, literal, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from dispatch import clock
from dispatch.domain import lifecycle
from dispatch.domain.calendar import add_business_days
from dispatch.domain.codes import RuleCode
from dispatch.domain.products import HELD_STATUSES, PackStatus
from dispatch.extensions import db
from dispatch.models import Application, Inquiry, JobRun, Notice, Pack
from dispatch.services.notify import messages
from dispatch.services.registration.rederive import rederive_devices_of
from dispatch.services.trust.audit import SYSTEM, Actor, record

AUDIT_IDS = 1000
# Coverage-end reminder: sent once, from 60 days before the pack's coverage end.
COVERAGE_END_NOTICE_DAYS = 60
DAILY = "daily"


def _last_matching(day: date, is_due: Callable[[date], bool], back: int) -> date:
    # The latest anchor date whose deadline has come by `day`; deadlines grow with the anchor,
    # so every earlier anchor is due too and one `<=` comparison selects them all in SQL.
    anchor = day - timedelta(days=back)
    while not is_due(anchor):
        anchor -= timedelta(days=1)
    while is_due(anchor + timedelta(days=1)):
        anchor += timedelta(days=1)
    return anchor


def void_threshold(day: date) -> date:
    """Latest pack purchase date for which `day` is on or after the void date."""
    return _last_matching(day, lambda p: lifecycle.is_void_on(p, day), 360)


def sla_threshold(day: date) -> date:
    """Latest application date whose 7-business-day registration SLA is missed on `day`."""
    return _last_matching(
        day, lambda a: lifecycle.is_registration_late(a, day, add_business_days), 7)


def _audit(actor: Actor, job: str, day: date, ids: list[int]) -> None:
    record(actor, f"lifecycle.{job}", "job", f"{job}:{day.isoformat()}",
           after={"count": len(ids), "ids": ids[:AUDIT_IDS], "truncated": len(ids) > AUDIT_IDS})


def _ids(result) -> list[int]:
    return [row[0] for row in result]


def cancel_lapsed_inquiries(day: date, actor: Actor = SYSTEM) -> int:
    """Cancel applications whose inquiry is unanswered on sent_on + 14 (INQUIRY_UNANSWERED)."""
    sent_by = day - timedelta(days=14)  # lapse date sent_on + 14 <= day
    lapsed = exists().where(
        Inquiry.application_id == Application.id, Inquiry.answered_on.is_(None),
        Inquiry.sent_on <= sent_by)
    app_ids = _ids(db.session.execute(
        update(Application).where(Application.status == PackStatus.INQUIRY, lapsed)
        .values(status=PackStatus.CANCELLED, cancelled_on=day).returning(Application.id),
        execution_options={"synchronize_session": False}))
    cancelled_apps = select(Application.pack_id).where(
        Application.status == PackStatus.CANCELLED, Application.cancelled_on == day)
    db.session.execute(
        update(Pack).where(Pack.status == PackStatus.INQUIRY, Pack.id.in_(cancelled_apps))
        .values(status=PackStatus.CANCELLED, status_code=str(RuleCode.INQUIRY_UNANSWERED),
                status_changed_on=day, version=Pack.version + 1),
        execution_options={"synchronize_session": False})
    _audit(actor, "cancel_lapsed_inquiries", day, app_ids)
    if app_ids:
        # A cancelled pack no longer counts; extensions after it move up (rules.md §4).
        db.session.expire_all()
        rederive_devices_of(db.session.scalars(
            select(Application.pack_id).where(Application.id.in_(app_ids))), actor)
    return len(app_ids)


def void_unapplied(day: date, actor: Actor = SYSTEM) -> int:
    """Void packs with no application within 1 year of their purchase."""
    ids = _ids(db.session.execute(
        update(Pack).where(Pack.status.in_(lifecycle.AWAITING_APPLICATION),
                           Pack.purchased_on <= void_threshold(day))
        .values(status=PackStatus.VOID, status_code=str(RuleCode.NOT_REGISTERED_WITHIN_1_YEAR),
                status_changed_on=day, version=Pack.version + 1).returning(Pack.id),
        execution_options={"synchronize_session": False}))
    _audit(actor, "void_unapplied", day, ids)
    if ids:
        # A void pack no longer counts; extensions after it move up (rules.md §4).
        db.session.expire_all()
        rederive_devices_of(ids, actor)
    return len(ids)


def _insert_ignoring_duplicates():
    # ON CONFLICT DO NOTHING on the (kind, pack, anchor) key: a reminder already sent is
    # skipped by the unique index. (A NOT EXISTS on notices inside the same INSERT would make
    # PostgreSQL rescan the rows it is inserting: quadratic on a large backlog.)
    if db.session.get_bind().dialect.name == "postgresql":
        return pg_insert(Notice)
    return sqlite_insert(Notice)


def _notify(kind: str, day: date, anchor, condition) -> list[int]:
    rows = select(literal(kind), Pack.id, anchor, literal(day)).where(condition)
    stmt = _insert_ignoring_duplicates().from_select(
        ["kind", "pack_id", "anchor_on", "sent_on"], rows
    ).on_conflict_do_nothing(index_elements=["kind", "pack_id", "anchor_on"])
    return _ids(db.session.execute(stmt.returning(Notice.pack_id)))


def remind_late_applications(day: date, actor: Actor = SYSTEM) -> int:
    """Remind once about packs still `purchased` later than received_on + 10 days."""
    received_by = day - timedelta(days=lifecycle.APPLICATION_DAYS + 1)
    ids = _notify("application_reminder", day, Pack.received_on, and_(
        Pack.status == PackStatus.PURCHASED, Pack.received_on <= received_by))
    _audit(actor, "remind_late_applications", day, ids)
    messages.application_reminders(ids, day, clock.now())  # the e-mails (rules.md §11)
    return len(ids)


def flag_sla_breaches(day: date, actor: Actor = SYSTEM) -> int:
    """Flag applications not registered within about 7 business days for the queue."""
    ids = _ids(db.session.execute(
        update(Application).where(Application.status == PackStatus.APPLIED,
                                  Application.sla_breached_on.is_(None),
                                  Application.applied_on <= sla_threshold(day))
        .values(sla_breached_on=day).returning(Application.id),
        execution_options={"synchronize_session": False}))
    _audit(actor, "flag_sla_breaches", day, ids)
    return len(ids)


def remind_coverage_end(day: date, actor: Actor = SYSTEM) -> int:
    """Remind once, from 60 days before, when a device's last registered pack ends."""
    other = Pack.__table__.alias("later_pack")
    superseded = exists().where(other.c.device_id == Pack.device_id,
                                other.c.status.in_(sorted(HELD_STATUSES)),
                                other.c.coverage_end > Pack.coverage_end)
    ids = _notify("coverage_end_reminder", day, Pack.coverage_end, and_(
        Pack.status == PackStatus.REGISTERED, Pack.coverage_end >= day,
        Pack.coverage_end <= day + timedelta(days=COVERAGE_END_NOTICE_DAYS), ~superseded))
    _audit(actor, "remind_coverage_end", day, ids)
    return len(ids)


def send_morning_digest(day: date, actor: Actor = SYSTEM) -> int:
    """The coordinators' digest of SLA breaches and calls at risk, after the flags (§11)."""
    return messages.morning_digest(day, clock.now())


JOBS: tuple[tuple[str, Callable[[date, Actor], int]], ...] = (
    ("inquiries_cancelled", cancel_lapsed_inquiries),
    ("packs_voided", void_unapplied),
    ("application_reminders", remind_late_applications),
    ("sla_breaches", flag_sla_breaches),
    ("coverage_end_reminders", remind_coverage_end),
    ("morning_digests", send_morning_digest),
)


def run_daily_jobs(day: date, actor: Actor = SYSTEM) -> dict[str, int]:
    """Run every lifecycle job and the retention flags for `day`; counts of what changed."""
    summary = {name: job(day, actor) for name, job in JOBS}
    db.session.flush()
    db.session.expire_all()  # the set-based updates bypassed the loaded objects
    # rules.md §8 retention runs on the same daily schedule, in the same unit of work: the
    # day's claim (run_daily_once) records all of the day's work, so all of it commits with
    # the claim or none of it does.
    from dispatch.services.trust.retention import flag_expired_records

    flagged = flag_expired_records(day, actor)
    summary.update({f"retention_flagged_{kind}": n for kind, n in flagged.items()})
    return summary


def claim_run(day: date, job_name: str = DAILY) -> bool:
    """Insert the claim row for (job, day); False when another process already has it.

    The claim is part of the caller's unit of work. While it is not committed, another
    process inserting the same claim waits on the unique (job_name, day) key (PostgreSQL),
    then finds it taken once the first commits, or claims the day itself after a rollback.
    """
    try:
        with db.session.begin_nested():  # a taken claim must not end the caller's unit
            db.session.add(JobRun(job_name=job_name, day=day, claimed_at=clock.now(),
                                  summary={}))
    except IntegrityError:
        return False
    return True


def run_daily_once(day: date, job_name: str = DAILY,
                   work: Callable[[date], dict[str, int]] = run_daily_jobs
                   ) -> dict[str, int] | None:
    """Run the daily work for `day` unless another process claimed it; None when skipped.

    The claim and the work are one unit of work: a run that fails half-way stores neither,
    so the next run (another process, or `dispatch jobs run-daily`) does the day's work.
    """
    if not claim_run(day, job_name):
        return None
    summary = work(day)
    run = db.session.scalar(select(JobRun).where(JobRun.job_name == job_name,
                                                 JobRun.day == day))
    assert run is not None  # claim_run inserted it
    run.summary = summary
    db.session.flush()
    return summary
