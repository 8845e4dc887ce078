"""Work reports: draft, sign (seal + complete the job), refuse (rules.md §7, §9.1).

Every public function runs in one unit of work (dispatch/services/unit_of_work.py).
Signing appends to one hash chain; the chain head is read under a lock (a PostgreSQL
advisory lock; SQLite serialises writers, and the unique chain_index/seal_hash columns
refuse a fork on any database).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from dispatch import clock
from dispatch.domain.report_status import ReportStatus
from dispatch.errors import Conflict, InvalidInput
from dispatch.extensions import db
from dispatch.models import ReportSubmission, Visit
from dispatch.models import WorkReport as ReportRow
from dispatch.services import idempotency
from dispatch.services.day.completion import complete_job
from dispatch.services.notify import messages
from dispatch.services.reporting import access, non_conformity, signing_keys
from dispatch.services.reporting import photos as report_photos
from dispatch.services.reporting.values import (
    commitments_json,
    report_value,
    stored_content,
    visit_context,
)
from dispatch.services.trust.audit import Actor, record
from dispatch.services.unit_of_work import end_reads, locked, start_over
from reports.document import InvalidReport, WorkReport, report_from_payload
from reports.photos import SealedPhoto
from reports.sealing import GENESIS_HASH, seal_report
from reports.signature_image import (
    MAX_SIGNATURE_BYTES,
    InvalidSignatureImage,
    canonical_signature_png,
)

CHAIN_LOCK_KEY = 7_070_707  # pg_advisory_xact_lock id of the report chain
DATA_URL_PREFIX = "data:image/png;base64,"
DEPARTURE_GRACE = timedelta(minutes=30)


def _replayed(key: str | None, print_: str, actor: Actor) -> dict[str, Any] | None:
    # Keys are scoped per user: another user's key is simply not this user's key.
    if not key:
        return None
    done = db.session.scalar(select(ReportSubmission).where(
        ReportSubmission.idempotency_key == key, ReportSubmission.user_id == actor.user_id))
    if done is None:
        return None
    idempotency.refuse_mismatch(done.request_fingerprint, print_)
    return dict(done.response)


def _remember(key: str | None, action: str, print_: str, actor: Actor,
              response: dict[str, Any]) -> dict:
    """Remember the answer under its Idempotency-Key and flush; a racing twin gets it too."""
    if key:
        db.session.add(ReportSubmission(idempotency_key=key, user_id=actor.user_id,
                                        action=action, request_fingerprint=print_,
                                        response=response, created_at=clock.now()))
    try:
        db.session.flush()
    except (IntegrityError, StaleDataError):
        # The twin's answer is read in a fresh transaction: these use cases are the only
        # writers in their unit of work.
        start_over()
        again = _replayed(key, print_, actor)
        if again is None:
            raise Conflict("the report changed at the same moment; reload and retry") from None
        return again
    return response


def _print(action: str, target: int, body: dict[str, Any]) -> str:
    """The request a key names: the action, its target and the whole body."""
    return idempotency.fingerprint({"action": action, "target": target, "body": body})


def _refuse_if_signed(row: ReportRow) -> None:
    if row.status == ReportStatus.SIGNED:
        raise Conflict(f"report {row.id} is signed and can no longer change")


def save_report(visit_id: int, payload: dict[str, Any], actor: Actor,
                idempotency_key: str | None = None) -> dict[str, Any]:
    """PUT /visits/{id}/report: create or replace the draft → {id, status: "draft"}."""
    begin_write()
    print_ = _print("report", visit_id, payload)
    if (done := _replayed(idempotency_key, print_, actor)) is not None:
        return done
    visit = access.visit_for_writing(visit_id, actor)
    row = db.session.scalar(select(ReportRow).where(ReportRow.visit_id == visit.id))
    if row is not None:
        # Parallel saves (a tablet resending while online again) queue here and each
        # replaces the photos the one before left, never colliding on their positions.
        lock_for_signing(row)
        _refuse_if_signed(row)
    now = clock.now()
    if row is None:
        row = ReportRow(visit_id=visit.id, status=ReportStatus.DRAFT, content={}, personal={},
                        updated_at=now)
        db.session.add(row)
        db.session.flush()
    value, new_photos = _validated(payload, visit, row)
    _refuse_times_off_the_visit_day(value, visit)
    before = {"status": row.status, "photos": len(row.photos)}
    if new_photos is not None:
        report_photos.replace_photos(row, new_photos, now)
    row.content, row.status, row.updated_at = stored_content(value), ReportStatus.DRAFT, now
    row.refusal_reason = None
    record(actor, "report.saved", "work_report", row.id, before,
           {"status": ReportStatus.DRAFT, "photos": len(value.photos)})
    return _remember(idempotency_key, "report", print_, actor,
                     {"id": row.id, "status": ReportStatus.DRAFT})


def _validated(payload: dict[str, Any], visit: Visit, row: ReportRow
               ) -> tuple[WorkReport, list[report_photos.NewPhoto] | None]:
    """The report value and its new photos (None: keep the draft's); one 422 for both."""
    errors: dict[str, list[str]] = {}
    codes: list[str] = []
    new_photos = None
    if "photos" in payload:
        try:
            new_photos = report_photos.photos_from_payload(payload["photos"], row)
        except InvalidInput as exc:
            errors, codes = exc.errors, exc.codes
    try:
        value = report_from_payload(payload, **visit_context(visit, row.id))
    except InvalidReport as exc:  # the unit of work drops a draft row added before
        errors = {**{k: [v] for k, v in exc.errors.items()}, **errors}
    if errors:
        raise InvalidInput("the report is incomplete or invalid", codes=codes, errors=errors)
    kept = [(p.kind, p.sha256) for p in row.photos] if new_photos is None else [
        (p.kind, p.sealed.sha256) for p in new_photos]
    return replace(value, photos=tuple(SealedPhoto(kind, sha) for kind, sha in kept)), new_photos


def _refuse_times_off_the_visit_day(value: WorkReport, visit: Visit) -> None:
    """Arrival and departure fall on the visit's service day in Japan (rules.md §7).

    A back-dated report of a past visit is fine; a time on another day is a typo (or a
    probe) that would put a wrong date on a signed record.
    """
    errors = {key: [f"must be on the visit's day, {visit.service_date.isoformat()}"]
              for key in ("arrived_at", "departed_at")
              if clock.to_tokyo(getattr(value, key)).date() != visit.service_date}
    if errors:
        raise InvalidInput("the times are not on the visit's day", errors=errors)


def _refuse_times_after_signing(value: WorkReport, signed_at: datetime) -> None:
    """The signer confirms a visit that took place: it cannot end later than the signature,
    beyond the grace a technician needs to type the departure just before handing over."""
    errors = {}
    if value.arrived_at > signed_at:
        errors["arrived_at"] = ["must be before the signature"]
    if value.departed_at > signed_at + DEPARTURE_GRACE:
        errors["departed_at"] = [f"must be at most {DEPARTURE_GRACE.seconds // 60} minutes "
                                 "after the signature"]
    if errors:
        raise InvalidInput("the report's times are after the signature", errors=errors)


def decode_signature_image(image: str) -> bytes:
    """The canonical PNG of a `data:image/png;base64,…` URL (fully decoded); InvalidInput else."""
    if not isinstance(image, str) or not image.startswith(DATA_URL_PREFIX):
        raise InvalidInput("bad image", errors={"image": ["must be data:image/png;base64,…"]})
    if len(image) > len(DATA_URL_PREFIX) + MAX_SIGNATURE_BYTES * 4 // 3 + 4:
        raise InvalidInput("bad image", errors={"image": ["is too large"]})
    try:
        data = base64.b64decode(image[len(DATA_URL_PREFIX):], validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput("bad image", errors={"image": ["is not valid base64"]}) from None
    try:
        return canonical_signature_png(data)
    except InvalidSignatureImage as exc:
        raise InvalidInput("bad image", errors={"image": [str(exc)]}) from None


def begin_write() -> None:
    """SQLite only: take the write lock before reading anything.

    In WAL mode a transaction that read first and writes later fails at once ("database is
    locked") when another signer committed in between; taking the lock first makes
    concurrent signers wait their turn (busy_timeout). PostgreSQL uses the advisory lock.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        end_reads()  # ends the read-only transaction of the login lookup, if any
        db.session.execute(text("UPDATE signing_keys SET id = id WHERE 1 = 0"))


def lock_for_signing(row: ReportRow) -> None:
    """Lock the report's visit and the report until the unit ends and read both afresh.

    Parallel signers of one report queue here (PostgreSQL row locks; SQLite's unit holds
    the write lock) and the ones behind see the report signed: a 409, never a version
    clash while completing the job. Visit before report, as save_report reads them.
    """
    locked(Visit, row.visit_id)
    locked(ReportRow, row.id)


def _lock_chain() -> None:
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY})


def _chain_head() -> tuple[int, str]:
    head = db.session.scalar(select(ReportRow).where(ReportRow.chain_index.is_not(None))
                             .order_by(ReportRow.chain_index.desc()).limit(1))
    if head is None:
        return 0, GENESIS_HASH
    return head.chain_index or 0, head.seal_hash or GENESIS_HASH


def seal_and_complete(row: ReportRow, signer_name: str, png: bytes, actor: Actor) -> None:
    """Seal the row at the end of the chain and complete its job (no commit)."""
    _refuse_if_signed(row)
    if not isinstance(signer_name, str) or not signer_name.strip():
        raise InvalidInput("signer missing", errors={"signer_name": ["is required"]})
    now = clock.now().replace(microsecond=0)
    key = signing_keys.current_key()
    _lock_chain()  # before registering the key too: concurrent first signers race there
    signing_keys.ensure_registered(key, now)
    value = report_value(row)
    _refuse_times_after_signing(value, now)
    index, prev_hash = _chain_head()
    try:
        content, seal = seal_report(value, signer_name.strip(), png, key, prev_hash, now)
    except ValueError as exc:
        raise InvalidInput(str(exc), errors={"image": [str(exc)]}) from None
    row.personal, row.signer_name, row.signature_png = commitments_json(content), \
        content.signer_name, png
    row.signed_at, row.seal, row.seal_hash = now, seal.to_dict(), seal.seal_hash
    row.chain_index, row.status, row.updated_at = index + 1, ReportStatus.SIGNED, now
    follow_up = complete_job(row.visit, row.content["result"], now)
    non_conformity.after_rework_signed(row, actor)
    record(actor, "report.signed", "work_report", row.id, {"status": ReportStatus.DRAFT},
           {"status": ReportStatus.SIGNED, "seal_hash": seal.seal_hash, "chain_index": index + 1,
            "follow_up_visit_id": follow_up.id if follow_up else None})
    messages.report_signed(row, now)  # in this unit of work (rules.md §11)


def sign_report(report_id: int, signer_name: str, image: str, actor: Actor,
                idempotency_key: str | None = None) -> dict[str, Any]:
    """POST /reports/{id}/signature → {id, status: "signed"}; completes the job."""
    begin_write()
    print_ = _print("signature", report_id, {"signer_name": signer_name, "image": image})
    if (done := _replayed(idempotency_key, print_, actor)) is not None:
        return done
    row = access.report_for_signing(report_id, actor)
    lock_for_signing(row)
    _refuse_if_signed(row)
    if row.status != ReportStatus.DRAFT:
        raise Conflict(f"report {row.id} was refused; save it again before signing")
    seal_and_complete(row, signer_name, decode_signature_image(image), actor)
    return _remember(idempotency_key, "signature", print_, actor,
                     {"id": row.id, "status": ReportStatus.SIGNED})


def refuse(row: ReportRow, signer_name: str, reason: str, actor: Actor) -> None:
    """Record a refusal to sign; the job stays open (no commit)."""
    _refuse_if_signed(row)
    errors = {k: ["is required"] for k, v in (("signer_name", signer_name), ("reason", reason))
              if not isinstance(v, str) or not v.strip()}
    if errors:
        raise InvalidInput("signer and reason are required", errors=errors)
    row.status, row.signer_name, row.refusal_reason = ReportStatus.REFUSED, signer_name.strip(), \
        reason.strip()
    row.updated_at = clock.now()
    record(actor, "report.refused", "work_report", row.id, {"status": ReportStatus.DRAFT},
           {"status": ReportStatus.REFUSED, "reason": row.refusal_reason})


def refuse_report(report_id: int, signer_name: str, reason: str, actor: Actor,
                  idempotency_key: str | None = None) -> dict[str, Any]:
    """POST /reports/{id}/refusal → {id, status: "refused"}; the job stays open."""
    print_ = _print("refusal", report_id, {"signer_name": signer_name, "reason": reason})
    if (done := _replayed(idempotency_key, print_, actor)) is not None:
        return done
    row = access.report_for_signing(report_id, actor)
    lock_for_signing(row)
    refuse(row, signer_name, reason, actor)
    return _remember(idempotency_key, "refusal", print_, actor,
                     {"id": row.id, "status": ReportStatus.REFUSED})


def report_for_visit(visit_id: int, actor: Actor) -> ReportRow | None:
    """The visit's report if the actor may see the visit (None when not written yet)."""
    visit = db.session.get(Visit, visit_id)
    if visit is None or not access.can_see_visit(actor, visit):
        return None
    return db.session.scalar(select(ReportRow).where(ReportRow.visit_id == visit_id))


def signed_at_iso(value: datetime | None) -> str | None:
    """ISO 8601 text of a timestamp, for JSON answers."""
    return value.isoformat() if value else None
