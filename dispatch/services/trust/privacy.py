"""Requests about personal information (rules.md §8 開示等): export, correction, stop of use and
erasure, each logged in `privacy_requests` and in the audit log.

Erasure anonymises the people and keeps the business records (devices, packs, calls,
visits, reports). Names inside sealed work reports are committed as salted digests
(reports.sealing); erasing drops the plaintext and the salt as reports.content.erase_personal
does, so every seal still verifies and lists the erased fields.

Audit snapshots: services keep personal values out of them where they can (ids and
business fields only). A correction must record before/after, so erasure also scrubs the
personal keys of every audit event about the subject's customer, sites and accounts.
"""

from __future__ import annotations

import base64
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select, update
from werkzeug.security import generate_password_hash

from dispatch import clock
from dispatch.domain.report_status import ReportStatus
from dispatch.errors import InvalidInput
from dispatch.extensions import db
from dispatch.models import (
    ApiToken,
    AuditEvent,
    LoginAttempt,
    PrivacyRequest,
    Site,
    User,
    WorkReport,
)
from dispatch.services.accounts.users import normalise_email
from dispatch.services.trust.audit import Actor, record
from dispatch.services.trust.audit_chain import ERASURE_ACTION, SCRUBBED_IDS
from dispatch.services.trust.privacy_subject import (
    Subject,
    load_subject,
    manager_accounts,
    subject_data,
)
from reports.personal import Commitment

ERASED = "消去済み"
# Keys of audit snapshots that may hold a person's data, per entity (scrubbed on erasure).
PERSONAL_KEYS = {
    "customer": ("name", "email", "phone"),
    "site": ("manager_name", "manager_email"),
    "user": ("email", "display_name"),
    "api_token": ("user",),
}
# The subject's names in a work report; the technician is OXT staff, not the subject.
REPORT_PERSONAL = ("attendee_name", "signer_name")


def _log(kind: str, customer_id: int, actor: Actor, now: datetime) -> PrivacyRequest:
    request = PrivacyRequest(kind=kind, customer_id=customer_id, requested_at=now, done_at=now,
                             actor_user_id=actor.user_id, actor_label=actor.label)
    db.session.add(request)
    db.session.flush()
    return request


def export_customer(customer_id: int, actor: Actor) -> dict[str, Any]:
    """Disclosure: everything held about the customer and its site managers, as JSON."""
    now = clock.now()
    subject = load_subject(customer_id)
    request = _log("export", customer_id, actor, now)
    record(actor, "privacy.export", "customer", customer_id, after={"request_id": request.id})
    data = {"exported_at": now.isoformat(), **subject_data(subject)}
    db.session.flush()
    return data


