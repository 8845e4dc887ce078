"""One-time, expiring signing links for a site manager who was not present (rules.md §7).

The link carries a random token; only its SHA-256 is stored. It expires after
LINK_HOURS and works once: signing or refusing through it marks it used. A report has at
most one live link: a new one ends the one before. The URL is built from
DISPATCH_EXTERNAL_URL, never from the request's Host header (which the requester
chooses, so a forged Host would send the manager's signature elsewhere); only
development and tests fall back to the request's own address.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from enum import StrEnum
from typing import Any

from flask import current_app, has_request_context, url_for
from sqlalchemy import select

from dispatch import clock
from dispatch.domain.report_status import ReportStatus
from dispatch.errors import Conflict, DispatchError, NotFound
from dispatch.extensions import db
from dispatch.models import SigningLink
from dispatch.models import WorkReport as ReportRow
from dispatch.services.notify import messages
from dispatch.services.reporting import access, reports
from dispatch.services.trust.audit import Actor, record
from dispatch.services.unit_of_work import locked

LINK_HOURS = 72


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class NotConfigured(DispatchError):
    """Signing links cannot be sent before the service knows its public address."""

    status = 503
    title = "Service unavailable"


def link_url(token: str) -> str:
    """The URL sent to the site manager: DISPATCH_EXTERNAL_URL + the signing page's path."""
    base = (current_app.config.get("DISPATCH_EXTERNAL_URL") or "").strip().rstrip("/")
    if base:
        return base + url_for("report_pages.remote_sign", token=token)
    if current_app.config.get("DISPATCH_ENV") in ("development", "test"):
        if has_request_context():
            return url_for("report_pages.remote_sign", token=token, _external=True)
        # A link made by a job or a script in development: the local address.
        with current_app.test_request_context():
            return url_for("report_pages.remote_sign", token=token, _external=True)
    raise NotConfigured("set DISPATCH_EXTERNAL_URL (the address site managers open) "
                        "before sending signing links")


def create_link(report_id: int, actor: Actor) -> str:
    """A new signing token for a draft report; the report's earlier links stop working."""
    row = access.report_for_reading(report_id, actor)
    if row.status == ReportStatus.SIGNED:
        raise Conflict(f"report {row.id} is already signed")
    token = secrets.token_urlsafe(32)
    now = clock.now()
    for earlier in db.session.scalars(select(SigningLink).where(
            SigningLink.report_id == row.id, SigningLink.used_at.is_(None),
            SigningLink.expires_at > now)):
        earlier.expires_at = now  # one live link per report
    db.session.add(SigningLink(report_id=row.id, token_hash=_hash(token), created_at=now,
                               expires_at=now + timedelta(hours=LINK_HOURS)))
    record(actor, "report.link_created", "work_report", row.id)
    messages.signing_link_created(row, token, link_url(token), now)  # rules.md §11
    db.session.flush()
    return token


class LinkState(StrEnum):
    """Why a signing link no longer opens the report; the page tells the manager what to do."""

    UNKNOWN = "unknown"
    SIGNED = "signed"  # used: the report is signed
    REFUSED = "refused"  # used: the refusal is recorded
    EXPIRED = "expired"
    CHANGED = "changed"  # the report was edited after the link was sent


class LinkUnusable(NotFound):
    """A 404 for the API and the JSON calls; the page shows `state` in words."""

    def __init__(self, state: LinkState, detail: str) -> None:
        super().__init__(detail)
        self.state = state


def _live_link(token: str, *, lock: bool = False) -> SigningLink:
    link = db.session.scalar(select(SigningLink).where(SigningLink.token_hash == _hash(token)))
    if link is None:
        raise LinkUnusable(LinkState.UNKNOWN, "this signing link is unknown")
    if lock:  # a second use of the link waits, then finds it used
        locked(SigningLink, link.id)
    if link.used_at is not None:
        used = LinkState.SIGNED if link.report.status == ReportStatus.SIGNED else \
            LinkState.REFUSED
        raise LinkUnusable(used, f"this signing link was already used ({used})")
    if link.report.status == ReportStatus.SIGNED:  # signed on the tablet meanwhile
        raise LinkUnusable(LinkState.SIGNED, "the report is already signed")
    if link.expires_at <= clock.now():
        raise LinkUnusable(LinkState.EXPIRED, "this signing link has expired")
    # The manager must sign what the link was issued for: a later edit voids the link.
    if link.report.updated_at > link.created_at:
        raise LinkUnusable(LinkState.CHANGED,
                           "the report changed after this link was sent; ask for a new link")
    return link


def report_for_token(token: str) -> ReportRow:
    """The report a live link points to; 404 for an unknown, used or expired link."""
    return _live_link(token).report


def _link_actor(link: SigningLink) -> Actor:
    return Actor(label=f"signing-link:{link.id}")


def sign_by_link(token: str, signer_name: str, image: str) -> dict[str, Any]:
    """Sign through the link and use it up → {id, status: "signed"}."""
    reports.begin_write()
    link = _live_link(token, lock=True)
    reports.lock_for_signing(link.report)
    png = reports.decode_signature_image(image)
    if link.report.status != ReportStatus.DRAFT:
        raise Conflict("the report is not waiting for a signature")
    reports.seal_and_complete(link.report, signer_name, png, _link_actor(link))
    link.used_at = clock.now()
    db.session.flush()
    return {"id": link.report_id, "status": ReportStatus.SIGNED}


def refuse_by_link(token: str, signer_name: str, reason: str) -> dict[str, Any]:
    """Refuse through the link and use it up → {id, status: "refused"}."""
    link = _live_link(token, lock=True)
    reports.lock_for_signing(link.report)
    reports.refuse(link.report, signer_name, reason, _link_actor(link))
    link.used_at = clock.now()
    db.session.flush()
    return {"id": link.report_id, "status": ReportStatus.REFUSED}
