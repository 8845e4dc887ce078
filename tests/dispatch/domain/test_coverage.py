"""Pack periods and coverage at a date (rules.md §4 coverage rules, §5 call-time codes)."""

from datetime import date

import pytest

from dispatch.domain.codes import RuleCode
from dispatch.domain.coverage import (
    CoverageStatus,
    coverage_on,
    current_coverage_end,
    lifetime_end,
    pack_period,
    pack_periods,
    warranty_end,
)
from dispatch.domain.products import (
    DeviceFacts,
    DeviceKind,
    ModelTerms,
    PackPeriod,
    PackProduct,
    PackRecord,
    PackStatus,
    PurchaseDateSource,
    Series,
)

P = PackProduct
S = PackStatus
C = RuleCode
BOUGHT = date(2024, 4, 10)  # device purchase; lifetime 5 y → last day 2029-04-09


def model(*, series=Series.OTHER, lifetime=5, warranty=6, limit=None, kind=DeviceKind.PRINTER,
          code="C650dnw"):
    return ModelTerms(code, series, kind, lifetime, warranty, limit, frozenset(PackProduct))


def device(purchase=BOUGHT, **facts):
    return DeviceFacts(purchase_date=purchase, **facts)


def pack(pack_id, product, bought, status=S.REGISTERED, completed=None, hours="weekday"):
    if completed is None and status is S.REGISTERED:
        completed = bought  # registered the day it was bought unless a row says otherwise
    return PackRecord(pack_id, product, bought, status, completed, hours)


COREFIDO_7Y = [  # rules.md §3: COREFIDO models with a 7-year lifetime as of 2024-04-01
    model(series=Series.COREFIDO, lifetime=7, warranty=84, code=code)
    for code in ("C835dnwt", "C835dnw", "C844dnw")
]


@pytest.mark.parametrize(
    ("purchase", "years", "end"),
    [
        (date(2024, 4, 10), 5, date(2029, 4, 9)),  # ordinary 5-year lifetime
        (date(2024, 4, 10), 7, date(2031, 4, 9)),  # COREFIDO 7-year lifetime
        (date(2024, 2, 29), 5, date(2029, 2, 28)),  # Feb 29 purchase, no Feb 29 in 2029
        (date(2024, 2, 29), 4, date(2028, 2, 28)),  # Feb 29 exists 4 years on → day before
        (date(2023, 8, 31), 5, date(2028, 8, 30)),  # month-end purchase
    ],
)
def test_lifetime_ends_on_last_day_of_lifetime_years(purchase, years, end):
    assert lifetime_end(purchase, years) == end


@pytest.mark.parametrize(
    ("months", "end"),
    [
        (6, date(2024, 10, 9)),  # "other" models: half-year free warranty
        (60, date(2029, 4, 9)),  # COREFIDO / VINCI C931: 5-year free warranty
        (84, date(2031, 4, 9)),  # COREFIDO 7-year free warranty
        (0, None),  # a model without free warranty
    ],
)
def test_warranty_ends_after_its_months(months, end):
    assert warranty_end(BOUGHT, months) == end


LIFE = date(2029, 4, 9)


@pytest.mark.parametrize(
    ("product", "bought", "current_end", "expected"),
    [
        # standard: counted from the device purchase whatever day it was bought
        (P.STD3, date(2024, 9, 1), None,
         PackPeriod(BOUGHT, date(2027, 4, 9), date(2027, 4, 9), False)),
        # std1: the first year, including the free warranty
        (P.STD1, BOUGHT, None, PackPeriod(BOUGHT, date(2025, 4, 9), date(2025, 4, 9), False)),
        # std6 on a 5-year lifetime: capped at the lifetime end
        (P.STD6, BOUGHT, None, PackPeriod(BOUGHT, LIFE, date(2030, 4, 9), False)),
        # extension bought while covered: starts the day after the current end
        (P.EXT2, date(2026, 1, 5), date(2027, 4, 9),
         PackPeriod(date(2027, 4, 10), LIFE, LIFE, True)),
        # extension bought on the last covered day: still continuous
        (P.EXT1, date(2027, 4, 9), date(2027, 4, 9),
         PackPeriod(date(2027, 4, 10), date(2028, 4, 9), date(2028, 4, 9), True)),
        # extension bought the day after coverage ended: lapsed, starts on its purchase date
        (P.EXT1, date(2027, 4, 10), date(2027, 4, 9),
         PackPeriod(date(2027, 4, 10), date(2028, 4, 9), date(2028, 4, 9), False)),
        # extension bought long after coverage lapsed: runs from its own purchase date
        (P.EXT1, date(2027, 8, 31), date(2027, 4, 9),
         PackPeriod(date(2027, 8, 31), date(2028, 8, 30), date(2028, 8, 30), False)),
        # continuous extension overrunning the lifetime: capped
        (P.EXT2, date(2027, 1, 1), date(2028, 4, 9),
         PackPeriod(date(2028, 4, 10), LIFE, date(2030, 4, 9), True)),
        # extension with no coverage to extend at all (no warranty, no pack)
        (P.EXT1, date(2024, 5, 1), None,
         PackPeriod(date(2024, 5, 1), date(2025, 4, 30), date(2025, 4, 30), False)),
    ],
)
def test_pack_period_follows_standard_and_extension_rules(product, bought, current_end, expected):
    period = pack_period(
        product, bought, device_purchase=BOUGHT, lifetime_end=LIFE, current_end=current_end
    )
    assert period == expected
    assert period.is_capped == (expected.uncapped_end > expected.end)


