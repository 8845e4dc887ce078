"""Eligibility to buy or record a pack: every rule code of rules.md §4 rules 1–9."""

from datetime import date

import pytest

from dispatch.domain.codes import RuleCode
from dispatch.domain.eligibility import Eligibility, ParentDevice, Refusal, eligibility
from dispatch.domain.products import (
    DeviceFacts,
    DeviceKind,
    ModelTerms,
    PackProduct,
    PackRecord,
    PackStatus,
    Series,
)

P = PackProduct
S = PackStatus
C = RuleCode
BOUGHT = date(2024, 4, 10)  # device purchase: 6-month window to 2024-10-09, lifetime to 2029-04-09
LIFE = date(2029, 4, 9)
ALL = frozenset(PackProduct)


def model(*, series=Series.OTHER, lifetime=5, warranty=6, limit=None, kind=DeviceKind.PRINTER,
          offered=ALL, code="C650dnw"):
    return ModelTerms(code, series, kind, lifetime, warranty, limit, offered)


def device(purchase=BOUGHT, **facts):
    return DeviceFacts(purchase_date=purchase, **facts)


def held(pack_id, product, bought=BOUGHT, status=S.PURCHASED, hours="weekday"):
    return PackRecord(pack_id, product, bought, status, None, hours)


COREFIDO_7Y = model(series=Series.COREFIDO, lifetime=7, warranty=84, code="C844dnw")
COREFIDO_7Y_MODELS = [  # rules.md §3: the 7-year COREFIDO models as of 2024-04-01
    model(series=Series.COREFIDO, lifetime=7, warranty=84, code=code)
    for code in ("C835dnwt", "C835dnw", "C844dnw")
]
COREFIDO_5Y = model(series=Series.COREFIDO, lifetime=5, warranty=60, code="C650dnw")


@pytest.mark.parametrize(
    ("terms", "dev", "packs", "product", "on", "codes", "coverage_end"),
    [
        # rule 1: standard pack on the last day of the 6-month window, and the day after
        (model(), device(), [], P.STD3, date(2024, 10, 9), [], date(2027, 4, 9)),
        (model(), device(), [], P.STD3, date(2024, 10, 10), [C.STANDARD_PACK_WINDOW_CLOSED],
         date(2027, 4, 9)),
        # rule 1 from a month-end purchase: the window ends on Feb 29
        (model(), device(date(2023, 8, 31)), [], P.STD1, date(2024, 2, 29), [], date(2024, 8, 30)),
        (model(), device(date(2023, 8, 31)), [], P.STD1, date(2024, 3, 1),
         [C.STANDARD_PACK_WINDOW_CLOSED], date(2024, 8, 30)),
        # rule 1 from Feb 29: window to 2024-08-28, std1 to 2025-02-28
        (model(), device(date(2024, 2, 29)), [], P.STD1, date(2024, 8, 28), [], date(2025, 2, 28)),
        (model(), device(date(2024, 2, 29)), [], P.STD1, date(2024, 8, 29),
         [C.STANDARD_PACK_WINDOW_CLOSED], date(2025, 2, 28)),
        # rule 2: extension of the free warranty with no standard pack
        (model(), device(), [], P.EXT1, date(2024, 6, 1), [], date(2025, 10, 9)),
        # rule 2: extension years after the purchase (any time while within lifetime)
        (model(), device(), [held(1, P.STD3)], P.EXT2, date(2027, 4, 9), [], LIFE),
        # rule 2: never after a 7-year pack
        (COREFIDO_7Y, device(), [held(1, P.STD7)], P.EXT1, date(2026, 1, 1),
         [C.EXTENSION_AFTER_STD7, C.NOTHING_TO_EXTEND, C.EXCEEDS_LIFETIME], date(2031, 4, 9)),
        # rule 2: a cancelled 7-year pack no longer blocks (it is not held)
        (COREFIDO_7Y, device(), [held(1, P.STD7, status=S.CANCELLED), held(2, P.STD6)], P.EXT1,
         date(2026, 1, 1), [], date(2031, 4, 9)),
        # rule 3: coverage already reaches the lifetime end
        (model(), device(), [held(1, P.STD5)], P.EXT1, date(2026, 1, 1),
         [C.NOTHING_TO_EXTEND, C.EXCEEDS_LIFETIME], LIFE),
        # rule 3: COREFIDO 5-year warranty alone already reaches the 5-year lifetime
        (COREFIDO_5Y, device(), [], P.EXT1, date(2025, 1, 1),
         [C.NOTHING_TO_EXTEND, C.EXCEEDS_LIFETIME], LIFE),
        # rule 3 / seed figure 2: COREFIDO std1 + extension is fine despite the 5-year warranty
        (COREFIDO_5Y, device(), [held(1, P.STD1)], P.EXT2, date(2025, 1, 1), [],
         date(2027, 4, 9)),
        # rule 4: extension ending exactly on the lifetime end is eligible; one year more is not
        (model(), device(), [held(1, P.STD4)], P.EXT1, date(2026, 1, 1), [], LIFE),
        (model(), device(), [held(1, P.STD4)], P.EXT2, date(2026, 1, 1), [C.EXCEEDS_LIFETIME],
         LIFE),
        # rule 4: a standard pack longer than the lifetime is advised against too
        (model(), device(), [], P.STD6, BOUGHT, [C.EXCEEDS_LIFETIME], LIFE),
        # rule 5: the model does not offer the pack
        (model(offered=frozenset({P.STD1, P.STD3, P.EXT1})), device(), [], P.STD5, BOUGHT,
         [C.PACK_NOT_OFFERED], date(2029, 4, 9)),
        # rule 6: lapsed extension bought on the last lifetime day: overruns, not yet past it
        (model(), device(), [held(1, P.STD3)], P.EXT1, LIFE, [C.EXCEEDS_LIFETIME], LIFE),
        # rule 6: bought the day after the lifetime end
        (model(), device(), [held(1, P.STD3)], P.EXT1, date(2029, 4, 10),
         [C.LIFETIME_EXCEEDED, C.EXCEEDS_LIFETIME], LIFE),
        # rule 9: bought or used outside Japan
        (model(), device(in_japan=False), [], P.STD3, BOUGHT, [C.OUTSIDE_JAPAN],
         date(2027, 4, 9)),
        # several rules at once: all codes, not just the first
        (model(offered=frozenset({P.STD1})), device(in_japan=False), [], P.STD3,
         date(2025, 1, 1),
         [C.OUTSIDE_JAPAN, C.PACK_NOT_OFFERED, C.STANDARD_PACK_WINDOW_CLOSED], date(2027, 4, 9)),
        # rule 8: factory ship date as purchase date: window ends 2024-08-31
        (model(), DeviceFacts(factory_ship_date=date(2024, 3, 1)), [], P.STD3, date(2024, 8, 31),
         [], date(2027, 2, 28)),
        (model(), DeviceFacts(factory_ship_date=date(2024, 3, 1)), [], P.STD3, date(2024, 9, 1),
         [C.STANDARD_PACK_WINDOW_CLOSED], date(2027, 2, 28)),
        # COREFIDO 7-year: std7 runs to the seventh year; std6 + ext2 would overrun it
        (COREFIDO_7Y, device(), [], P.STD7, BOUGHT, [], date(2031, 4, 9)),
        (COREFIDO_7Y, device(), [held(1, P.STD6)], P.EXT2, date(2029, 1, 1),
         [C.EXCEEDS_LIFETIME], date(2031, 4, 9)),
    ],
)
def test_advice_collects_every_applicable_rule_code(terms, dev, packs, product, on, codes,
                                                    coverage_end):
    result = eligibility(terms, dev, packs, product, on)
    assert result.codes == tuple(codes)
    assert result.eligible == (not codes)
    assert result.coverage_end == coverage_end
    assert result.warnings == ()


