"""Eligibility to buy (advice) or record (record) a pack: every rule of rules.md §4 1–9.

All applicable codes are collected, not just the first, so the coordinator sees every reason.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from dispatch.domain.codes import RuleCode
from dispatch.domain.coverage import coverage_chain, current_coverage_end, pack_period
from dispatch.domain.periods import period_last_day
from dispatch.domain.print_usage import is_over_print_limit, is_projected_over_limit
from dispatch.domain.products import (
    DeviceFacts,
    DeviceKind,
    ModelTerms,
    PackPeriod,
    PackProduct,
    PackRecord,
)

# rules.md §4.1 / seed: ご購入条件、ご注意事項 (ご購入日から起算して6ヶ月以内にご購入が条件):
# standard packs within 6 months counted from the device purchase.
STANDARD_PACK_WINDOW_MONTHS = 6


class EligibilityMode(StrEnum):
    """Advice before a sale, or recording a pack already bought (rules.md §4.4)."""

    ADVICE = "advice"
    RECORD = "record"


@dataclass(frozen=True, slots=True)
class Refusal:
    """OXT's refusal for "any other justified reason" (seed ⑤), entered by a person."""

    note: str

    def __post_init__(self) -> None:
        if not self.note.strip():
            raise ValueError("a refusal needs a note saying why (rules.md §4.6)")


@dataclass(frozen=True, slots=True)
class ParentDevice:
    """The device an option is attached to, with its packs (rules.md §4.7)."""

    terms: ModelTerms
    device: DeviceFacts
    packs: tuple[PackRecord, ...]


@dataclass(frozen=True, slots=True)
class Eligibility:
    """Outcome: `codes` block the pack; `warnings` (CAPPED_AT_LIFETIME) do not."""

    eligible: bool
    codes: tuple[RuleCode, ...]
    coverage_end: date | None
    warnings: tuple[RuleCode, ...]
    period: PackPeriod


def eligibility(
    terms: ModelTerms,
    device: DeviceFacts,
    packs: Iterable[PackRecord],
    product: PackProduct,
    on: date,
    *,
    print_count: int | None = None,
    mode: EligibilityMode | str = EligibilityMode.ADVICE,
    parent: ParentDevice | None = None,
    refusal: Refusal | None = None,
    support_hours: Hashable = None,
) -> Eligibility:
    """Every §4 rule that applies to buying (`advice`) or recording (`record`) `product` on `on`."""
    mode = EligibilityMode(mode)
    packs = tuple(packs)
    chain = coverage_chain(terms, device, packs)
    purchase, life_end, current_end = chain.purchase_date, chain.lifetime_end, chain.current_end
    period = pack_period(
        product, on, device_purchase=purchase, lifetime_end=life_end, current_end=current_end
    )
    codes: list[RuleCode] = []
    warnings: list[RuleCode] = []
    if not device.in_japan:
        codes.append(RuleCode.OUTSIDE_JAPAN)  # §4.9
    if product not in terms.packs_offered:
        codes.append(RuleCode.PACK_NOT_OFFERED)  # §4.5
    codes.extend(_purchase_window_codes(product, on, purchase, packs, current_end, life_end))
    _add_lifetime_codes(codes, warnings, mode, on, period, life_end)
    codes.extend(_print_codes(terms, device, on, print_count, purchase, period.end))
    if refusal is not None:
        codes.append(RuleCode.REFUSED_OTHER)  # §4.6, seed ⑤
    coverage_end = period.end
    if terms.kind is DeviceKind.OPTION:
        coverage_end = _check_option(codes, parent, product, support_hours, coverage_end)
    return Eligibility(not codes, tuple(codes), coverage_end, tuple(warnings), period)


def standard_window_last_day(device_purchase: date) -> date:
    """Last day of the 6-month window counted from the device's purchase date (§4.1)."""
    return period_last_day(device_purchase, months=STANDARD_PACK_WINDOW_MONTHS)


def application_window_codes(
    product: PackProduct, device_purchase: date, applied_on: date
) -> tuple[RuleCode, ...]:
    """STANDARD_PACK_WINDOW_CLOSED for a standard pack applied for after the device's window.

    Seed: 標準パック サービス仕様書 §3(2) (登録申請できる…は、ご購入後6ヶ月以内の…製品): the
    application, not only the purchase, falls within 6 months of the device (or option)
    purchase. Extensions have no such window.
    """
    if product.is_standard and applied_on > standard_window_last_day(device_purchase):
        return (RuleCode.STANDARD_PACK_WINDOW_CLOSED,)
    return ()