def test_extensions_chain_one_after_another_from_feb_29_purchase():
    # Device bought on Feb 29: every later anniversary falls back to Feb 28 / Mar 1.
    terms, dev = model(), device(date(2024, 2, 29))
    packs = [
        pack(1, P.STD1, date(2024, 3, 1)),
        pack(2, P.EXT1, date(2025, 1, 10)),
        pack(3, P.EXT2, date(2025, 6, 1)),
    ]
    periods = pack_periods(terms, dev, packs)
    assert (periods[1].start, periods[1].end) == (date(2024, 2, 29), date(2025, 2, 28))
    assert (periods[2].start, periods[2].end) == (date(2025, 3, 1), date(2026, 2, 28))
    assert (periods[3].start, periods[3].end) == (date(2026, 3, 1), date(2028, 2, 29))


def test_extension_without_standard_pack_extends_the_free_warranty():
    # Seed figure 1: "無償保証期間 ＋ 1年延長": the 6-month warranty ends 2024-10-09.
    periods = pack_periods(model(), device(), [pack(1, P.EXT1, date(2024, 6, 1))])
    assert (periods[1].start, periods[1].end) == (date(2024, 10, 10), date(2025, 10, 9))
    assert periods[1].continuous


def test_corefido_extension_follows_the_standard_pack_not_the_long_warranty():
    # Seed figure 2: COREFIDO "初年度1年パック＋延長" although its free warranty is 5 years.
    terms = model(series=Series.COREFIDO, warranty=60)
    packs = [pack(1, P.STD1, BOUGHT), pack(2, P.EXT2, date(2025, 1, 1))]
    periods = pack_periods(terms, device(), packs)
    assert (periods[2].start, periods[2].end) == (date(2025, 4, 10), date(2027, 4, 9))


@pytest.mark.parametrize(
    "status",
    [
        S.CANCELLED,  # application cancelled after an unanswered inquiry
        S.VOID,  # never applied within 1 year
        S.REFUSED,  # refused and refunded, not stored as valid
    ],
)
def test_packs_no_longer_held_neither_cover_nor_extend(status):
    packs = [pack(1, P.STD3, BOUGHT, status=status), pack(2, P.EXT1, date(2024, 6, 1))]
    periods = pack_periods(model(), device(), packs)
    assert 1 not in periods
    # The extension continues from the free warranty, not from the lost 3-year pack.
    assert periods[2].start == date(2024, 10, 10)


def test_stored_period_is_the_authority_for_the_chain():
    stored = PackPeriod(BOUGHT, date(2026, 4, 9), date(2026, 4, 9), False)
    packs = [
        PackRecord(1, P.STD3, BOUGHT, S.REGISTERED, BOUGHT, "weekday", stored),
        pack(2, P.EXT1, date(2025, 1, 1)),
    ]
    periods = pack_periods(model(), device(), packs)
    assert periods[1] is stored
    assert periods[2].start == date(2026, 4, 10)