@pytest.mark.parametrize(
    ("packs", "product", "on", "codes", "warnings", "coverage_end"),
    [
        # rule 4: an extension already bought that overruns is kept, capped, with a warning
        ([held(1, P.STD4)], P.EXT2, date(2026, 1, 1), [], [C.CAPPED_AT_LIFETIME], LIFE),
        # a pack that fits is recorded without warnings
        ([held(1, P.STD4)], P.EXT1, date(2026, 1, 1), [], [], LIFE),
        # capping does not hide other refusals
        ([held(1, P.STD5)], P.EXT1, date(2026, 1, 1), [C.NOTHING_TO_EXTEND],
         [C.CAPPED_AT_LIFETIME], LIFE),
    ],
)
def test_record_mode_caps_overrunning_packs_instead_of_refusing(packs, product, on, codes,
                                                                warnings, coverage_end):
    result = eligibility(model(), device(), packs, product, on, mode="record")
    assert (result.codes, result.warnings) == (tuple(codes), tuple(warnings))
    assert result.eligible == (not codes)
    assert result.coverage_end == coverage_end
    assert result.period is not None and result.period.end == coverage_end


# Window purchase 2024-04-10 → buying std3 on 2024-10-09: 182 days of history, 912 to go.
# Projected over 100,000 ⇔ count × 1094 > 100,000 × 182 ⇔ count ≥ 16,637.
@pytest.mark.parametrize(
    ("call_count", "stored", "codes"),
    [
        (16_636, None, []),  # projection stays at the limit
        (16_637, None, [C.PRINT_LIMIT_PROJECTED]),  # projection passes the limit
        (100_000, None, [C.PRINT_LIMIT_PROJECTED]),  # at the limit: any further use passes it
        (100_001, None, [C.PRINT_LIMIT_EXCEEDED]),  # already over (not also "projected")
        (None, (16_637, date(2024, 10, 9)), [C.PRINT_LIMIT_PROJECTED]),  # stored reading
        (None, (100_001, date(2024, 6, 1)), [C.PRINT_LIMIT_EXCEEDED]),  # stored reading, over
        (None, (16_637, None), []),  # stored count without a date: cannot project
        (None, None, []),  # no reading at all
    ],
)
def test_print_count_over_or_projected_over_the_limit_is_refused(call_count, stored, codes):
    count, count_on = stored or (None, None)
    dev = device(print_count=count, print_count_on=count_on)
    result = eligibility(model(limit=100_000), dev, [], P.STD3, date(2024, 10, 9),
                         print_count=call_count)
    assert result.codes == tuple(codes)


