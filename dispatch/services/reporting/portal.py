"""The customer portal's read side (rules.md §7, §8): a site manager's sites, devices with
coverage and liability cap, signed reports with the follow-up visits they created, and claims.

Every collection is read in one statement (packs in bulk for the coverage rules, follow-up
visits for all reports at once), so the page costs the same for 5 devices as for 50.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from dispatch.domain.coverage import CoverageStatus
from dispatch.domain.follow_up import FollowUpState, follow_up_state
from dispatch.domain.report_status import ReportStatus
from dispatch.extensions import db
from dispatch.models import Device, Pack, RepairCall, Site, Visit
from dispatch.models import WorkReport as ReportRow
from dispatch.services.registration.coverage_facts import device_coverage, packs_by_device
from dispatch.services.registration.packs import liability_cap_of
from dispatch.services.reporting.non_conformity import claims_of_reports


@dataclass(frozen=True)
class SiteLine:
    id: int
    name: str
    address: str


@dataclass(frozen=True)
class DeviceLine:
    id: int
    site_id: int
    serial: str
    model_name: str
    coverage: CoverageStatus
    has_cap: bool  # covered today by a pack: the cap line is shown (seed §16)
    cap_yen: int | None  # None while the covering pack's price is not recorded


@dataclass(frozen=True)
class FollowUpLine:
    """A follow-up visit, with the signed report it follows."""

    visit_id: int
    service_date: date
    state: FollowUpState
    follows_report_id: int
    follows_signed_at: datetime | None
    serial: str


@dataclass(frozen=True)
class ReportLine:
    id: int
    signed_at: datetime | None
    site_name: str
    serial: str
    result: str
    exclusion_cause: str | None
    follow_up: FollowUpLine | None  # the visit this report's follow_up result created
    follows_report_id: int | None  # this report's visit was the follow-up of that report
    follows_signed_at: datetime | None


@dataclass(frozen=True)
class PortalView:
    sites: list[SiteLine]
    devices: list[DeviceLine]
    reports: list[ReportLine]
    follow_ups: list[FollowUpLine]
    claims: list[dict[str, Any]]


def own_sites(email: str) -> list[Site]:
    """The sites whose manager e-mail is `email` (rules.md §8)."""
    return list(db.session.scalars(select(Site).where(Site.managed_by(email)).order_by(Site.id)))


def own_signed_reports(site_ids: list[int]) -> list[tuple[ReportRow, int, int | None]]:
    """Signed reports of devices at these sites, newest first, each with its visit's id and
    the visit it followed up (if any)."""
    if not site_ids:
        return []
    rows = db.session.execute(
        select(ReportRow, Visit.id, Visit.follow_up_of_id)
        .join(Visit, ReportRow.visit_id == Visit.id)
        .join(RepairCall, Visit.call_id == RepairCall.id)
        .join(Device, RepairCall.device_id == Device.id)
        .where(Device.site_id.in_(site_ids), ReportRow.status == ReportStatus.SIGNED)
        .order_by(ReportRow.signed_at.desc(), ReportRow.id.desc()))
    return [(row, visit_id, follows) for row, visit_id, follows in rows]


def _devices(site_ids: list[int], today: date) -> list[DeviceLine]:
    devices = list(db.session.scalars(
        select(Device).where(Device.site_id.in_(site_ids))
        .options(joinedload(Device.model),
                 joinedload(Device.parent).joinedload(Device.model))
        .order_by(Device.serial)).unique()) if site_ids else []
    ids = {d.id for d in devices} | {d.parent_device_id for d in devices
                                     if d.parent_device_id is not None}
    packs = packs_by_device(ids)
    # CoverageStatus.pack_id is any hashable (the rules take plain ids); here it is Pack.id.
    by_id: dict[Hashable, Pack] = {p.id: p for device_packs in packs.values()
                                   for p in device_packs}
    lines = []
    for device in devices:
        coverage = device_coverage(device, today, packs=packs)
        # Seed §16: the cap follows the pack that covers the device today.
        pack = by_id.get(coverage.pack_id) if coverage.covered else None
        lines.append(DeviceLine(device.id, device.site_id, device.serial, device.model.name,
                                coverage, pack is not None,
                                liability_cap_of(pack) if pack is not None else None))
    return lines


def _follow_ups(reports: list[tuple[ReportRow, int, int | None]]) -> dict[int, FollowUpLine]:
    """The follow-up visits the reports' visits created, by the report they follow."""
    report_of_visit = {visit_id: row for row, visit_id, _ in reports}
    if not report_of_visit:
        return {}
    found: dict[int, FollowUpLine] = {}
    for visit in db.session.scalars(select(Visit).where(
            Visit.follow_up_of_id.in_(list(report_of_visit))).order_by(Visit.id)):
        row = report_of_visit[visit.follow_up_of_id]  # type: ignore[index]
        found[row.id] = FollowUpLine(
            visit.id, visit.service_date,
            follow_up_state(visit.status, visit.technician_id, visit.eta),
            row.id, row.signed_at, row.content.get("device_serial", ""))
    return found


def portal_view(email: str, today: date) -> PortalView:
    """Everything the portal shows a site manager, in a fixed number of statements."""
    sites = own_sites(email)
    site_ids = [s.id for s in sites]
    reports = own_signed_reports(site_ids)
    follow_ups = _follow_ups(reports)
    report_of_visit = {visit_id: row for row, visit_id, _ in reports}
    lines = []
    for row, _, follows in reports:
        # The report of the visit this one followed up: signed (signing created the
        # follow-up), and of the same device, hence among this manager's reports.
        earlier = report_of_visit.get(follows) if follows is not None else None
        lines.append(ReportLine(
            row.id, row.signed_at, row.content.get("site_name", ""),
            row.content.get("device_serial", ""), row.content.get("result", ""),
            row.content.get("exclusion_cause"), follow_ups.get(row.id),
            earlier.id if earlier else None, earlier.signed_at if earlier else None))
    return PortalView(
        sites=[SiteLine(s.id, s.name, s.address) for s in sites],
        devices=_devices(site_ids, today),
        reports=lines,
        # Soonest first: the customer's next visit leads the list.
        follow_ups=sorted(follow_ups.values(), key=lambda f: (f.service_date, f.visit_id)),
        claims=claims_of_reports([line.id for line in lines]),
    )
