"""Registration lifecycle deadlines of rules.md §4 as pure date functions.

The business calendar belongs to another module, so functions that need business days take
the adding function as an argument.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from dispatch.domain.codes import RuleCode
from dispatch.domain.periods import (
    INQUIRY_ANSWER_DAYS,
    day_after,
    days_after,
    period_last_day,
)
from dispatch.domain.products import PackStatus

# Seed 3-1(2) / 3-2(2): apply within 10 days after the pack arrives (届いてから10日以内).
APPLICATION_DAYS = 10
# Seed: サービス仕様書 §9(2) (ご購入日から1年間を過ぎても…無効): no application within 1 year
# counted from the pack purchase → void.
VOID_AFTER_YEARS = 1
# Seed 3-1(3) / 3-2(3): OXT registers within about 7 business days (約7営業日以内).
REGISTRATION_BUSINESS_DAYS = 7


class AddBusinessDays(Protocol):
    """`calendar`'s business-day arithmetic: the date `n` business days after `d`."""

    def __call__(self, d: date, n: int, /) -> date: ...


def application_due(received_on: date) -> date:
    """Last day to apply for a pack received on `received_on` (received + 10 days)."""
    return days_after(received_on, APPLICATION_DAYS)


def is_application_late(received_on: date, on: date) -> bool:
    """True when no application by `on` means a reminder is due (past the 10-day deadline)."""
    return on > application_due(received_on)


def void_date(pack_purchased_on: date) -> date:
    """First day a never-applied pack is void: the day after 1 year counted from its purchase."""
    return day_after(period_last_day(pack_purchased_on, years=VOID_AFTER_YEARS))


def is_void_on(pack_purchased_on: date, on: date) -> bool:
    """True when a pack with no application by `on` is void (NOT_REGISTERED_WITHIN_1_YEAR)."""
    return on >= void_date(pack_purchased_on)


def inquiry_lapse_date(sent_on: date) -> date:
    """Day an inquiry sent on `sent_on` and still unanswered cancels the application (D + 14)."""
    return days_after(sent_on, INQUIRY_ANSWER_DAYS)


def is_inquiry_lapsed(sent_on: date, on: date, answered_on: date | None = None) -> bool:
    """True when the inquiry is unanswered on its lapse date (INQUIRY_UNANSWERED)."""
    lapse = inquiry_lapse_date(sent_on)
    # The daily job of D + 14 cancels the application, so an answer must come before that
    # day; one dated D + 14 would race the job (issue 14, rules.md §4 inquiries).
    if answered_on is not None and answered_on < lapse:
        return False
    return on >= lapse


def is_answer_too_late(sent_on: date, answered_on: date) -> bool:
    """True for an answer dated on or after the lapse day: refused (INQUIRY_UNANSWERED)."""
    return answered_on >= inquiry_lapse_date(sent_on)


def registration_due(applied_on: date, add_business_days: AddBusinessDays) -> date:
    """Registration SLA: about 7 OXT business days after the application."""
    return add_business_days(applied_on, REGISTRATION_BUSINESS_DAYS)


def is_registration_late(
    applied_on: date, on: date, add_business_days: AddBusinessDays
) -> bool:
    """True when an application still unregistered on `on` breaches the SLA (rules.md §4)."""
    return on > registration_due(applied_on, add_business_days)


def consent_codes(
    *, service_spec: bool, privacy: bool, antisocial_declaration: bool
) -> tuple[RuleCode, ...]:
    """CONSENT_REQUIRED unless all three consents of an application were given (rules.md §4)."""
    # Seed: はじめに「ご注意！」 (…に同意し、登録申請を行って頂くことが条件): the service
    # specification, personal-information handling and the anti-social-forces declaration
    # are all conditions of registration.
    if service_spec and privacy and antisocial_declaration:
        return ()
    return (RuleCode.CONSENT_REQUIRED,)


@dataclass(frozen=True, slots=True)
class LifecycleStep:
    """A status change the daily lifecycle job applies, with the rule code that caused it."""

    status: PackStatus
    code: RuleCode


# Packs waiting for (re-)application: a cancelled application must be made again by web
# (seed 3-1 "再申請はwebによる登録申請"), so it is as unapplied as a fresh purchase.
AWAITING_APPLICATION: tuple[PackStatus, ...] = (PackStatus.PURCHASED, PackStatus.CANCELLED)


def lifecycle_step(
    status: PackStatus,
    *,
    purchased_on: date,
    on: date,
    inquiry_sent_on: date | None = None,
    inquiry_answered_on: date | None = None,
) -> LifecycleStep | None:
    """The status change due on `on` for a pack in `status`, or None when nothing is due."""
    if status in AWAITING_APPLICATION and is_void_on(purchased_on, on):
        # Seed: サービス仕様書 §9(2): void after 1 year without application, no refund.
        return LifecycleStep(PackStatus.VOID, RuleCode.NOT_REGISTERED_WITHIN_1_YEAR)
    if (
        status is PackStatus.INQUIRY
        and inquiry_sent_on is not None
        and is_inquiry_lapsed(inquiry_sent_on, on, inquiry_answered_on)
    ):
        return LifecycleStep(PackStatus.CANCELLED, RuleCode.INQUIRY_UNANSWERED)
    return None
