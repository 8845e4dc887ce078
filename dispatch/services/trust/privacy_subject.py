"""What the service holds about one person (rules.md §8 開示等): a customer, the site managers
named on its sites, their accounts, and the business records that mention them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from dispatch.domain.roles import Role
from dispatch.errors import NotFound
from dispatch.extensions import db
from dispatch.models import (
    Application,
    Customer,
    Device,
    Pack,
    PrivacyRequest,
    RepairCall,
    Site,
    User,
    Visit,
    WorkReport,
)
from dispatch.services.trust.audit import jsonable

CUSTOMER_FIELDS = ("id", "name", "email", "phone", "created_at", "use_stopped_at", "erased_at",
                   "terminated_at", "termination_reason")
SITE_FIELDS = ("id", "name", "address", "postal_code", "lat", "lon", "manager_name",
               "manager_email", "remote_island", "island_area_code")
ACCOUNT_FIELDS = ("id", "email", "role", "display_name", "is_enabled", "created_at")
PACK_FIELDS = ("id", "product", "status", "support_pack_id", "purchased_on", "received_on",
               "coverage_start", "coverage_end", "status_changed_on")
APPLICATION_FIELDS = ("id", "pack_id", "channel", "applied_on", "status", "completed_on",
                      "cancelled_on", "consent_service_spec", "consent_privacy",
                      "consent_antisocial_declaration")
CALL_FIELDS = ("id", "serial", "support_pack_id", "received_at", "symptom", "decision",
               "service_date", "status", "codes")
VISIT_FIELDS = ("id", "call_id", "service_date", "status", "technician_id", "eta")
REPORT_FIELDS = ("id", "visit_id", "status", "signer_name", "signed_at", "refusal_reason",
                 "seal_hash")
# 利用目的の通知 (seed: 個人情報の取り扱い): the purposes, stated with every disclosure.
PURPOSES = (
    "商品およびサービスの販売のため", "保守サービス提供のため", "お客様への情報提供のため",
    "契約の履行のため", "商品およびサービスのお届けのため",
    "セミナー、展示会、新商品等のご案内のため", "当社の活動に関わる情報提供のため",
    "各種お問い合わせへの対応のため",
)


@dataclass
class Subject:
    """The rows of one customer's personal data and the records tied to it."""

    customer: Customer
    sites: list[Site]
    accounts: list[User]
    devices: list[Device]
    packs: list[Pack]
    applications: list[Application]
    calls: list[RepairCall]
    visits: list[Visit]
    reports: list[WorkReport]


def _all(query: Any) -> list[Any]:
    return list(db.session.scalars(query).all())


def manager_accounts(emails: set[str]) -> list[User]:
    """Site-manager users tied to these e-mails (rules.md §9: accounts are tied by e-mail)."""
    if not emails:
        return []
    return _all(select(User).where(User.role == Role.SITE_MANAGER, User.email.in_(emails))
                .order_by(User.id))


def load_subject(customer_id: int, *, lock: bool = False) -> Subject:
    """Load a customer and every record about it with one query per table."""
    query = select(Customer).where(Customer.id == customer_id)
    customer = db.session.scalar(query.with_for_update() if lock else query)
    if customer is None:
        raise NotFound(f"no customer {customer_id}")
    sites = _all(select(Site).where(Site.customer_id == customer.id).order_by(Site.id))
    emails = {s.manager_email for s in sites if s.manager_email}
    devices = _all(select(Device).where(Device.site_id.in_([s.id for s in sites]))
                   .order_by(Device.id))
    device_ids = [d.id for d in devices]
    packs = _all(select(Pack).where(Pack.device_id.in_(device_ids)).order_by(Pack.id))
    applications = _all(select(Application).where(Application.pack_id.in_([p.id for p in packs]))
                        .order_by(Application.id))
    calls = _all(select(RepairCall).where(RepairCall.device_id.in_(device_ids))
                 .order_by(RepairCall.id))
    visits = _all(select(Visit).where(Visit.call_id.in_([c.id for c in calls])).order_by(Visit.id))
    reports = _all(select(WorkReport).where(WorkReport.visit_id.in_([v.id for v in visits]))
                   .order_by(WorkReport.id))
    return Subject(customer, sites, manager_accounts(emails), devices, packs, applications,
                   calls, visits, reports)


def _rows(objs: list[Any], fields: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{f: jsonable(getattr(o, f)) for f in fields} for o in objs]


def _device(device: Device) -> dict[str, Any]:
    return {"id": device.id, "serial": device.serial, "model_code": device.model.code,
            "site_id": device.site_id, "parent_device_id": device.parent_device_id,
            "purchase_date": jsonable(device.purchase_date),
            "factory_ship_date": jsonable(device.factory_ship_date),
            "print_count": device.print_count, "print_count_on": jsonable(device.print_count_on)}


def _report(row: WorkReport) -> dict[str, Any]:
    # Metadata only: the attendee is the one name of the subject inside the content.
    return {**{f: jsonable(getattr(row, f)) for f in REPORT_FIELDS},
            "attendee_name": (row.content or {}).get("attendee_name"),
            "has_signature_image": row.signature_png is not None}


def subject_data(subject: Subject) -> dict[str, Any]:
    """The machine-readable export (JSON) of everything held about the subject."""
    packs_by_id = {p.id: p for p in subject.packs}
    requests = _all(select(PrivacyRequest).where(PrivacyRequest.customer_id == subject.customer.id)
                    .order_by(PrivacyRequest.id))
    return {
        "purposes": list(PURPOSES),
        "customer": _rows([subject.customer], CUSTOMER_FIELDS)[0],
        "sites": _rows(subject.sites, SITE_FIELDS),
        "accounts": _rows(subject.accounts, ACCOUNT_FIELDS),
        "devices": [_device(d) for d in subject.devices],
        "packs": [{**row, "device_serial": packs_by_id[row["id"]].device.serial}
                  for row in _rows(subject.packs, PACK_FIELDS)],
        "applications": _rows(subject.applications, APPLICATION_FIELDS),
        "calls": _rows(subject.calls, CALL_FIELDS),
        "visits": _rows(subject.visits, VISIT_FIELDS),
        "work_reports": [_report(r) for r in subject.reports],
        "privacy_requests": _rows(requests, ("id", "kind", "requested_at", "done_at",
                                             "actor_label")),
    }
