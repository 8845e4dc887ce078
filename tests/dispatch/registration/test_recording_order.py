"""Pack periods do not depend on the order packs were recorded in (rules.md §4; issue 14).

Seed: 延長パック サービス仕様書 §4(2) and はじめに (組み合わせてご購入された時は…連続して
ご提供): a standard and an extension pack bought together run one after the other, even when
the extension was entered first; recording, refusing or voiding a pack re-derives the periods
of the packs that follow it, so a paid year is never lost to data-entry order.
"""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from conftest import TEST_ACTOR
from factories import model_payload, site_payload
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from registration_factories import HOURS

from dispatch.extensions import db
from dispatch.models import Device, Pack
from dispatch.services.catalog import records
from dispatch.services.registration import packs as registration
from dispatch.services.registration.lifecycle import void_unapplied

# A model whose free warranty is one year, as in the issue: an extension recorded first
# chains after the warranty, i.e. inside the standard pack's years.
MODEL = "C650dnw"
BOUGHT = date(2026, 4, 10)  # lifetime 7 years → ends 2033-04-09; warranty ends 2027-04-09
_serials = itertools.count(1)


@pytest.fixture
def site(app):
    records.create_model(model_payload(code=MODEL, name=MODEL, warranty_months=12), TEST_ACTOR)
    customer = records.create_customer({"name": "株式会社順序検証"}, TEST_ACTOR)
    return records.create_site(site_payload(customer.id), TEST_ACTOR)


def _device(site) -> Device:
    return records.create_device({"serial": f"ORD{next(_serials):07d}", "model_code": MODEL,
                                  "site_id": site.id, "purchase_date": BOUGHT}, TEST_ACTOR)


def _record(device: Device, product: str, bought: date) -> Pack:
    return registration.record_pack({"target_serial": device.serial, "product": product,
                                     "purchased_on": bought, "support_hours": HOURS},
                                    TEST_ACTOR)


def _periods(device: Device) -> list[tuple[str, str, str, str, bool]]:
    rows = db.session.scalars(select_packs(device)).all()
    return sorted((p.product, p.purchased_on.isoformat(), p.nominal_start.isoformat(),
                   p.coverage_end.isoformat(), p.continuous) for p in rows)


def select_packs(device: Device):
    from sqlalchemy import select

    return select(Pack).where(Pack.device_id == device.id, Pack.status == "purchased")


@pytest.mark.parametrize(("order", "expected"), [
    # std3 then ext1, both bought 2026-05-01: ext1 runs after std3 (2029-04-10..2030-04-09)
    (["std3", "ext1"], [("ext1", "2029-04-10", "2030-04-09", True),
                        ("std3", "2026-04-10", "2029-04-09", False)]),
    # the same two packs, the extension entered first: the same periods (issue 14: it kept
    # 2027-04-10..2028-04-09 inside the std3 and coverage ended a year early)
    (["ext1", "std3"], [("ext1", "2029-04-10", "2030-04-09", True),
                        ("std3", "2026-04-10", "2029-04-09", False)]),
    # two extensions before the std1: ext2 then ext1 after the std1's year, in purchase order
    (["ext1", "ext2", "std1"], [("ext1", "2027-04-10", "2028-04-09", True),
                                ("ext2", "2028-04-10", "2030-04-09", True),
                                ("std1", "2026-04-10", "2027-04-09", False)]),
])
def test_periods_do_not_depend_on_recording_order(site, order, expected):
    device = _device(site)
    bought = {"std3": date(2026, 5, 1), "std1": date(2026, 5, 1), "ext1": date(2026, 5, 1),
              "ext2": date(2026, 5, 2)}
    for product in order:
        _record(device, product, bought[product])
    got = [(p, start, end, cont) for p, _, start, end, cont in _periods(device)]
    assert got == expected


def test_refusing_a_standard_pack_moves_the_following_extension_up(site):
    # 延長パック サービス仕様書 §4(1): with no standard pack the extension follows the free
    # warranty (ends 2027-04-09); a refused pack is not stored as valid (seed ⑤).
    device = _device(site)
    std = _record(device, "std3", date(2026, 5, 1))
    ext = _record(device, "ext1", date(2026, 5, 1))
    assert (ext.nominal_start, ext.coverage_end) == (date(2029, 4, 10), date(2030, 4, 9))
    registration.refuse_pack(std.id, "転売品と判明", None, date(2026, 5, 3), TEST_ACTOR)
    assert (ext.nominal_start, ext.coverage_end) == (date(2027, 4, 10), date(2028, 4, 9))


def test_voiding_a_standard_pack_moves_the_following_extension_up(site):
    # サービス仕様書 §9(2): no application within 1 year → void; the extension applied for in
    # time then follows the free warranty instead of the void pack.
    from registration_factories import ALL_CONSENTS

    from dispatch.services.registration import applications

    device = _device(site)
    _record(device, "std3", date(2026, 5, 1))
    ext = _record(device, "ext1", date(2026, 5, 1))
    applications.apply(ext.id, {"channel": "web", "applied_on": date(2026, 5, 5),
                                "consents": ALL_CONSENTS}, TEST_ACTOR)
    assert void_unapplied(date(2027, 5, 1)) == 1
    db.session.expire_all()
    ext = db.session.get(Pack, ext.id)
    assert (ext.nominal_start, ext.coverage_end) == (date(2027, 4, 10), date(2028, 4, 9))


PACKS = st.lists(
    st.tuples(st.sampled_from(["std1", "std3", "ext1", "ext2"]),
              st.integers(min_value=21, max_value=150)),  # days after the device purchase
    min_size=1, max_size=3,
).filter(lambda packs: sum(p.startswith("std") for p, _ in packs) <= 1)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(packs=PACKS, data=st.data())
def test_any_permutation_of_the_recording_order_gives_the_same_periods(site, packs, data):
    # At most one standard pack and three packs in all keep every order eligible (within
    # the 6-month window, under the lifetime): only the recording order varies.
    from datetime import timedelta

    order = data.draw(st.permutations(packs))
    canonical, permuted = _device(site), _device(site)
    for product, days in sorted(packs):
        _record(canonical, product, BOUGHT + timedelta(days=days))
    for product, days in order:
        _record(permuted, product, BOUGHT + timedelta(days=days))
    assert _periods(permuted) == _periods(canonical)