@pytest.mark.parametrize(
    ("packs", "end"),
    [
        ([], date(2024, 10, 9)),  # no pack: the free warranty
        ([pack(1, P.STD3, BOUGHT)], date(2027, 4, 9)),  # the standard pack
        ([pack(1, P.STD3, BOUGHT), pack(2, P.EXT2, BOUGHT)], LIFE),  # std3 + ext2 = lifetime
        ([pack(1, P.STD3, BOUGHT, status=S.VOID)], date(2024, 10, 9)),  # void pack ignored
    ],
)
def test_current_coverage_end(packs, end):
    assert current_coverage_end(model(), device(), packs) == end


def test_current_coverage_end_is_none_without_warranty_or_pack():
    assert current_coverage_end(model(warranty=0), device(), []) is None


STD3_REGISTERED = [pack(1, P.STD3, date(2024, 5, 1), completed=date(2024, 5, 12))]
STD3_AND_EXT2 = STD3_REGISTERED + [pack(2, P.EXT2, date(2026, 1, 5), completed=date(2026, 1, 16))]
STD1_THEN_LAPSED_EXT1 = [
    pack(1, P.STD1, BOUGHT),
    pack(2, P.EXT1, date(2025, 6, 1), completed=date(2025, 6, 15)),
]


@pytest.mark.parametrize(
    ("packs", "on", "covered", "codes", "pack_id", "start", "end"),
    [
        # service starts on the completion-notice day, not on the purchase date
        (STD3_REGISTERED, date(2024, 5, 11), False, [C.NOT_STARTED], 1,
         date(2024, 5, 12), date(2027, 4, 9)),
        (STD3_REGISTERED, date(2024, 5, 12), True, [], 1, date(2024, 5, 12), date(2027, 4, 9)),
        # last covered day and the day after
        (STD3_REGISTERED, date(2027, 4, 9), True, [], 1, date(2024, 5, 12), date(2027, 4, 9)),
        (STD3_REGISTERED, date(2027, 4, 10), False, [C.EXPIRED], 1,
         date(2024, 5, 12), date(2027, 4, 9)),
        # no pack at all
        ([], date(2024, 6, 1), False, [C.NOT_REGISTERED], None, None, None),
        # bought and applied, not registered yet
        ([pack(1, P.STD3, BOUGHT, status=S.APPLIED)], date(2024, 6, 1), False,
         [C.NOT_REGISTERED], None, None, None),
        # cancelled application: no coverage, not registered
        ([pack(1, P.STD3, BOUGHT, status=S.CANCELLED)], date(2024, 6, 1), False,
         [C.NOT_REGISTERED], None, None, None),
        # the extension bought for this day is still waiting for registration
        (STD3_REGISTERED + [pack(2, P.EXT2, date(2026, 1, 5), status=S.INQUIRY)],
         date(2027, 5, 1), False, [C.NOT_REGISTERED], None, None, None),
        # a continuous extension registered early takes over the day after the standard pack
        (STD3_AND_EXT2, date(2027, 4, 10), True, [], 2, date(2027, 4, 10), LIFE),
        (STD3_AND_EXT2, date(2026, 6, 1), True, [], 1, date(2024, 5, 12), date(2027, 4, 9)),
        # lapsed extension: not started until its completion notice
        (STD1_THEN_LAPSED_EXT1, date(2025, 6, 14), False, [C.NOT_STARTED], 2,
         date(2025, 6, 15), date(2026, 5, 31)),
        (STD1_THEN_LAPSED_EXT1, date(2025, 6, 15), True, [], 2,
         date(2025, 6, 15), date(2026, 5, 31)),
        # lifetime end: last day covered, the day after past the lifetime
        (STD3_AND_EXT2, LIFE, True, [], 2, date(2027, 4, 10), LIFE),
        (STD3_AND_EXT2, date(2029, 4, 10), False, [C.EXPIRED, C.LIFETIME_EXCEEDED], 2,
         date(2027, 4, 10), LIFE),
    ],
)
def test_coverage_on_a_date(packs, on, covered, codes, pack_id, start, end):
    status = coverage_on(model(), device(), packs, on)
    assert status == CoverageStatus(covered, tuple(codes), pack_id, start, end, LIFE)


def test_capped_extension_is_covered_to_the_lifetime_end_and_not_after():
    packs = [pack(1, P.STD4, BOUGHT), pack(2, P.EXT2, date(2027, 1, 1))]
    assert coverage_on(model(), device(), packs, LIFE).covered
    after = coverage_on(model(), device(), packs, date(2029, 4, 10))
    assert not after.covered
    assert after.codes == (C.EXPIRED, C.LIFETIME_EXCEEDED)


