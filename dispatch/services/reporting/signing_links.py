"""One-time, expiring signing links for a site manager who was not present (rules.md §7).

The link carries a random token; only its SHA-256 is stored. It expires after
LINK_HOURS and works once: signing or refusing through it marks it used.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import select

from dispatch import clock
from dispatch.domain.report_status import ReportStatus
from dispatch.errors import Conflict, NotFound
from dispatch.extensions import db
from dispatch.models import SigningLink
from dispatch.models import WorkReport as ReportRow
from dispatch.services.reporting import access, reports
from dispatch.services.trust.audit import Actor, record

LINK_HOURS = 72


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_link(report_id: int, actor: Actor) -> str:
    """A new signing token for a draft report (the caller builds the URL)."""
    row = access.report_for_reading(report_id, actor)
    if row.status == ReportStatus.SIGNED:
        raise Conflict(f"report {row.id} is already signed")
    token = secrets.token_urlsafe(32)
    now = clock.now()
    db.session.add(SigningLink(report_id=row.id, token_hash=_hash(token), created_at=now,
                               expires_at=now + timedelta(hours=LINK_HOURS)))
    record(actor, "report.link_created", "work_report", row.id)
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


def _live_link(token: str) -> SigningLink:
    link = db.session.scalar(select(SigningLink).where(SigningLink.token_hash == _hash(token)))
    if link is None:
        raise LinkUnusable(LinkState.UNKNOWN, "this signing link is unknown")
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
    link = _live_link(token)
    png = reports.decode_signature_image(image)
    if link.report.status != ReportStatus.DRAFT:
        raise Conflict("the report is not waiting for a signature")
    reports.seal_and_complete(link.report, signer_name, png, _link_actor(link))
    link.used_at = clock.now()
    db.session.flush()
    return {"id": link.report_id, "status": ReportStatus.SIGNED}


def refuse_by_link(token: str, signer_name: str, reason: str) -> dict[str, Any]:
    """Refuse through the link and use it up → {id, status: "refused"}."""
    link = _live_link(token)
    reports.refuse(link.report, signer_name, reason, _link_actor(link))
    link.used_at = clock.now()
    db.session.flush()
    return {"id": link.report_id, "status": ReportStatus.REFUSED}
