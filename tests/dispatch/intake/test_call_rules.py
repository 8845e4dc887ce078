"""Every §5 rule through POST /calls, with exact service dates and codes.

Standard hours (Mon–Fri 9:00–17:30, closed on holidays and 12/30–1/3) → cutoff 15:00:00.
"""

from __future__ import annotations

import pytest
from factories import call_payload, pack_id_for


@pytest.mark.parametrize(("received_at", "decision", "service_date", "cutoff_at", "codes"), [
    # Thursday before the cutoff → same day
    ("2026-11-26T10:00:00+09:00", "same_day", "2026-11-26", "2026-11-26T15:00:00+09:00", []),
    # exactly at the cutoff is still same day
    ("2026-11-26T15:00:00+09:00", "same_day", "2026-11-26", "2026-11-26T15:00:00+09:00", []),
    # one second later → next business day
    ("2026-11-26T15:00:01+09:00", "next_business_day", "2026-11-27",
     "2026-11-26T15:00:00+09:00", ["AFTER_CUTOFF"]),
    # the same instants written in UTC: 06:00:00Z = 15:00:00 JST
    ("2026-11-26T06:00:00Z", "same_day", "2026-11-26", "2026-11-26T15:00:00+09:00", []),
    ("2026-11-26T06:00:01+00:00", "next_business_day", "2026-11-27",
     "2026-11-26T15:00:00+09:00", ["AFTER_CUTOFF"]),
    # Friday after the cutoff → Monday, over the weekend
    ("2026-11-27T16:00:00+09:00", "next_business_day", "2026-11-30",
     "2026-11-27T15:00:00+09:00", ["AFTER_CUTOFF"]),
    # Thursday night counts at Friday's opening → same day Friday
    ("2026-11-26T22:30:00+09:00", "same_day", "2026-11-27", "2026-11-27T15:00:00+09:00", []),
    # early morning before opening → same day
    ("2026-11-27T07:45:00+09:00", "same_day", "2026-11-27", "2026-11-27T15:00:00+09:00", []),
    # Saturday → Monday's opening, same day Monday
    ("2026-11-28T11:00:00+09:00", "same_day", "2026-11-30", "2026-11-30T15:00:00+09:00", []),
    # Golden Week: Tue 4/28 after the cutoff → Thu 4/30 (4/29 昭和の日)
    ("2026-04-28T15:30:00+09:00", "next_business_day", "2026-04-30",
     "2026-04-28T15:00:00+09:00", ["AFTER_CUTOFF"]),
    # Golden Week: Fri 5/1 is open under the pack's hours; after the cutoff → Thu 5/7
    # (5/2–5/3 weekend, 5/4–5/5 holidays, 5/6 振替休日)
    ("2026-05-01T15:00:01+09:00", "next_business_day", "2026-05-07",
     "2026-05-01T15:00:00+09:00", ["AFTER_CUTOFF"]),
    # 5/6 substitute holiday → counts at 5/7's opening, same day
    ("2026-05-06T10:00:00+09:00", "same_day", "2026-05-07", "2026-05-07T15:00:00+09:00", []),
    # Silver Week: Fri 9/18 after the cutoff → Thu 9/24 (9/21 敬老の日, 9/22 国民の休日,
    # 9/23 秋分の日)
    ("2026-09-18T16:00:00+09:00", "next_business_day", "2026-09-24",
     "2026-09-18T15:00:00+09:00", ["AFTER_CUTOFF"]),
    # 9/22 citizens' holiday itself → same day Thu 9/24
    ("2026-09-22T09:30:00+09:00", "same_day", "2026-09-24", "2026-09-24T15:00:00+09:00", []),
    # year end: Tue 12/29 after the cutoff → Mon 1/4 (12/30–1/3 closed)
    ("2026-12-29T15:00:01+09:00", "next_business_day", "2027-01-04",
     "2026-12-29T15:00:00+09:00", ["AFTER_CUTOFF"]),
    # New Year's Day call → same day on Mon 1/4
    ("2027-01-01T12:00:00+09:00", "same_day", "2027-01-04", "2027-01-04T15:00:00+09:00", []),
])
def test_cutoff_and_calendar_decide_the_service_date(world, coordinator, received_at,
                                                     decision, service_date, cutoff_at, codes):
    world.covered()
    res = coordinator.post("/calls", json=call_payload(received_at=received_at))
    assert res.status_code == 201, res.get_json()
    body = res.get_json()
    assert (body["decision"], body["service_date"], body["cutoff_at"], body["codes"]) == (
        decision, service_date, cutoff_at, codes)


