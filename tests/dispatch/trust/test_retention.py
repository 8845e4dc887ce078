"""Retention (rules.md §8): business records are flagged 5 years after the service ends."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from trust_rows import NOW, make_world, seal_world_report

from dispatch.domain.periods import period_last_day
from dispatch.extensions import db
from dispatch.models import Application, Customer, RetentionFlag
from dispatch.services.trust import retention


def _flags() -> set[tuple[str, int]]:
    return {(f.entity_type, f.entity_id) for f in db.session.scalars(select(RetentionFlag))}


@pytest.mark.parametrize("service_end,day,flagged", [
    # Kept 5 years counted from the day after the last coverage end (Civil Code periods).
    (date(2020, 3, 31), date(2025, 3, 31), False),  # the last day kept
    (date(2020, 3, 31), date(2025, 4, 1), True),    # the first day past retention
    (date(2020, 2, 28), date(2025, 3, 1), True),
])
def test_device_is_flagged_after_five_years_from_its_last_coverage_end(
        app, service_end, day, flagged) -> None:
    world = make_world(purchase=date(2015, 4, 1), coverage_end=service_end)
    counts = retention.run(day)
    assert ((("device", world.device.id) in _flags()) is flagged)
    if flagged:
        assert counts == {"device": 1, "pack": 1, "application": 0, "repair_call": 1,
                          "visit": 1, "work_report": 0}
        assert {("pack", world.pack.id), ("repair_call", world.call.id),
                ("visit", world.visit.id)} <= _flags()


def test_without_a_registered_pack_the_lifetime_end_counts(app) -> None:
    # Bought 2010-04-01 with a 5-year lifetime: service ends 2015-03-31, kept to 2020-03-31.
    world = make_world(purchase=date(2010, 4, 1), coverage_end=None, lifetime_years=5)
    world.pack.status = "void"
    assert retention.run(date(2020, 3, 31)) == {"device": 0}
    assert retention.run(date(2020, 4, 1))["device"] == 1


def test_a_pack_still_in_registration_keeps_the_device_in_service(app) -> None:
    make_world(purchase=date(2010, 4, 1), coverage_end=None, lifetime_years=5)
    assert retention.run(date(2030, 1, 1)) == {"device": 0}


def test_termination_ends_the_service_on_that_day(app) -> None:
    world = make_world(purchase=date(2015, 4, 1), coverage_end=date(2030, 3, 31))
    world.customer.terminated_at = NOW.replace(year=2016)  # 2016-11-26 Tokyo
    assert retention.run(date(2021, 11, 26))["device"] == 0
    assert retention.run(date(2021, 11, 27))["device"] == 1


def test_flagging_twice_adds_nothing_and_personal_data_is_not_deleted(app) -> None:
    world = make_world(purchase=date(2010, 4, 1), coverage_end=date(2015, 3, 31))
    assert retention.run(date(2021, 1, 1))["device"] == 1
    assert retention.run(date(2021, 1, 2)) == {"device": 0}
    assert db.session.get(Customer, world.customer.id).name == "山田 太郎"


def test_demo_load_imports_the_registry_and_runs_retention(app) -> None:
    from dispatch.demo_data import trust
    from dispatch.models import IslandArea

    make_world(purchase=date(2010, 4, 1), coverage_end=date(2015, 3, 31))
    trust.load(date(2026, 11, 26))
    assert db.session.scalar(select(IslandArea).where(IslandArea.code == "izu-oshima"))
    assert {kind for kind, _ in _flags()} == {"device", "pack", "repair_call", "visit"}


def test_every_record_under_an_expired_device_is_flagged_with_its_service_end(app) -> None:
    world = make_world(purchase=date(2010, 4, 1), coverage_end=date(2015, 3, 31))
    application = Application(pack=world.pack, channel="web", applied_on=date(2010, 4, 2),
                              consent_service_spec=True, consent_privacy=True,
                              consent_antisocial_declaration=True, status="registered",
                              created_at=NOW)
    db.session.add(application)
    report, _ = seal_world_report(world)
    other = make_world(serial="AK10000002", purchase=date(2024, 4, 1))  # still covered
    assert retention.run(date(2021, 1, 1)) == {"device": 1, "pack": 1, "application": 1,
                                               "repair_call": 1, "visit": 1, "work_report": 1}
    flags = db.session.scalars(select(RetentionFlag)).all()
    assert {(f.entity_type, f.entity_id) for f in flags} == {
        ("device", world.device.id), ("pack", world.pack.id), ("application", application.id),
        ("repair_call", world.call.id), ("visit", world.visit.id), ("work_report", report.id)}
    assert {(f.device_id, f.service_end, f.flagged_on) for f in flags} == {
        (world.device.id, date(2015, 3, 31), date(2021, 1, 1))}
    assert other.device.id not in {f.device_id for f in flags}


@pytest.mark.parametrize("day", [
    date(2025, 4, 1),   # an ordinary day
    date(2025, 3, 1),   # after a February that had no 29th
    date(2024, 3, 1),   # after a 29 February
    date(2024, 2, 29),  # a 29 February itself
    date(2028, 1, 1),   # a year start
])
def test_due_bound_is_exactly_where_retention_runs_out(day) -> None:
    due_by = retention.last_due_service_end(day)
    # Every service end up to the bound is past retention on `day`; the next one is not.
    for end in (due_by - timedelta(days=k) for k in range(0, 400, 7)):
        assert retention.retention_end(end) < day
    assert retention.retention_end(due_by + timedelta(days=1)) >= day


@pytest.mark.parametrize(("due_by", "years"), [
    (date(2015, 3, 31), 5),  # a month end
    (date(2015, 2, 28), 5),  # lifetimes that started on 29 February end on the 28th
    (date(2016, 2, 28), 4),  # a leap year's 28 February
    (date(2016, 2, 29), 7),  # a leap day as the bound
])
def test_purchase_bound_is_exactly_where_the_lifetime_ends_in_time(due_by, years) -> None:
    bought_by = retention.last_due_purchase(due_by, years)
    for purchase in (bought_by - timedelta(days=k) for k in range(0, 400, 3)):
        assert period_last_day(purchase, years=years) <= due_by
    assert period_last_day(bought_by + timedelta(days=1), years=years) > due_by
