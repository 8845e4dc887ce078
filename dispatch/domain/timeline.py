"""The coverage picture of a device: warranty, packs, lifetime end and print-limit date."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from dispatch.domain.coverage import lifetime_end, pack_periods, warranty_end
from dispatch.domain.print_usage import projected_limit_date
from dispatch.domain.products import (
    DeviceFacts,
    ModelTerms,
    PackProduct,
    PackRecord,
    PackStatus,
)


class TimelineKind(StrEnum):
    """What a timeline entry shows."""

    WARRANTY = "warranty"
    PACK = "pack"
    LIFETIME_END = "lifetime_end"
    PRINT_LIMIT = "print_limit"


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One bar or marker of the picture; markers have `start == end`."""

    kind: TimelineKind
    start: date
    end: date
    pack_id: Hashable = None
    product: PackProduct | None = None
    status: PackStatus | None = None
    service_start: date | None = None
    capped: bool = False


def timeline(
    terms: ModelTerms,
    device: DeviceFacts,
    packs: Iterable[PackRecord],
    *,
    print_count: int | None = None,
    print_count_on: date | None = None,
) -> tuple[TimelineEntry, ...]:
    """All periods of a device in date order: warranty, each held pack, and the two end markers."""
    packs = tuple(packs)
    purchase = device.effective_purchase_date
    life_end = lifetime_end(purchase, terms.lifetime_years)
    entries: list[TimelineEntry] = []
    free_end = warranty_end(purchase, terms.warranty_months)
    if free_end is not None:
        entries.append(TimelineEntry(
            TimelineKind.WARRANTY, purchase, min(free_end, life_end), capped=free_end > life_end
        ))
    periods = pack_periods(terms, device, packs)
    for pack in packs:
        period = periods.get(pack.id)
        if period is None:
            continue
        served = period.service_start(pack.completed_on) if pack.completed_on else None
        entries.append(TimelineEntry(
            TimelineKind.PACK, period.start, period.end, pack.id, pack.product, pack.status,
            served, period.is_capped,
        ))
    entries.append(TimelineEntry(TimelineKind.LIFETIME_END, life_end, life_end))
    limit_day = _print_limit_day(terms, device, purchase, print_count, print_count_on)
    if limit_day is not None:
        entries.append(TimelineEntry(TimelineKind.PRINT_LIMIT, limit_day, limit_day))
    entries.sort(key=lambda e: (e.start, e.end, e.kind.value, str(e.pack_id)))
    return tuple(entries)


def _print_limit_day(
    terms: ModelTerms,
    device: DeviceFacts,
    purchase: date,
    count: int | None,
    count_on: date | None,
) -> date | None:
    if count is None:
        count, count_on = device.print_count, device.print_count_on
    if terms.print_limit is None or count is None or count_on is None:
        return None
    return projected_limit_date(count, count_on, purchase, terms.print_limit)