def test_saturday_pack_serves_saturday_the_same_day(world, coordinator):
    hours = {"days": ["mon", "tue", "wed", "thu", "fri", "sat"], "start": "09:00",
             "end": "18:00", "closed_on_holidays": True}
    world.covered(hours=hours)
    body = coordinator.post("/calls", json=call_payload(
        received_at="2026-11-28T15:30:00+09:00")).get_json()
    assert (body["decision"], body["service_date"], body["cutoff_at"]) == (
        "same_day", "2026-11-28", "2026-11-28T15:30:00+09:00")


@pytest.mark.parametrize(("site", "received_at", "decision", "service_date", "codes"), [
    # remote island inside the base's radius → phone only
    ("izu_oshima", "2026-11-26T10:00:00+09:00", "phone_only", None, ["REMOTE_ISLAND"]),
    # beyond every service radius → phone only
    ("sapporo", "2026-11-26T10:00:00+09:00", "phone_only", None, ["OUTSIDE_SERVICE_AREA"]),
    # inside the service area, outside the same-day area → next support day
    ("utsunomiya", "2026-11-26T10:00:00+09:00", "next_business_day", "2026-11-27",
     ["OUTSIDE_SAME_DAY_AREA"]),
    # …and both reasons after the cutoff on a Friday
    ("utsunomiya", "2026-11-27T15:30:00+09:00", "next_business_day", "2026-11-30",
     ["OUTSIDE_SAME_DAY_AREA", "AFTER_CUTOFF"]),
])
def test_service_area_decides_onsite_or_phone(world, coordinator, site, received_at, decision,
                                             service_date, codes):
    world.covered(site=site)
    body = coordinator.post("/calls", json=call_payload(received_at=received_at)).get_json()
    assert (body["decision"], body["service_date"], body["codes"]) == (
        decision, service_date, codes)


def test_parts_to_order_move_the_visit_to_the_next_support_day(world, coordinator):
    world.covered()
    body = coordinator.post("/calls", json=call_payload(
        received_at="2026-11-27T10:00:00+09:00", parts_required=True)).get_json()
    assert (body["decision"], body["service_date"], body["codes"]) == (
        "next_business_day", "2026-11-30", ["PARTS_REQUIRED"])


def test_unknown_serial_is_stored_as_not_covered(world, coordinator):
    res = coordinator.post("/calls", json=call_payload("ZZ404"))
    body = res.get_json()
    assert res.status_code == 201
    assert (body["decision"], body["service_date"], body["cutoff_at"], body["codes"],
            body["status"]) == ("not_covered", None, None, ["UNKNOWN_SERIAL"], "cancelled")
    assert coordinator.get(f"/calls/{body['id']}").get_json()["codes"] == ["UNKNOWN_SERIAL"]


def test_support_pack_id_of_another_device_is_a_mismatch(world, coordinator):
    world.covered("AK10000001")
    world.covered("AK10000002")
    body = coordinator.post("/calls", json=call_payload(
        "AK10000001", support_pack_id=pack_id_for("AK10000002"))).get_json()
    assert (body["decision"], body["codes"]) == ("not_covered", ["SUPPORT_PACK_ID_MISMATCH"])


@pytest.mark.parametrize(("received_at", "codes"), [
    # before the completion notice of 2026-04-20
    ("2026-04-17T10:00:00+09:00", ["NOT_STARTED"]),
    # the day after the std1's last day 2027-04-09
    ("2027-04-12T10:00:00+09:00", ["EXPIRED"]),
])
def test_coverage_at_the_call_date(world, coordinator, received_at, codes):
    world.covered(product="std1", years=1)
    body = coordinator.post("/calls", json=call_payload(received_at=received_at)).get_json()
    assert (body["decision"], body["codes"]) == ("not_covered", codes)


def test_extension_bought_but_not_registered_is_not_registered(world, coordinator):
    from datetime import date

    device = world.device()
    world.pack(device, product="std1", years=1)
    world.pack(device, product="ext1", years=1, status="applied", start=date(2027, 4, 10))
    body = coordinator.post("/calls", json=call_payload(
        received_at="2027-05-10T10:00:00+09:00")).get_json()
    assert (body["decision"], body["codes"]) == ("not_covered", ["NOT_REGISTERED"])


