"""Electronic work reports (作業報告票), signed by the site manager and then sealed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dispatch.domain.non_conformity import NonConformityStatus
from dispatch.domain.report_status import ReportStatus
from dispatch.extensions import Model
from dispatch.models.types import EnumText, JsonType, UTCDateTime, one_of
from dispatch.models.visit import Visit
from reports.photos import PhotoKind

REPORT_STATUSES = tuple(ReportStatus)


class WorkReport(Model):
    __tablename__ = "work_reports"
    __table_args__ = (one_of("status", REPORT_STATUSES, "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"), unique=True)
    status: Mapped[ReportStatus] = mapped_column(
        EnumText(ReportStatus, 10), default=ReportStatus.DRAFT)
    content: Mapped[dict[str, Any]] = mapped_column(JsonType)
    # Salts for the personal fields committed as digests in the seal (erasable, rules.md §8).
    personal: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    signer_name: Mapped[str | None] = mapped_column(String(120))
    signature_png: Mapped[bytes | None] = mapped_column(LargeBinary)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    seal: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    seal_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    chain_index: Mapped[int | None] = mapped_column(unique=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(default=1)

    visit: Mapped[Visit] = relationship()
    photos: Mapped[list[ReportPhoto]] = relationship(
        back_populates="report", order_by="ReportPhoto.position",
        cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}


class ReportPhoto(Model):
    """A photo of a work report (rules.md §7): the stored JPEG and the hash sealed with it.

    The bytes are deferred: lists and the verify answer's siblings read the hash and size
    without loading up to six images per report.
    """

    __tablename__ = "report_photos"
    __table_args__ = (UniqueConstraint("report_id", "position"),
                      one_of("kind", tuple(PhotoKind), "kind"))

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("work_reports.id"), index=True)
    position: Mapped[int] = mapped_column()  # 1-based, the order they are sealed in
    kind: Mapped[PhotoKind] = mapped_column(EnumText(PhotoKind, 12))
    content_type: Mapped[str] = mapped_column(String(40))
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    sha256: Mapped[str] = mapped_column(String(64))
    byte_size: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    report: Mapped[WorkReport] = relationship(back_populates="photos")


class SigningKey(Model):
    """Ed25519 keys of the service; old ones stay so old seals still verify."""

    __tablename__ = "signing_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_id: Mapped[str] = mapped_column(String(16), unique=True)
    public_key_b64: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ReportSubmission(Model):
    """A tablet submission remembered by its Idempotency-Key, so a resend is answered once.

    Keys are scoped per user; the fingerprint (action, target, body) tells a resend from
    another request reusing the key (409).
    """

    __tablename__ = "report_submissions"
    __table_args__ = (UniqueConstraint("user_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(20))
    request_fingerprint: Mapped[str | None] = mapped_column(String(64))
    response: Mapped[dict[str, Any]] = mapped_column(JsonType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SigningLink(Model):
    """A one-time, expiring link for a site manager who signs remotely; only its hash is kept."""

    __tablename__ = "signing_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("work_reports.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    report: Mapped[WorkReport] = relationship()


class NonConformity(Model):
    """A site manager's report that a signed job does not meet the specification (seed §17.1).

    Open while rework calls are served; resolved when a later report of one of them is
    signed `resolved`; refused, with its codes and reason, when an out-of-scope cause applies.
    """

    __tablename__ = "non_conformities"
    __table_args__ = (one_of("status", tuple(NonConformityStatus), "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("work_reports.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reported_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[NonConformityStatus] = mapped_column(EnumText(NonConformityStatus, 10))
    codes: Mapped[list[str]] = mapped_column(JsonType, default=list)
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    resolved_by_report_id: Mapped[int | None] = mapped_column(ForeignKey("work_reports.id"))
    version: Mapped[int] = mapped_column(default=1)

    report: Mapped[WorkReport] = relationship(foreign_keys=[report_id])

    __mapper_args__ = {"version_id_col": version}
