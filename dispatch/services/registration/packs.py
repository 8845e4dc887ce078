"""Recording support packs (rules.md §4 rules 1–9 in record mode), refusals and reading packs.

Applications, inquiries and completion live in `applications.py`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from dispatch import clock
from dispatch.domain.codes import RuleCode
from dispatch.domain.eligibility import Eligibility, EligibilityMode, eligibility
from dispatch.domain.products import PackProduct, PackStatus, liability_cap_yen
from dispatch.domain.support_hours import SupportHours
from dispatch.errors import Conflict, InvalidInput, NotFound, RuleViolation
from dispatch.extensions import db
from dispatch.models import Device, Pack
from dispatch.services.catalog.records import device_by_serial
from dispatch.services.registration.coverage_facts import (
    device_facts,
    model_terms,
    pack_record,
    packs_of,
    parent_device,
)
from dispatch.services.registration.rederive import rederive_periods
from dispatch.services.trust.audit import Actor, record, snapshot

PACK_FIELDS = ("device_id", "product", "purchased_on", "received_on", "price_yen", "status",
               "nominal_start", "uncapped_end", "continuous", "coverage_end", "warnings")
# Codes a person may give with a refusal (rules.md §4.6); REFUSED_OTHER is always among them.
REFUSAL_CODES = (RuleCode.REFUSED_OTHER, RuleCode.LIFETIME_EXCEEDED,
                 RuleCode.PRINT_LIMIT_EXCEEDED, RuleCode.PRINT_LIMIT_PROJECTED)
# Packs OXT can still refuse: bought or applied for, not yet registered (seed ⑤).
REFUSABLE = (PackStatus.PURCHASED, PackStatus.APPLIED, PackStatus.INQUIRY, PackStatus.CANCELLED)


def parse_support_hours(payload: dict[str, Any]) -> SupportHours:
    """The pack's support hours, or a 422 naming the field."""
    try:
        return SupportHours.from_payload(payload)
    except (ValueError, TypeError) as exc:
        raise InvalidInput(str(exc), errors={"support_hours": [str(exc)]}) from exc


def check_pack(
    device: Device,
    product: PackProduct,
    on: date,
    *,
    mode: EligibilityMode,
    print_count: int | None = None,
    support_hours: SupportHours | None = None,
) -> Eligibility:
    """Ask the eligibility engine about `product` for `device` with its stored packs."""
    return eligibility(
        model_terms(device.model),
        device_facts(device),
        [pack_record(p) for p in packs_of(device)],
        product,
        on,
        print_count=print_count,
        mode=mode,
        parent=parent_device(device),
        support_hours=support_hours,
    )


def record_pack(data: dict[str, Any], actor: Actor) -> Pack:
    """Record a bought pack: stored `purchased` with its period, or 422 storing nothing."""
    device = device_by_serial(data["target_serial"])
    hours = parse_support_hours(data["support_hours"])
    product = PackProduct(data["product"])
    received_on = data.get("received_on")
    if received_on is not None and received_on < data["purchased_on"]:
        raise InvalidInput("a pack cannot arrive before it was bought",
                           errors={"received_on": ["must not be before purchased_on"]})
    result = check_pack(device, product, data["purchased_on"], mode=EligibilityMode.RECORD,
                        print_count=data.get("print_count"), support_hours=hours)
    if not result.eligible:
        raise RuleViolation("the pack cannot be recorded (rules.md §4)", codes=result.codes)
    period = result.period
    pack = Pack(
        device_id=device.id, product=product.value, purchased_on=data["purchased_on"],
        received_on=received_on, price_yen=data.get("price_yen"),
        support_hours=hours.to_payload(), status=PackStatus.PURCHASED,
        nominal_start=period.start, uncapped_end=period.uncapped_end,
        continuous=period.continuous, coverage_end=result.coverage_end,
        warnings=[str(w) for w in result.warnings], refusal_codes=[],
        status_changed_on=data["purchased_on"], created_at=clock.now(),
    )
    db.session.add(pack)
    db.session.flush()
    record(actor, "pack.record", "pack", pack.id, after=snapshot(pack, PACK_FIELDS))
    # An extension recorded before a standard pack bought with it moves behind it now
    # (rules.md §4, the order packs were recorded in).
    rederive_periods(device, actor)
    return pack


def pack_by_id(pack_id: int) -> Pack:
    """The pack, or NotFound."""
    pack = db.session.get(Pack, pack_id)
    if pack is None:
        raise NotFound(f"no pack {pack_id}")
    return pack


def refuse_pack(pack_id: int, note: str, codes: list[str] | None, on: date, actor: Actor) -> Pack:
    """OXT refuses a pack for a justified reason with a note: stored `refused` (rules.md §4.6)."""
    pack = pack_by_id(pack_id)
    if pack.status not in REFUSABLE:
        raise Conflict(f"a {pack.status} pack cannot be refused; only {', '.join(REFUSABLE)}")
    if not note.strip():
        raise InvalidInput("a refusal needs a note", errors={"note": ["must not be blank"]})
    given = [RuleCode(c) for c in codes or []]
    wrong = [c for c in given if c not in REFUSAL_CODES]
    if wrong:
        raise InvalidInput("not a refusal code", errors={"codes": [str(c) for c in wrong]})
    before = snapshot(pack, ("status", "refusal_codes"))
    pack.refusal_codes = [str(RuleCode.REFUSED_OTHER)] + [
        str(c) for c in given if c is not RuleCode.REFUSED_OTHER
    ]
    pack.refusal_note = note.strip()
    pack.status, pack.status_changed_on = PackStatus.REFUSED, on
    for application in pack.applications:
        if application.status in (PackStatus.APPLIED, PackStatus.INQUIRY):
            application.status = PackStatus.REFUSED
    record(actor, "pack.refuse", "pack", pack.id, before=before,
           after={"status": PackStatus.REFUSED, "refusal_codes": pack.refusal_codes, "note": note})
    db.session.flush()
    # A refused pack no longer counts: the packs that followed it move up (rules.md §4).
    rederive_periods(pack.device, actor)
    return pack


def liability_cap_of(pack: Pack) -> int | None:
    """The pack's damages cap in yen (seed §16), or None while its price is not recorded."""
    return liability_cap_yen(pack.price_yen, PackProduct(pack.product))


def pack_out(pack: Pack) -> dict[str, Any]:
    """The pack payload of rules.md §9.1 with its registration facts."""
    latest = max(pack.applications, key=lambda a: a.id, default=None)
    return {
        "id": pack.id, "status": pack.status, "product": pack.product,
        "target_serial": pack.device.serial, "purchased_on": pack.purchased_on,
        "received_on": pack.received_on, "support_hours": pack.support_hours,
        "price_yen": pack.price_yen,
        "liability_cap_yen": liability_cap_of(pack),
        "coverage_start": pack.coverage_start, "coverage_end": pack.coverage_end,
        "nominal_start": pack.nominal_start, "continuous": pack.continuous,
        "support_pack_id": pack.support_pack_id, "warnings": list(pack.warnings or []),
        "refusal_codes": list(pack.refusal_codes or []), "refusal_note": pack.refusal_note,
        "status_code": pack.status_code,
        "application_id": latest.id if latest else None,
    }