def test_print_count_over_the_limit_ends_service_and_is_recorded(world, coordinator):
    device = world.covered()
    body = coordinator.post("/calls", json=call_payload(print_count=600_001)).get_json()
    assert (body["decision"], body["codes"]) == ("not_covered", ["PRINT_LIMIT_EXCEEDED"])
    assert (device.print_count, device.print_count_on.isoformat()) == (600_001, "2026-11-26")


def test_past_the_device_lifetime_ends_service(world, coordinator):
    from datetime import date

    device = world.device(purchase_date=date(2019, 4, 10))
    world.pack(device, product="std7", years=7, completed_on=date(2019, 4, 20))
    body = coordinator.post("/calls", json=call_payload(
        received_at="2026-04-10T10:00:00+09:00")).get_json()
    assert (body["decision"], body["codes"]) == ("not_covered", ["EXPIRED", "LIFETIME_EXCEEDED"])


def test_an_older_print_count_does_not_replace_a_newer_reading(world, coordinator):
    from datetime import date

    device = world.device(print_count=50_000, print_count_on=date(2026, 11, 20))
    world.pack(device)
    coordinator.post("/calls", json=call_payload(received_at="2026-11-10T10:00:00+09:00",
                                                 print_count=40_000))
    assert (device.print_count, device.print_count_on) == (50_000, date(2026, 11, 20))


def test_terminated_customer_gets_no_service(world, coordinator):
    from dispatch import clock
    from dispatch.extensions import db

    world.covered()
    world.customer.terminated_at = clock.now()
    db.session.flush()  # the setup's write, before the request (which must write in a unit)
    body = coordinator.post("/calls", json=call_payload()).get_json()
    assert (body["decision"], body["codes"]) == ("not_covered", ["SERVICE_TERMINATED"])


def test_received_at_without_offset_is_refused(world, coordinator):
    res = coordinator.post("/calls", json=call_payload(received_at="2026-11-26T10:00:00"))
    assert res.status_code == 422
    assert "received_at" in res.get_json()["errors"]


def test_covering_extension_hours_apply_when_the_older_pack_id_is_quoted(world, coordinator):
    from datetime import date

    saturdays = {"days": ["mon", "tue", "wed", "thu", "fri", "sat"], "start": "09:00",
                 "end": "17:30", "closed_on_holidays": True}
    device = world.device()
    world.pack(device, product="std1", years=1)  # pack_id_for(serial), ended 2027-04-09
    world.pack(device, product="ext1", years=1, start=date(2027, 4, 10),
               completed_on=date(2027, 3, 20), support_pack_id=pack_id_for("EXT-1"),
               hours=saturdays)
    body = coordinator.post("/calls", json=call_payload(
        received_at="2027-05-08T10:00:00+09:00")).get_json()  # a Saturday
    assert (body["decision"], body["service_date"], body["codes"]) == (
        "same_day", "2027-05-08", [])


def test_option_is_covered_only_while_its_parent_is(world, coordinator):
    from datetime import date

    from conftest import TEST_ACTOR
    from factories import model_payload

    from dispatch.services.catalog import records

    records.create_model(model_payload(code="TRY-C8", name="増設トレイ", kind="option",
                                       print_limit=None), TEST_ACTOR)
    parent = world.device()
    world.pack(parent, product="std1", years=1)
    option = records.create_device(
        {"serial": "OPT0001", "model_code": "TRY-C8", "site_id": parent.site_id,
         "purchase_date": date(2026, 4, 10)}, TEST_ACTOR, parent=parent)
    world.pack(option, product="std3", years=3, support_pack_id=pack_id_for("OPT0001"))
    covered = coordinator.post("/calls", json=call_payload("OPT0001")).get_json()
    ended = coordinator.post("/calls", json=call_payload(
        "OPT0001", received_at="2027-04-12T10:00:00+09:00")).get_json()
    assert (covered["decision"], ended["decision"], ended["codes"]) == (
        "same_day", "not_covered", ["EXPIRED"])


def test_overlong_idempotency_key_is_refused(world, coordinator):
    res = coordinator.post("/calls", json=call_payload(), headers={"Idempotency-Key": "k" * 201})
    assert res.status_code == 422
    assert "Idempotency-Key" in res.get_json()["errors"]
