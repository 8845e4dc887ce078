"""The coverage picture: warranty, packs, lifetime end and projected print-limit date."""

from datetime import date

import pytest

from dispatch.domain.products import (
    DeviceFacts,
    DeviceKind,
    ModelTerms,
    PackProduct,
    PackRecord,
    PackStatus,
    Series,
)
from dispatch.domain.timeline import TimelineEntry, TimelineKind, timeline

P = PackProduct
K = TimelineKind
BOUGHT = date(2024, 4, 10)
LIFE = date(2029, 4, 9)


def model(limit=None, warranty=6):
    return ModelTerms("C650dnw", Series.OTHER, DeviceKind.PRINTER, 5, warranty, limit,
                      frozenset(PackProduct))


def test_timeline_lists_warranty_packs_and_lifetime_end_in_date_order():
    packs = [
        PackRecord(2, P.EXT2, date(2026, 1, 5), PackStatus.APPLIED),
        PackRecord(1, P.STD4, date(2024, 5, 1), PackStatus.REGISTERED, date(2024, 5, 12)),
        PackRecord(3, P.EXT1, date(2024, 5, 1), PackStatus.VOID),  # not held: not shown
    ]
    entries = timeline(model(), DeviceFacts(purchase_date=BOUGHT), packs)
    assert entries == (
        TimelineEntry(K.WARRANTY, BOUGHT, date(2024, 10, 9)),
        TimelineEntry(K.PACK, BOUGHT, date(2028, 4, 9), 1, P.STD4, PackStatus.REGISTERED,
                      date(2024, 5, 12)),
        TimelineEntry(K.PACK, date(2028, 4, 10), LIFE, 2, P.EXT2, PackStatus.APPLIED,
                      None, True),
        TimelineEntry(K.LIFETIME_END, LIFE, LIFE),
    )


@pytest.mark.parametrize(
    ("count", "count_on", "limit_day"),
    [
        # 36,500 prints in the first 365 days = 100/day: exactly 100,000 after 635 more days
        # (2027-01-05), over it the day after
        (36_500, date(2025, 4, 10), date(2027, 1, 6)),
        # already over the limit: marked on the reading day
        (100_001, date(2025, 4, 10), date(2025, 4, 10)),
        # no prints yet: no projection
        (0, date(2025, 4, 10), None),
    ],
)
def test_timeline_marks_the_projected_print_limit_day(count, count_on, limit_day):
    dev = DeviceFacts(purchase_date=BOUGHT, print_count=count, print_count_on=count_on)
    marks = [e.start for e in timeline(model(limit=100_000), dev, []) if e.kind is K.PRINT_LIMIT]
    assert marks == ([limit_day] if limit_day else [])


def test_timeline_prefers_a_fresh_reading_over_the_stored_one():
    dev = DeviceFacts(purchase_date=BOUGHT, print_count=1, print_count_on=date(2024, 5, 1))
    entries = timeline(model(limit=100_000), dev, [], print_count=100_001,
                       print_count_on=date(2025, 1, 1))
    marks = [e for e in entries if e.kind is K.PRINT_LIMIT]
    assert marks == [TimelineEntry(K.PRINT_LIMIT, date(2025, 1, 1), date(2025, 1, 1))]


def test_timeline_without_warranty_shows_only_the_lifetime_end():
    entries = timeline(model(warranty=0), DeviceFacts(purchase_date=BOUGHT), [])
    assert entries == (TimelineEntry(K.LIFETIME_END, LIFE, LIFE),)