def _changed(obj: Any, changes: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    before, after = {}, {}
    for name, value in changes.items():
        if getattr(obj, name) != value:
            before[name], after[name] = getattr(obj, name), value
            setattr(obj, name, value)
    return before, after


def _clean_email(value: str | None, field: str) -> str | None:
    if value is None or not value.strip():
        return None
    value = normalise_email(value)
    if "@" not in value:
        raise InvalidInput(f"'{value}' is not an e-mail address", errors={field: ["not an e-mail"]})
    return value


def _correct_sites(subject: Subject, items: list[dict[str, Any]], actor: Actor) -> int:
    by_id = {s.id: s for s in subject.sites}
    changed = 0
    for item in items:
        site = by_id.get(item["id"])
        if site is None:
            raise InvalidInput(f"site {item['id']} is not a site of this customer",
                               errors={"sites": [f"unknown site {item['id']}"]})
        changes = {k: v for k, v in item.items() if k in ("manager_name", "manager_email")}
        if "manager_email" in changes:
            changes["manager_email"] = _clean_email(changes["manager_email"], "manager_email")
        before, after = _changed(site, changes)
        if after:
            changed += 1
            record(actor, "privacy.correction", "site", site.id, before=before, after=after)
        if after.get("manager_email") and before.get("manager_email"):
            _follow_account(before["manager_email"], after["manager_email"], actor)
    return changed


def _follow_account(old: str, new: str, actor: Actor) -> None:
    """The manager's account follows a corrected e-mail, unless another site still uses it."""
    user = next(iter(manager_accounts({old})), None)
    db.session.flush()
    if user is None or db.session.scalar(select(Site.id).where(Site.manager_email == old)):
        return
    if db.session.scalar(select(User.id).where(User.email == new)) is not None:
        return  # the new e-mail already has an account; the old one simply stops matching
    user.email = new
    record(actor, "privacy.correction", "user", user.id, before={"email": old},
           after={"email": new})


def correct_customer(customer_id: int, data: dict[str, Any], actor: Actor) -> dict[str, Any]:
    """Correction and addition: name, e-mail, phone, and the site managers' name and e-mail."""
    now = clock.now()
    subject = load_subject(customer_id, lock=True)
    customer = subject.customer
    changes: dict[str, Any] = {k: data[k] for k in ("name", "email", "phone") if k in data}
    if "email" in changes:
        changes["email"] = _clean_email(changes["email"], "email")
    if "name" in changes and not (changes["name"] or "").strip():
        raise InvalidInput("the name cannot be empty", errors={"name": ["required"]})
    before, after = _changed(customer, changes)
    if after:
        record(actor, "privacy.correction", "customer", customer.id, before=before, after=after)
    sites = _correct_sites(subject, data.get("sites", []), actor)
    request = _log("correction", customer_id, actor, now)
    db.session.flush()
    return {"request_id": request.id, "customer_fields": sorted(after), "sites_changed": sites}


def stop_use(customer_id: int, actor: Actor) -> dict[str, Any]:
    """Stop of use: from now on the person's data is not used to contact them."""
    now = clock.now()
    customer = load_subject(customer_id, lock=True).customer
    if customer.use_stopped_at is None:
        customer.use_stopped_at = now
    request = _log("stop_use", customer_id, actor, now)
    record(actor, "privacy.stop_use", "customer", customer_id,
           after={"use_stopped_at": customer.use_stopped_at, "request_id": request.id})
    db.session.flush()
    return {"request_id": request.id, "use_stopped_at": customer.use_stopped_at}


def erase_report_personal(row: WorkReport, now: datetime) -> None:
    """Drop the subject's names, their salts and the signature image; digests stay sealed."""
    content = dict(row.content or {})
    if row.status == ReportStatus.SIGNED:
        personal = {}
        for name, item in (row.personal or {}).items():
            if name in REPORT_PERSONAL and item:
                # Same as reports.content.erase_personal: keep the digest, drop the salt.
                salt = base64.b64decode(item["salt"]) if item.get("salt") else None
                kept = Commitment(item["digest"], salt).erased()
                item = {"digest": kept.digest, "salt": None}
            personal[name] = item
        row.personal = personal
        content["attendee_name"] = None
    elif content.get("attendee_name"):
        content["attendee_name"] = ERASED  # a draft keeps a name so it can still be edited
    row.content = content
    row.signer_name = None
    row.signature_png = None
    row.updated_at = now


def _scrub_value(value: Any) -> Any:
    return ERASED if value not in (None, "") else value


def _scrub_audit(subject: Subject, user_ids: list[int], now: datetime) -> list[int]:
    """Replace the personal values in audit snapshots about the subject by 消去済み.

    Each scrubbed row is marked and its id returned, for the erasure's own audit event to
    name: the audit chain then accepts that row's changed payload (audit_chain.py).
    """
    token_ids = db.session.scalars(select(ApiToken.id).where(ApiToken.user_id.in_(user_ids)))
    targets = {"customer": [str(subject.customer.id)],
               "site": [str(s.id) for s in subject.sites],
               "user": [str(i) for i in user_ids],
               "api_token": [str(i) for i in token_ids]}
    conditions = [(AuditEvent.entity_type == kind) & AuditEvent.entity_id.in_(ids)
                  for kind, ids in targets.items() if ids]
    events = db.session.scalars(select(AuditEvent).where(or_(*conditions))).all()
    scrubbed: set[int] = set()
    for event in events:
        keys = PERSONAL_KEYS[event.entity_type]
        for side in ("before", "after"):
            snap = getattr(event, side)
            if snap:
                setattr(event, side, {k: _scrub_value(v) if k in keys else v
                                      for k, v in snap.items()})
        event.scrubbed_at = now
        scrubbed.add(event.id)
    if user_ids:
        acted = db.session.scalars(select(AuditEvent).where(
            AuditEvent.actor_user_id.in_(user_ids)))
        for event in acted:
            event.actor_label, event.scrubbed_at = ERASED, now
            scrubbed.add(event.id)
    db.session.flush()
    return sorted(scrubbed)


def _erase_accounts(subject: Subject, emails: set[str]) -> list[int]:
    """Disable the site managers' accounts unless they still manage another customer's site."""
    still_used = set(db.session.scalars(
        select(Site.manager_email).where(Site.manager_email.in_(emails),
                                         Site.customer_id != subject.customer.id)))
    erased = []
    for user in subject.accounts:
        if user.email in still_used:
            continue
        user.is_enabled = False
        user.email = f"erased-{user.id}@invalid"
        user.display_name = None
        user.password_hash = generate_password_hash(secrets.token_urlsafe(32))
        erased.append(user.id)
    if erased:
        db.session.execute(update(ApiToken).where(ApiToken.user_id.in_(erased),
                                                  ApiToken.revoked_at.is_(None))
                           .values(revoked_at=clock.now()))
    return erased


def erase_customer(customer_id: int, actor: Actor) -> dict[str, Any]:
    """Erasure: anonymise the people, keep the business records and valid seals."""
    now = clock.now()
    subject = load_subject(customer_id, lock=True)
    customer = subject.customer
    emails = {s.manager_email for s in subject.sites if s.manager_email}
    emails |= {customer.email} if customer.email else set()
    customer.name, customer.email, customer.phone = ERASED, None, None
    customer.erased_at = now
    customer.use_stopped_at = customer.use_stopped_at or now
    for site in subject.sites:
        site.manager_name, site.manager_email = ERASED, None
    user_ids = _erase_accounts(subject, emails)
    for row in subject.reports:
        erase_report_personal(row, now)
    if emails:
        db.session.execute(delete(LoginAttempt).where(LoginAttempt.email.in_(emails)))
    scrubbed = _scrub_audit(subject, user_ids, now)
    from dispatch.services.notify.outbox import erase_messages

    erase_messages(customer_id, emails)  # the e-mails written to them (rules.md §11)
    request = _log("erasure", customer_id, actor, now)
    summary = {"request_id": request.id, "sites": len(subject.sites), "accounts": len(user_ids),
               "work_reports": len(subject.reports), "audit_events_scrubbed": len(scrubbed)}
    record(actor, ERASURE_ACTION, "customer", customer_id,
           after={**summary, SCRUBBED_IDS: scrubbed})
    db.session.flush()
    return {**summary, "erased_at": now}


def requests_of(customer_id: int) -> list[PrivacyRequest]:
    """The privacy requests logged for a customer, newest first."""
    return list(db.session.scalars(select(PrivacyRequest)
                                   .where(PrivacyRequest.customer_id == customer_id)
                                   .order_by(PrivacyRequest.id.desc())).all())
