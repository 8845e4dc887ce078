"""The coverage engine of rules.md §4: pack periods, the coverage chain and coverage at a date.

Eligibility for buying/recording a pack lives in `eligibility.py`; the picture of all
periods in `timeline.py`. All dates come in as arguments.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from dispatch.domain.codes import RuleCode
from dispatch.domain.periods import day_after, period_last_day
from dispatch.domain.print_usage import is_over_print_limit
from dispatch.domain.products import (
    DeviceFacts,
    ModelTerms,
    PackPeriod,
    PackProduct,
    PackRecord,
    PackStatus,
)


def lifetime_end(purchase_date: date, lifetime_years: int) -> date:
    """Last day of the device lifetime: `lifetime_years` counted from purchase (rules.md §4.3)."""
    return period_last_day(purchase_date, years=lifetime_years)


def warranty_end(purchase_date: date, warranty_months: int) -> date | None:
    """Last day of the free warranty counted from the purchase; None for a model without one."""
    if warranty_months <= 0:
        return None
    return period_last_day(purchase_date, months=warranty_months)


def pack_period(
    product: PackProduct,
    purchased_on: date,
    *,
    device_purchase: date,
    lifetime_end: date,
    current_end: date | None,
) -> PackPeriod:
    """The nominal period `product` bought on `purchased_on` gives, capped at the lifetime end."""
    if product.is_standard:
        # Seed §4(1): a standard pack runs its years counted from the device purchase date.
        start, continuous = device_purchase, False
    elif current_end is not None and purchased_on <= current_end:
        # rules.md §4: bought while covered → starts the day after the current coverage end.
        start, continuous = day_after(current_end), True
    else:
        # Coverage had lapsed (or never existed): the extension runs from its own purchase
        # date (seed: 延長パック サービス仕様書 §4(1) 本サービスの提供期間: 本「延長パック」の
        # ご購入日から…所定の期間経過後に終了).
        start, continuous = purchased_on, False
    uncapped = period_last_day(start, years=product.years)
    # Seed: ご購入条件、ご注意事項 (「装置寿命」日までを最大の提供期間): the maximum service
    # period is always purchase date + lifetime.
    end = uncapped if uncapped <= lifetime_end else lifetime_end
    return PackPeriod(start=start, end=end, uncapped_end=uncapped, continuous=continuous)


def _extension_order(pack: PackRecord) -> tuple[date, str, str]:
    # Purchase order decides the chain; product and id only break ties deterministically,
    # so the result never depends on the order the records were entered in.
    return (pack.purchased_on, pack.product.value, str(pack.id))


@dataclass(frozen=True, slots=True)
class CoverageChain:
    """Held packs laid end to end: their periods and where coverage currently ends."""

    purchase_date: date
    lifetime_end: date
    periods: Mapping[Hashable, PackPeriod]
    current_end: date | None


def coverage_chain(
    terms: ModelTerms, device: DeviceFacts, packs: Iterable[PackRecord]
) -> CoverageChain:
    """Periods of every held pack, extensions chained after the standard packs (rules.md §4)."""
    purchase = device.effective_purchase_date
    life_end = lifetime_end(purchase, terms.lifetime_years)
    held = [p for p in packs if p.is_held]
    periods: dict[Hashable, PackPeriod] = {}
    current_end = None
    for pack in held:
        if pack.product.is_standard:
            period = pack.period or pack_period(
                pack.product, pack.purchased_on, device_purchase=purchase,
                lifetime_end=life_end, current_end=None,
            )
            periods[pack.id] = period
            current_end = _later(current_end, period.end)
    if current_end is None:
        current_end = _capped_warranty_end(terms, purchase, life_end)
    extensions = [p for p in held if not p.product.is_standard]
    if len(extensions) > 1:
        extensions.sort(key=_extension_order)
    for pack in extensions:
        period = pack.period or pack_period(
            pack.product, pack.purchased_on, device_purchase=purchase,
            lifetime_end=life_end, current_end=current_end,
        )
        periods[pack.id] = period
        current_end = _later(current_end, period.end)
    return CoverageChain(purchase, life_end, periods, current_end)


def pack_periods(
    terms: ModelTerms, device: DeviceFacts, packs: Iterable[PackRecord]
) -> dict[Hashable, PackPeriod]:
    """Periods of every held pack by pack id (see `coverage_chain`)."""
    return dict(coverage_chain(terms, device, packs).periods)


def current_coverage_end(
    terms: ModelTerms, device: DeviceFacts, packs: Iterable[PackRecord]
) -> date | None:
    """End of the coverage the held packs (else the free warranty) give; None if neither."""
    return coverage_chain(terms, device, packs).current_end


def _capped_warranty_end(terms: ModelTerms, purchase: date, life_end: date) -> date | None:
    # The free warranty is what an extension extends when no standard pack is held (rules.md §4.2;
    # seed: ご購入条件、ご注意事項 「無償保証期間」終了後…延長); once a standard pack is
    # held, extensions follow the packs (seed figures 2 and 3: COREFIDO "初年度1年パック＋延長"
    # although its free warranty is 5 or 7 years).
    end = warranty_end(purchase, terms.warranty_months)
    if end is None:
        return None
    return end if end <= life_end else life_end


def _later(a: date | None, b: date) -> date:
    return b if a is None or b > a else a


@dataclass(frozen=True, slots=True)
class CoverageStatus:
    """Coverage of a device at a date for a repair call (rules.md §5, §9.1 coverage payload)."""

    covered: bool
    codes: tuple[RuleCode, ...]
    pack_id: Hashable
    start: date | None
    end: date | None
    lifetime_end: date


class _Candidate(NamedTuple):
    pack_id: Hashable
    start: date
    end: date


# Deterministic choice among overlapping packs, so input order never matters:
# covering → the one reaching furthest; ended → the latest end; upcoming → the soonest start.
def _hit_key(c: _Candidate) -> tuple[date, int, str]:
    return (c.end, -c.start.toordinal(), str(c.pack_id))


def _last_key(c: _Candidate) -> tuple[date, str]:
    return (c.end, str(c.pack_id))


def _upcoming_key(c: _Candidate) -> tuple[int, str]:
    return (-c.start.toordinal(), str(c.pack_id))


def coverage_on(
    terms: ModelTerms,
    device: DeviceFacts,
    packs: Iterable[PackRecord],
    on: date,
    *,
    print_count: int | None = None,
    parent_coverage: CoverageStatus | None = None,
) -> CoverageStatus:
    """Whether a registered pack covers `on`, with the rule codes when it does not."""
    packs = tuple(packs)
    chain = coverage_chain(terms, device, packs)
    life_end = chain.lifetime_end
    # Coverage here is pack coverage only: repair calls come through a registered pack's
    # dedicated line (rules.md §5), the free warranty is OKI's and not handled on it.
    covered, codes, found = _status_from_packs(*_classify(packs, chain.periods, on))
    if on > life_end:
        # rules.md §4: "Service also ends when the device is used past its lifetime".
        covered = False
        codes.append(RuleCode.LIFETIME_EXCEEDED)
    count = device.print_count if print_count is None else print_count
    if is_over_print_limit(count, terms.print_limit):
        covered = False
        codes.append(RuleCode.PRINT_LIMIT_EXCEEDED)
    end = found.end if found else None
    if parent_coverage is not None:
        covered, end = _follow_parent(parent_coverage, covered, codes, end)
    return CoverageStatus(
        covered=covered,
        codes=tuple(codes),
        pack_id=found.pack_id if found else None,
        start=found.start if found else None,
        end=end,
        lifetime_end=life_end,
    )


def _classify(
    packs: tuple[PackRecord, ...], periods: Mapping[Hashable, PackPeriod], on: date
) -> tuple[_Candidate | None, _Candidate | None, _Candidate | None, bool]:
    hit = upcoming = last = None
    pending = False
    for pack in packs:
        period = periods.get(pack.id)
        if period is None:
            continue
        if pack.status is not PackStatus.REGISTERED or pack.completed_on is None:
            # Bought but not registered yet: it would cover `on` once registered.
            pending = pending or period.start <= on <= period.end
            continue
        cand = _Candidate(pack.id, period.service_start(pack.completed_on), period.end)
        if cand.start <= on <= cand.end:
            hit = _prefer(hit, cand, _hit_key)
        elif on > cand.end:
            last = _prefer(last, cand, _last_key)
        else:
            upcoming = _prefer(upcoming, cand, _upcoming_key)
    return hit, upcoming, last, pending


def _prefer(
    best: _Candidate | None,
    cand: _Candidate,
    key: Callable[[_Candidate], tuple[date | int | str, ...]],
) -> _Candidate:
    return cand if best is None or key(cand) > key(best) else best


def _status_from_packs(
    hit: _Candidate | None, upcoming: _Candidate | None, last: _Candidate | None, pending: bool
) -> tuple[bool, list[RuleCode], _Candidate | None]:
    if hit is not None:
        return True, [], hit
    if pending:
        # A pack that would cover the day is bought but not registered (seed: サービス仕様書 §3(1)).
        return False, [RuleCode.NOT_REGISTERED], None
    if upcoming is not None:
        return False, [RuleCode.NOT_STARTED], upcoming
    if last is not None:
        return False, [RuleCode.EXPIRED], last
    return False, [RuleCode.NOT_REGISTERED], None


def _follow_parent(
    parent: CoverageStatus, covered: bool, codes: list[RuleCode], end: date | None
) -> tuple[bool, date | None]:
    # Seed §4(2): an option's service ends when its parent device's service ends, and an
    # uncovered parent (expired, past its lifetime or print limit) leaves the option uncovered.
    if end is not None and parent.end is not None and parent.end < end:
        end = parent.end
    if not parent.covered:
        codes.extend(code for code in parent.codes if code not in codes)
        return False, end
    return covered, end
