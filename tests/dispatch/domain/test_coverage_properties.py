"""Properties of the coverage engine over generated devices and pack histories."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from dispatch.domain.coverage import coverage_on, lifetime_end, pack_periods, warranty_end
from dispatch.domain.eligibility import eligibility
from dispatch.domain.products import (
    DeviceFacts,
    DeviceKind,
    ModelTerms,
    PackProduct,
    PackRecord,
    PackStatus,
    Series,
)

terms_st = st.builds(
    ModelTerms,
    code=st.just("M"),
    series=st.sampled_from(Series),
    kind=st.just(DeviceKind.PRINTER),
    lifetime_years=st.sampled_from([5, 7]),
    warranty_months=st.sampled_from([0, 6, 60, 84]),
    print_limit=st.none() | st.integers(min_value=1000, max_value=500_000),
    packs_offered=st.just(frozenset(PackProduct)),
)
purchase_st = st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31))
# Registered packs dominate real histories; every other status still appears.
STATUS_MIX = [PackStatus.REGISTERED] * 4 + list(PackStatus)


@st.composite
def history(draw, short_warranty=False):
    terms = draw(terms_st)
    if short_warranty:
        terms = ModelTerms(terms.code, terms.series, terms.kind, terms.lifetime_years,
                           draw(st.sampled_from([0, 6])), terms.print_limit, terms.packs_offered)
    purchase = draw(purchase_st)
    count = draw(st.integers(min_value=0, max_value=6))
    packs = []
    for index in range(count):
        bought = purchase + timedelta(days=draw(st.integers(min_value=0, max_value=6 * 365)))
        status = draw(st.sampled_from(STATUS_MIX))
        completed = None
        if status is PackStatus.REGISTERED:
            completed = bought + timedelta(days=draw(st.integers(min_value=0, max_value=60)))
        packs.append(PackRecord(index, draw(st.sampled_from(PackProduct)), bought, status,
                                completed, "weekday"))
    return terms, DeviceFacts(purchase_date=purchase), packs


day_offset_st = st.integers(min_value=-30, max_value=11 * 365)


@given(history(), day_offset_st, st.sampled_from(["advice", "record"]),
       st.sampled_from(PackProduct))
def test_coverage_never_passes_the_lifetime_end(case, offset, mode, product):
    terms, device, packs = case
    life_end = lifetime_end(device.effective_purchase_date, terms.lifetime_years)
    for period in pack_periods(terms, device, packs).values():
        assert period.end <= life_end
    on = device.effective_purchase_date + timedelta(days=offset)
    status = coverage_on(terms, device, packs, on)
    assert status.lifetime_end == life_end
    if status.covered:
        assert on <= life_end
        assert status.end is not None and status.end <= life_end
    result = eligibility(terms, device, packs, product, on, mode=mode)
    assert result.coverage_end is None or result.coverage_end <= life_end


def _covers(periods, day):
    return any(start <= day <= end for start, end in periods)


@settings(max_examples=300)
@given(history(short_warranty=True))
def test_an_extension_never_leaves_a_gap_while_coverage_is_continuous(case):
    # With a warranty no longer than std1, "covered" is simply warranty ∪ held pack periods.
    terms, device, packs = case
    periods = pack_periods(terms, device, packs)
    purchase = device.effective_purchase_date
    free_end = warranty_end(purchase, terms.warranty_months)
    has_standard = any(p.product.is_standard for p in packs if p.is_held)
    for pack in packs:
        period = periods.get(pack.id)
        if period is None or pack.product.is_standard:
            continue
        others = [(q.start, q.end) for pid, q in periods.items() if pid != pack.id]
        if free_end is not None and not has_standard:
            others.append((purchase, free_end))
        bought_while_covered = _covers(others, pack.purchased_on)
        assert period.continuous == bought_while_covered
        if period.continuous:
            assert _covers(others, period.start - timedelta(days=1))
        else:
            assert period.start == pack.purchased_on


@given(history(), st.randoms(use_true_random=False), day_offset_st, st.sampled_from(PackProduct))
def test_result_does_not_depend_on_the_order_packs_were_entered(case, rnd, offset, product):
    terms, device, packs = case
    shuffled = list(packs)
    rnd.shuffle(shuffled)
    on = device.effective_purchase_date + timedelta(days=offset)
    assert pack_periods(terms, device, packs) == pack_periods(terms, device, shuffled)
    assert coverage_on(terms, device, packs, on) == coverage_on(terms, device, shuffled, on)
    for mode in ("advice", "record"):
        assert eligibility(terms, device, packs, product, on, mode=mode) == eligibility(
            terms, device, shuffled, product, on, mode=mode
        )


@given(history(), day_offset_st)
def test_covered_only_inside_a_registered_pack_service_period(case, offset):
    terms, device, packs = case
    on = device.effective_purchase_date + timedelta(days=offset)
    status = coverage_on(terms, device, packs, on)
    if not status.covered:
        assert status.codes
        return
    pack = next(p for p in packs if p.id == status.pack_id)
    assert pack.status is PackStatus.REGISTERED and pack.completed_on is not None
    assert pack.completed_on <= on and status.start is not None and status.start <= on
    assert status.end is not None and on <= status.end


@given(history(), history(), day_offset_st)
def test_an_option_is_never_covered_beyond_its_parent(parent_case, option_case, offset):
    parent_terms, parent_device, parent_packs = parent_case
    option_terms, option_device, option_packs = option_case
    on = parent_device.effective_purchase_date + timedelta(days=offset)
    parent = coverage_on(parent_terms, parent_device, parent_packs, on)
    option = coverage_on(option_terms, option_device, option_packs, on, parent_coverage=parent)
    if option.covered:
        assert parent.covered
        assert option.end is not None and parent.end is not None and option.end <= parent.end
    if not parent.covered:
        assert not option.covered
        assert set(parent.codes) <= set(option.codes)