def _purchase_window_codes(
    product: PackProduct,
    on: date,
    purchase: date,
    packs: tuple[PackRecord, ...],
    current_end: date | None,
    life_end: date,
) -> list[RuleCode]:
    codes: list[RuleCode] = []
    if product.is_standard:
        # §4.1: bought later than the last day of 6 months counted from the purchase date.
        if on > standard_window_last_day(purchase):
            codes.append(RuleCode.STANDARD_PACK_WINDOW_CLOSED)
        return codes
    # §4.2 / seed: ご購入条件、ご注意事項 (既に「7年サポートパック」をご購入頂いている場合には
    # ご購入できません): never after a 7-year pack already bought.
    if any(p.product is PackProduct.STD7 and p.is_held for p in packs):
        codes.append(RuleCode.EXTENSION_AFTER_STD7)
    # §4.3: nothing left to extend once coverage reaches the lifetime end.
    if current_end is not None and current_end >= life_end:
        codes.append(RuleCode.NOTHING_TO_EXTEND)
    return codes


def _add_lifetime_codes(
    codes: list[RuleCode],
    warnings: list[RuleCode],
    mode: EligibilityMode,
    on: date,
    period: PackPeriod,
    life_end: date,
) -> None:
    if on > life_end:
        codes.append(RuleCode.LIFETIME_EXCEEDED)  # §4.6, seed ①
    if period.uncapped_end > life_end:
        # §4.4: advised against before the sale (seed ②); once bought, kept but capped
        # (seed: 延長パック サービス仕様書 §4(3) 「装置寿命」日までを最大サービス提供期間, no
        # refund of the unused part).
        if mode is EligibilityMode.ADVICE:
            codes.append(RuleCode.EXCEEDS_LIFETIME)
        else:
            warnings.append(RuleCode.CAPPED_AT_LIFETIME)


def _print_codes(
    terms: ModelTerms,
    device: DeviceFacts,
    on: date,
    print_count: int | None,
    purchase: date,
    pack_end: date,
) -> list[RuleCode]:
    limit = terms.print_limit
    if limit is None:
        return []
    # A count given with the request is a reading taken on `on`; else the device's last one.
    count, count_on = (print_count, on) if print_count is not None else (
        device.print_count, device.print_count_on
    )
    if count is None:
        return []
    if is_over_print_limit(count, limit):
        return [RuleCode.PRINT_LIMIT_EXCEEDED]  # seed ③
    # Seed ④: only a count not yet over the limit is worth projecting.
    if count_on is not None and is_projected_over_limit(count, count_on, purchase, pack_end, limit):
        return [RuleCode.PRINT_LIMIT_PROJECTED]
    return []


def _check_option(
    codes: list[RuleCode],
    parent: ParentDevice | None,
    product: PackProduct,
    support_hours: Hashable,
    end: date,
) -> date:
    if not _parent_holds_match(parent, product, support_hours):
        codes.append(RuleCode.OPTION_PARENT_PACK_MISMATCH)  # §4.7
    return option_coverage_end(end, parent)


def _parent_holds_match(
    parent: ParentDevice | None, product: PackProduct, support_hours: Hashable
) -> bool:
    # Seed: サービス仕様書 §2(2) of both packs (同年数同期間・同サービス): an option pack
    # needs the parent to hold the same pack (same years, same kind: standard↔standard,
    # extension↔extension) with the same service.
    # Without support hours (advice before a sale) only the product is compared.
    if parent is None:
        return False
    return any(
        p.is_held
        and p.product is product
        and (support_hours is None or p.support_hours == support_hours)
        for p in parent.packs
    )


def option_coverage_end(end: date, parent: ParentDevice | None) -> date:
    """An option's pack ends when its parent printer's coverage ends (rules.md §4.7)."""
    # Seed §4(2): the option's service period ends when its parent device's ends.
    if parent is None:
        return end
    parent_end = current_coverage_end(parent.terms, parent.device, parent.packs)
    if parent_end is None or parent_end >= end:
        return end
    return parent_end
