"""Taking repair calls on the dedicated repair line (rules.md §5) and closing them.

A call is always stored, even when it is refused: the coordinator is on the phone, and the
record of what was said (UNKNOWN_SERIAL, SUPPORT_PACK_ID_MISMATCH, EXPIRED, …) matters.
Refusals are `not_covered` calls with their codes, answered 201 like any other call. The one
exception is a support pack ID whose check character fails: that is a typo, answered 422
(SUPPORT_PACK_ID_INVALID) with nothing stored, so the coordinator asks again (rules.md §5).
Serials and IDs are stored and compared normalised (NFKC, upper case, no spaces/hyphens).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from dispatch import clock
from dispatch.domain.call_decision import (
    ONSITE,
    Area,
    AreaVerdict,
    CallDecision,
    CoverageVerdict,
    Decision,
    decide_call,
)
from dispatch.domain.call_status import CallStatus
from dispatch.domain.codes import RuleCode
from dispatch.domain.coverage import CoverageStatus, coverage_on
from dispatch.domain.support_pack_id import is_valid, normalise, normalise_serial
from dispatch.domain.visit_status import VisitStatus
from dispatch.errors import InvalidInput, NotFound, RuleViolation
from dispatch.extensions import db
from dispatch.models import Device, Pack, RepairCall, Site, Visit
from dispatch.services import idempotency
from dispatch.services.catalog import areas, records
from dispatch.services.registration.coverage_facts import (
    device_coverage,
    device_facts,
    model_terms,
    pack_record,
    packs_of,
    support_hours_of,
)
from dispatch.services.trust.audit import Actor, record, snapshot
from dispatch.services.unit_of_work import start_over

CALL_FIELDS = ("serial", "support_pack_id", "received_at", "decision", "service_date",
               "cutoff_at", "codes", "status", "override_reason")
MAX_KEY_LENGTH = 200  # repair_calls.idempotency_key
_AREAS = {
    RuleCode.REMOTE_ISLAND: Area.REMOTE_ISLAND,
    RuleCode.OUTSIDE_SERVICE_AREA: Area.OUTSIDE_SERVICE_AREA,
    RuleCode.OUTSIDE_SAME_DAY_AREA: Area.OUTSIDE_SAME_DAY_AREA,
}
# What deciding a call reads with a device, in the same statement.
_DEVICE_LOADS = (joinedload(Device.model), joinedload(Device.site).joinedload(Site.customer))
# Concurrent calls on one device may both update its print-count reading; the loser of
# the optimistic version check simply retakes the call.
_ATTEMPTS = 3


@dataclass(frozen=True)
class _Facts:
    """What intake found out about a call before deciding it."""

    device: Device | None
    pack: Pack | None
    decision: CallDecision


def fingerprint(data: dict[str, Any]) -> str:
    """A stable hash of a call request, so a reused Idempotency-Key with another body is seen."""
    canonical = dict(data)
    canonical["received_at"] = data["received_at"].astimezone(UTC).isoformat()
    canonical.setdefault("parts_required", False)
    canonical.setdefault("print_count", None)
    return idempotency.fingerprint(canonical)


def take_repair_call(data: dict[str, Any], idempotency_key: str | None, actor: Actor) -> RepairCall:
    """Check coverage, area and cutoff for a call and store it with its decision (§5)."""
    if data["received_at"].tzinfo is None:
        raise InvalidInput("received_at needs an offset",
                           errors={"received_at": ["give an offset, e.g. +09:00"]})
    if idempotency_key is not None and not 1 <= len(idempotency_key) <= MAX_KEY_LENGTH:
        raise InvalidInput("the Idempotency-Key is too long",
                           errors={"Idempotency-Key": [f"at most {MAX_KEY_LENGTH} characters"]})
    data = normalised_call(data)
    print_ = fingerprint(data)
    for attempt in range(_ATTEMPTS):
        # Both answers below start the unit of work over: taking a call is the only writer
        # in its unit (the intake views and the API open one around it alone).
        try:
            return _store_call(data, idempotency_key, print_, actor)
        except IntegrityError:
            start_over()
            # The key's unique index answers whether it was used: by an earlier send of
            # this request (a retry) or by one that won the race. Its call is the answer.
            # Retries are rare, so no call pays a look-up of its key first.
            existing = _replay(idempotency_key, print_)
            if existing is None:
                raise
            return existing
        except StaleDataError:
            start_over()
            if attempt == _ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def normalised_call(data: dict[str, Any]) -> dict[str, Any]:
    """The call with its serial and ID as compared; 422 for an ID failing its check (§5)."""
    if not is_valid(data["support_pack_id"]):
        raise RuleViolation(
            f"support pack ID '{data['support_pack_id']}' fails its check character: "
            "a typo, ask the caller again",
            codes=(RuleCode.SUPPORT_PACK_ID_MISMATCH, RuleCode.SUPPORT_PACK_ID_INVALID),
            errors={"support_pack_id": ["check character does not match"]})
    return {**data, "serial": normalise_serial(data["serial"]),
            "support_pack_id": normalise(data["support_pack_id"])}


def _replay(key: str | None, print_: str) -> RepairCall | None:
    if key is None:
        return None
    call = db.session.scalar(select(RepairCall).where(RepairCall.idempotency_key == key))
    if call is not None:
        idempotency.refuse_mismatch(call.request_fingerprint, print_, "call")
    return call


def _store_call(data: dict[str, Any], key: str | None, print_: str, actor: Actor) -> RepairCall:
    received_at = data["received_at"]
    facts = _decide(data, received_at)
    decision = facts.decision
    call = RepairCall(
        idempotency_key=key, request_fingerprint=print_,
        device_id=facts.device.id if facts.device else None,
        pack_id=facts.pack.id if facts.pack else None,
        serial=data["serial"], support_pack_id=data["support_pack_id"],
        received_at=received_at, symptom=data["symptom"], print_count=data.get("print_count"),
        parts_required=bool(data.get("parts_required")), decision=decision.decision,
        service_date=decision.service_date, cutoff_at=decision.cutoff_at,
        codes=[c.value for c in decision.codes],
        # A refused call needs nothing more from anyone: it is closed as it is taken.
        status=(CallStatus.CANCELLED if decision.decision is Decision.NOT_COVERED
                else CallStatus.OPEN),
        created_at=clock.now(),
    )
    db.session.add(call)
    db.session.flush()
    _open_visit(call)
    record(actor, "call.take", "repair_call", call.id, after=snapshot(call, CALL_FIELDS))
    db.session.flush()
    return call


def _open_visit(call: RepairCall) -> None:
    # An onsite decision waits for the planner (§6) as an unassigned visit of its date.
    if call.decision in ONSITE and call.service_date is not None:
        db.session.add(Visit(call_id=call.id, service_date=call.service_date,
                             status=VisitStatus.UNASSIGNED))


def _refused(code: RuleCode, device: Device | None = None, pack: Pack | None = None) -> _Facts:
    return _Facts(device, pack, CallDecision(Decision.NOT_COVERED, None, None, (code,)))


def _decide(data: dict[str, Any], received_at: datetime) -> _Facts:
    device, packs = _device_with_packs(data["serial"])
    if device is None:
        return _refused(RuleCode.UNKNOWN_SERIAL)
    pack = _pack_quoted(packs, data["support_pack_id"])
    if pack is None:
        # The printer's serial with an installed option's ID: the caller reads the serial off
        # the printer and the ID off the option's sticker; the option's pack decides (§5).
        option, option_packs, pack = _installed_option_quoted(device, data["support_pack_id"])
        if pack is None:
            return _refused(RuleCode.SUPPORT_PACK_ID_MISMATCH, device)
        device, packs = cast(Device, option), option_packs
    if device.site.customer.terminated_at is not None:
        # §8: service to an anti-social force ends at once.
        return _refused(RuleCode.SERVICE_TERMINATED, device, pack)
    on = clock.to_tokyo(received_at).date()
    print_count = data.get("print_count")
    _note_print_count(device, print_count, on)
    status = _coverage(device, packs, on, print_count)
    verdict = CoverageVerdict(status.covered, status.codes)
    covering = next((p for p in packs if p.id == status.pack_id), None)
    # The covering pack's hours apply (an extension may cover while an older ID is quoted).
    hours = support_hours_of(covering or pack)
    decision = decide_call(verdict, area_of(device.site), bool(data.get("parts_required")),
                           hours, received_at)
    return _Facts(device, covering if status.covered and covering else pack, decision)


def _device_with_packs(serial: str) -> tuple[Device | None, list[Pack]]:
    """The device with its model, site, customer and packs (oldest first) in one round trip:
    intake is on the phone. `serial` is normalised already."""
    rows = db.session.execute(
        select(Device, Pack).outerjoin(Pack, Pack.device_id == Device.id)
        .where(Device.serial == serial).options(*_DEVICE_LOADS).order_by(Pack.id)
    ).all()
    if rows:
        return rows[0][0], [pack for _, pack in rows if pack is not None]
    # A row stored before serials were normalised (records.find_device, rules.md §5).
    device = records.find_device_as_typed(serial, *_DEVICE_LOADS) if serial else None
    return device, packs_of(device) if device is not None else []


def _pack_quoted(packs: list[Pack], quoted: str) -> Pack | None:
    # Stored IDs are issued canonical, but older rows may have been typed: normalise both.
    return next((p for p in packs
                 if p.support_pack_id and normalise(p.support_pack_id) == quoted), None)


def _installed_option_quoted(
        printer: Device, quoted: str) -> tuple[Device | None, list[Pack], Pack | None]:
    options = db.session.scalars(
        select(Device).where(Device.parent_device_id == printer.id).order_by(Device.id)
        .options(*_DEVICE_LOADS))
    for option in options:
        packs = packs_of(option)
        pack = _pack_quoted(packs, quoted)
        if pack is not None:
            return option, packs, pack
    return None, [], None


def _coverage(device: Device, packs: list[Pack], on: date, count: int | None) -> CoverageStatus:
    # device_coverage, reusing the packs already loaded (one query less per call).
    parent = device_coverage(device.parent, on) if device.parent is not None else None
    return coverage_on(model_terms(device.model), device_facts(device),
                       [pack_record(p) for p in packs], on, print_count=count,
                       parent_coverage=parent)


def _note_print_count(device: Device, count: int | None, on: date) -> None:
    # A counter only grows; a reading from the phone replaces an older or smaller one.
    if count is None:
        return
    if device.print_count_on is not None and on < device.print_count_on:
        return
    if device.print_count is not None and count < device.print_count:
        return
    device.print_count, device.print_count_on = count, on


def area_of(site: Site) -> AreaVerdict:
    """The site's area verdict (§5) from its coordinates against bases and islands."""
    if site.lat is None or site.lon is None:
        # A site without coordinates cannot be routed; the island flag still tells islands.
        area = Area.REMOTE_ISLAND if site.remote_island else Area.OUTSIDE_SERVICE_AREA
        return AreaVerdict(area)
    code = areas.evaluate(site.lat, site.lon).code
    return AreaVerdict(_AREAS[code]) if code is not None else AreaVerdict(Area.SAME_DAY_AREA)


def call_by_id(call_id: int) -> RepairCall:
    """A stored call, or 404."""
    call = db.session.get(RepairCall, call_id)
    if call is None:
        raise NotFound(f"no repair call {call_id}")
    return call


def calls_received_on(day: date) -> list[RepairCall]:
    """The calls received on a Tokyo calendar day, in the order they came in (the board)."""
    start = datetime.combine(day, datetime.min.time(), tzinfo=clock.TOKYO)
    return list(db.session.scalars(
        select(RepairCall)
        .where(RepairCall.received_at >= start, RepairCall.received_at < start + timedelta(1))
        .order_by(RepairCall.received_at, RepairCall.id)
    ))


def visits_of(call: RepairCall) -> list[Visit]:
    """The visits made for a call, oldest first."""
    return list(db.session.scalars(
        select(Visit).where(Visit.call_id == call.id).order_by(Visit.id)
    ))
