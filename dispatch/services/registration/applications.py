"""Registration applications, OXT's inquiries and completion (rules.md §4 lifecycle)."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError

from dispatch import clock
from dispatch.domain import lifecycle
from dispatch.domain.codes import RuleCode
from dispatch.domain.eligibility import application_window_codes
from dispatch.domain.products import EXTENSION_PRODUCTS, PackPeriod, PackProduct, PackStatus
from dispatch.domain.support_pack_id import make_id, normalise
from dispatch.errors import Conflict, InvalidInput, NotFound, RuleViolation
from dispatch.extensions import db
from dispatch.models import Application, Inquiry, Pack
from dispatch.services.notify import messages
from dispatch.services.registration.coverage_facts import packs_of
from dispatch.services.registration.packs import pack_by_id
from dispatch.services.trust.audit import Actor, record

ID_ATTEMPTS = 8


def _conflict(thing: str, status: str, allowed: str) -> Conflict:
    return Conflict(f"{thing} is {status}; this is only possible when it is {allowed}")


def apply(pack_id: int, data: dict[str, Any], actor: Actor) -> Application:
    """The customer applies (web or mail) with all three consents; the pack becomes `applied`."""
    pack = pack_by_id(pack_id)
    applied_on, channel = data["applied_on"], data["channel"]
    if pack.status == PackStatus.CANCELLED and channel != "web":
        # Seed 3-1: after a cancellation the customer re-applies by web.
        raise Conflict("a cancelled application can only be made again by web")
    if pack.status not in lifecycle.AWAITING_APPLICATION:
        raise _conflict("the pack", pack.status, "purchased (or cancelled, to re-apply)")
    if applied_on < pack.purchased_on:
        raise InvalidInput("an application cannot precede the purchase",
                           errors={"applied_on": ["must not be before purchased_on"]})
    consents = data["consents"]
    codes = list(lifecycle.consent_codes(**consents))
    codes.extend(application_window_codes(PackProduct(pack.product),
                                          pack.device.effective_purchase_date, applied_on))
    codes.extend(_current_id_codes(pack, data.get("current_support_pack_id")))
    if lifecycle.is_void_on(pack.purchased_on, applied_on):
        codes.append(RuleCode.NOT_REGISTERED_WITHIN_1_YEAR)
    if codes:
        raise RuleViolation("the application cannot be accepted (rules.md §4)", codes=codes)
    application = Application(
        pack_id=pack.id, channel=channel, applied_on=applied_on,
        consent_service_spec=True, consent_privacy=True, consent_antisocial_declaration=True,
        status=PackStatus.APPLIED, created_at=clock.now(),
    )
    db.session.add(application)
    before = pack.status
    pack.status, pack.status_code, pack.status_changed_on = PackStatus.APPLIED, None, applied_on
    db.session.flush()
    record(actor, "application.create", "application", application.id,
           before={"pack_status": before},
           after={"pack_id": pack.id, "channel": channel, "applied_on": applied_on.isoformat(),
                  "current_support_pack_id": data.get("current_support_pack_id")})
    db.session.flush()
    return application


def _current_id_codes(pack: Pack, quoted: str | None) -> tuple[RuleCode, ...]:
    # Seed: 延長パック使用説明書 §3-1/§3-2 ＜ご注意＞ (その「サポートパックID番号」が登録申請時、
    # 必要です): an extension application on a device holding a registered pack quotes that
    # pack's ID; compared normalised like the repair line (rules.md §5).
    if PackProduct(pack.product) not in EXTENSION_PRODUCTS:
        return ()
    held = {normalise(p.support_pack_id) for p in packs_of(pack.device)
            if p.id != pack.id and p.status == PackStatus.REGISTERED and p.support_pack_id}
    if not held:
        return ()
    if not quoted or normalise(quoted) not in held:
        return (RuleCode.SUPPORT_PACK_ID_MISMATCH,)
    return ()


def application_by_id(application_id: int) -> Application:
    """The application, or NotFound."""
    application = db.session.get(Application, application_id)
    if application is None:
        raise NotFound(f"no application {application_id}")
    return application


def _set_status(application: Application, status: PackStatus, on: date) -> None:
    application.status = status
    application.pack.status = status
    application.pack.status_changed_on = on


def send_inquiry(application_id: int, data: dict[str, Any], actor: Actor) -> Inquiry:
    """OXT asks the customer a question; the application waits in `inquiry`."""
    application = application_by_id(application_id)
    if application.status not in (PackStatus.APPLIED, PackStatus.INQUIRY):
        raise _conflict("the application", application.status, "applied or inquiry")
    if data["sent_on"] < application.applied_on:
        raise InvalidInput("an inquiry cannot precede the application",
                           errors={"sent_on": ["must not be before applied_on"]})
    inquiry = Inquiry(application_id=application.id, sent_on=data["sent_on"],
                      question=data["question"])
    db.session.add(inquiry)
    _set_status(application, PackStatus.INQUIRY, data["sent_on"])
    db.session.flush()
    record(actor, "inquiry.send", "application", application.id,
           after={"inquiry_id": inquiry.id, "sent_on": data["sent_on"].isoformat()})
    db.session.flush()
    return inquiry


def answer_inquiry(application_id: int, inquiry_id: int, answered_on: date,
                   actor: Actor) -> Application:
    """The customer answers; with no other open inquiry the application is `applied` again."""
    application = application_by_id(application_id)
    inquiry = db.session.get(Inquiry, inquiry_id)
    if inquiry is None or inquiry.application_id != application.id:
        raise NotFound(f"no inquiry {inquiry_id} on application {application_id}")
    if inquiry.answered_on is not None:
        raise Conflict(f"inquiry {inquiry_id} was already answered on {inquiry.answered_on}")
    if application.status != PackStatus.INQUIRY:
        raise _conflict("the application", application.status, PackStatus.INQUIRY)
    if answered_on < inquiry.sent_on:
        raise InvalidInput("an answer cannot precede its inquiry",
                           errors={"answered_on": ["must not be before sent_on"]})
    if lifecycle.is_answer_too_late(inquiry.sent_on, answered_on):
        # rules.md §2: unanswered on sent_on + 14 → the daily job of that day cancels the
        # application, so an answer dated that day or later is refused whichever runs first.
        raise Conflict(f"the inquiry lapsed on {lifecycle.inquiry_lapse_date(inquiry.sent_on)}; "
                       "re-apply by web", codes=[RuleCode.INQUIRY_UNANSWERED])
    inquiry.answered_on = answered_on
    if all(i.answered_on is not None for i in application.inquiries):
        _set_status(application, PackStatus.APPLIED, answered_on)
    record(actor, "inquiry.answer", "application", application.id,
           after={"inquiry_id": inquiry.id, "answered_on": answered_on.isoformat()})
    db.session.flush()
    return application


def _period(pack: Pack) -> PackPeriod:
    # A pack reaches an application only once recorded eligible, with its period computed.
    assert pack.nominal_start is not None and pack.coverage_end is not None
    return PackPeriod(start=pack.nominal_start, end=pack.coverage_end,
                      uncapped_end=pack.uncapped_end or pack.coverage_end,
                      continuous=pack.continuous)


def complete(application_id: int, completed_on: date, actor: Actor) -> Pack:
    """OXT completes registration: support pack ID issued, coverage starts (rules.md §4)."""
    application = application_by_id(application_id)
    if application.status != PackStatus.APPLIED:
        raise _conflict("the application", application.status,
                        "applied (answer open inquiries first)")
    if completed_on < application.applied_on:
        raise InvalidInput("registration cannot precede the application",
                           errors={"completed_on": ["must not be before applied_on"]})
    pack = application.pack
    period = _period(pack)
    start = period.service_start(completed_on)
    if start > period.end:
        raise Conflict(f"the pack's coverage ended on {pack.coverage_end}; nothing to register")
    application.completed_on = completed_on
    _set_status(application, PackStatus.REGISTERED, completed_on)
    pack.coverage_start = start
    pack.support_pack_id = _issue_id(pack)
    record(actor, "application.complete", "application", application.id,
           after={"pack_id": pack.id, "support_pack_id": pack.support_pack_id,
                  "coverage_start": start.isoformat(),
                  "coverage_end": period.end.isoformat()})
    db.session.flush()
    messages.registration_completed(pack, clock.now())  # in this unit of work (rules.md §11)
    return pack


def _issue_id(pack: Pack) -> str:
    # The unique constraint decides: a (very unlikely) collision retries with a new ID.
    for _ in range(ID_ATTEMPTS):
        candidate = make_id(secrets.choice)
        try:
            with db.session.begin_nested():
                pack.support_pack_id = candidate
                db.session.flush()
            return candidate
        except IntegrityError:
            continue
    raise Conflict("could not issue a unique support pack ID; try again")