def test_reading_on_the_purchase_day_has_no_average_to_project():
    result = eligibility(model(limit=100), device(), [], P.STD3, BOUGHT, print_count=50)
    assert result.eligible


def test_model_without_print_limit_never_refuses_for_prints():
    result = eligibility(model(limit=None), device(), [], P.STD3, BOUGHT, print_count=10**9)
    assert result.eligible


def test_refusal_with_a_note_is_refused_other():
    result = eligibility(model(), device(), [], P.STD3, BOUGHT,
                         refusal=Refusal("site refuses access to the device"))
    assert result == Eligibility(False, (C.REFUSED_OTHER,), date(2027, 4, 9), (), result.period)


@pytest.mark.parametrize("note", ["", "   "])
def test_refusal_needs_a_note(note):
    with pytest.raises(ValueError):
        Refusal(note)


def test_unknown_mode_is_rejected():
    with pytest.raises(ValueError):
        eligibility(model(), device(), [], P.STD3, BOUGHT, mode="maybe")


OPTION = model(kind=DeviceKind.OPTION, code="TRAY-1")
PRINTER = model()


def parent_with(*packs):
    return ParentDevice(PRINTER, device(), tuple(packs))


@pytest.mark.parametrize(
    ("parent", "product", "hours", "codes"),
    [
        # parent holds the same standard pack with the same support hours
        (parent_with(held(10, P.STD3)), P.STD3, "weekday", []),
        # advice before a sale: hours unknown, the product alone is compared
        (parent_with(held(10, P.STD3)), P.STD3, None, []),
        # different support hours on the certificate
        (parent_with(held(10, P.STD3)), P.STD3, "24x7", [C.OPTION_PARENT_PACK_MISMATCH]),
        # different years
        (parent_with(held(10, P.STD1)), P.STD3, "weekday", [C.OPTION_PARENT_PACK_MISMATCH]),
        # parent's pack no longer held
        (parent_with(held(10, P.STD3, status=S.VOID)), P.STD3, "weekday",
         [C.OPTION_PARENT_PACK_MISMATCH]),
        # no parent known at all
        (None, P.STD3, "weekday", [C.OPTION_PARENT_PACK_MISMATCH]),
        # seed: 延長パック サービス仕様書 §2(2): an extension option needs the same
        # extension on the parent
        (parent_with(held(10, P.STD1), held(11, P.EXT2, date(2025, 1, 1))), P.EXT2, "weekday",
         []),
        (parent_with(held(10, P.STD1)), P.EXT2, "weekday", [C.OPTION_PARENT_PACK_MISMATCH]),
    ],
)
def test_option_pack_needs_the_same_pack_on_its_parent(parent, product, hours, codes):
    option = device(date(2024, 5, 1))
    on = date(2024, 6, 1) if product.is_standard else date(2025, 1, 1)
    option_packs = [held(20, P.STD1, date(2024, 5, 1))] if not product.is_standard else []
    result = eligibility(OPTION, option, option_packs, product, on, parent=parent,
                         support_hours=hours)
    assert result.codes == tuple(codes)


def test_option_coverage_ends_when_the_parent_coverage_ends():
    # Tray bought 9 months after the printer: its own std3 would run to 2028-01-09,
    # but the printer's std3 ends 2027-04-09 (seed §4(2)).
    parent = parent_with(held(10, P.STD3))
    result = eligibility(OPTION, device(date(2025, 1, 10)), [], P.STD3, date(2025, 2, 1),
                         parent=parent, support_hours="weekday")
    assert result.eligible
    assert result.coverage_end == date(2027, 4, 9)
    assert result.period is not None and result.period.end == date(2028, 1, 9)


@pytest.mark.parametrize("terms", COREFIDO_7Y_MODELS, ids=lambda t: t.code)
@pytest.mark.parametrize(
    ("packs", "product", "on", "codes", "coverage_end"),
    [
        ([], P.STD7, BOUGHT, [], date(2031, 4, 9)),  # std7 covers the whole 7-year lifetime
        ([held(1, P.STD5)], P.EXT2, date(2028, 1, 1), [], date(2031, 4, 9)),  # std5 + ext2 = 7y
        ([held(1, P.STD6)], P.EXT1, date(2029, 1, 1), [], date(2031, 4, 9)),  # std6 + ext1 = 7y
        ([held(1, P.STD7)], P.EXT1, date(2029, 1, 1),  # figure 3: nothing after std7
         [C.EXTENSION_AFTER_STD7, C.NOTHING_TO_EXTEND, C.EXCEEDS_LIFETIME], date(2031, 4, 9)),
    ],
)
def test_corefido_7_year_models_allow_packs_up_to_the_seventh_year(terms, packs, product, on,
                                                                   codes, coverage_end):
    result = eligibility(terms, device(), packs, product, on)
    assert (result.codes, result.coverage_end) == (tuple(codes), coverage_end)