@pytest.mark.parametrize(
    ("call_count", "stored_count", "covered", "codes"),
    [
        (100_000, None, True, []),  # exactly at the limit: still within it
        (100_001, None, False, [C.PRINT_LIMIT_EXCEEDED]),  # reported at call time, over
        (None, 100_001, False, [C.PRINT_LIMIT_EXCEEDED]),  # device's last reading, over
        (50_000, 100_001, True, []),  # the call's reading wins over the stored one
        (None, None, True, []),  # no reading at all
    ],
)
def test_print_limit_ends_service_inside_the_pack_period(call_count, stored_count, covered, codes):
    terms = model(limit=100_000)
    dev = device(print_count=stored_count, print_count_on=date(2025, 1, 1))
    status = coverage_on(terms, dev, STD3_REGISTERED, date(2025, 6, 1), print_count=call_count)
    assert (status.covered, status.codes, status.pack_id) == (covered, tuple(codes), 1)


def test_factory_ship_date_stands_in_for_unknown_purchase_date():
    dev = DeviceFacts(factory_ship_date=date(2024, 3, 1))
    assert dev.effective_purchase_date == date(2024, 3, 1)
    assert dev.purchase_date_source is PurchaseDateSource.FACTORY_SHIP
    status = coverage_on(model(), dev, [pack(1, P.STD3, date(2024, 4, 1))], date(2027, 3, 1))
    assert status.lifetime_end == date(2029, 2, 28)
    assert (status.covered, status.codes, status.end) == (False, (C.EXPIRED,), date(2027, 2, 28))


def test_receipt_date_wins_over_factory_ship_date():
    dev = DeviceFacts(purchase_date=BOUGHT, factory_ship_date=date(2024, 1, 5))
    assert dev.effective_purchase_date == BOUGHT
    assert dev.purchase_date_source is PurchaseDateSource.RECEIPT


def test_device_without_any_purchase_date_is_rejected():
    with pytest.raises(ValueError):
        coverage_on(model(), DeviceFacts(), [], BOUGHT)


@pytest.mark.parametrize("terms", COREFIDO_7Y, ids=lambda t: t.code)
def test_corefido_7_year_models_cover_std7_to_the_seventh_year(terms):
    packs = [pack(1, P.STD7, BOUGHT)]
    last = coverage_on(terms, device(), packs, date(2031, 4, 9))
    after = coverage_on(terms, device(), packs, date(2031, 4, 10))
    assert (last.covered, last.end, last.lifetime_end) == (True, date(2031, 4, 9), date(2031, 4, 9))
    assert (after.covered, after.codes) == (False, (C.EXPIRED, C.LIFETIME_EXCEEDED))


OPTION = model(kind=DeviceKind.OPTION, code="TRAY-1")


@pytest.mark.parametrize(
    ("parent", "covered", "codes", "end"),
    [
        # parent covered to 2027-04-09: the option follows its parent's end
        (CoverageStatus(True, (), 10, BOUGHT, date(2027, 4, 9), LIFE), True, [],
         date(2027, 4, 9)),
        # parent covered longer than the option's own pack: the option keeps its own end
        (CoverageStatus(True, (), 10, BOUGHT, LIFE, LIFE), True, [], date(2028, 1, 9)),
        # parent expired: the option's service ended with it
        (CoverageStatus(False, (C.EXPIRED,), 10, BOUGHT, date(2026, 4, 9), LIFE), False,
         [C.EXPIRED], date(2026, 4, 9)),
        # parent past its print limit: the option cannot be serviced either
        (CoverageStatus(False, (C.PRINT_LIMIT_EXCEEDED,), 10, BOUGHT, date(2027, 4, 9), LIFE),
         False, [C.PRINT_LIMIT_EXCEEDED], date(2027, 4, 9)),
    ],
)
def test_option_coverage_ends_with_its_parent(parent, covered, codes, end):
    option = device(date(2025, 1, 10))  # tray added 9 months after the printer
    packs = [pack(1, P.STD3, date(2025, 1, 20))]  # own end 2028-01-09
    status = coverage_on(OPTION, option, packs, date(2026, 6, 1), parent_coverage=parent)
    assert (status.covered, status.codes, status.end) == (covered, tuple(codes), end)
