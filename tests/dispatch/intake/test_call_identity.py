"""Who is calling about what (rules.md §5): serials and support pack IDs compared after
normalisation, typos refused before anything is stored, an option's ID quoted with the
printer's serial, and the coverage boundary judged at acceptance (issue 14)."""

from __future__ import annotations

import pytest
from conftest import TEST_ACTOR
from factories import call_payload, model_payload, pack_id_for
from sqlalchemy import func, select

from dispatch.domain.support_pack_id import check_character
from dispatch.extensions import db
from dispatch.models import RepairCall
from dispatch.services.catalog import records

ID = pack_id_for("AK10000001")  # the registered pack's ID, e.g. SP-XXXXXXXC
BODY = ID[3:]


def _typo(pack_id: str) -> str:
    # Replace the first body character by another one: Damm's check catches every such typo.
    first = pack_id[3]
    other = "2" if first != "2" else "3"
    return pack_id[:3] + other + pack_id[4:]


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@pytest.mark.parametrize(("serial", "support_pack_id"), [
    # as printed on the sticker (サービス仕様書 §6(4): the ID on the 故障受付シール)
    ("AK10000001", ID),
    # lower case, as a coordinator types fast (SPEC §5: compared upper case)
    ("ak10000001", ID.lower()),
    # without the hyphen after SP (SPEC §5: hyphens ignored)
    ("AK10000001", "SP" + BODY),
    # read out in groups, with spaces and hyphens (SPEC §5: spaces and hyphens ignored)
    ("AK-1000-0001", f"SP-{BODY[:4]} {BODY[4:]}"),
    # full-width characters from a Japanese input method (SPEC §5: Unicode NFKC)
    (_full_width("AK10000001"), _full_width(ID)),
    # the long-vowel mark ー typed for the hyphen, ideographic space (NFKC + dash folding)
    ("AK\u3000100000 01", "SP\u30fc" + BODY),
])
def test_serial_and_support_pack_id_match_after_normalisation(world, coordinator, serial,
                                                               support_pack_id):
    world.covered()
    res = coordinator.post("/calls", json=call_payload(serial, support_pack_id=support_pack_id))
    body = res.get_json()
    assert res.status_code == 201, body
    assert (body["decision"], body["codes"]) == ("same_day", [])
    # stored as compared, so the board and reports show one spelling
    assert (body["serial"], body["support_pack_id"]) == ("AK10000001", ID)


@pytest.mark.parametrize("support_pack_id", [
    # one character mistyped (SPEC §5: an ID whose check character fails is a typo)
    _typo(ID),
    # two adjacent characters swapped (Damm detects every adjacent transposition)
    ID[:3] + BODY[1] + BODY[0] + BODY[2:] if BODY[0] != BODY[1] else _typo(_typo(ID)),
    # a check character that is not in the alphabet at all
    ID[:-1] + "0",
    # too short: a digit left out
    ID[:-2] + ID[-1],
    # the old SP-<serial> shape the tests used to invent
    "SP-AK10000001",
])
def test_support_pack_id_failing_its_check_is_refused_and_nothing_stored(
        world, coordinator, support_pack_id):
    world.covered()
    before = db.session.scalar(select(func.count()).select_from(RepairCall))
    res = coordinator.post("/calls", json=call_payload(support_pack_id=support_pack_id))
    assert res.status_code == 422
    assert res.headers["Content-Type"].startswith("application/problem+json")
    assert res.get_json()["codes"] == ["SUPPORT_PACK_ID_MISMATCH", "SUPPORT_PACK_ID_INVALID"]
    assert db.session.scalar(select(func.count()).select_from(RepairCall)) == before


def test_a_well_formed_id_of_another_device_is_still_a_stored_mismatch(world, coordinator):
    # SPEC §5: a valid ID that is not this printer's is a mismatch, recorded as before
    world.covered("AK10000001")
    other = pack_id_for("AK10000002")
    assert other[-1] == check_character(other[3:-1])
    body = coordinator.post("/calls", json=call_payload(support_pack_id=other)).get_json()
    assert (body["decision"], body["codes"], body["status"]) == (
        "not_covered", ["SUPPORT_PACK_ID_MISMATCH"], "cancelled")


def test_serial_is_stored_normalised_and_found_however_it_is_typed(world, coordinator):
    device = world.device("ak-2000 0001")
    assert device.serial == "AK20000001"
    res = coordinator.get("/devices/ａｋ－２０００\u3000０００１")
    assert res.status_code == 200, res.get_json()
    assert res.get_json()["serial"] == "AK20000001"


def test_a_serial_stored_before_normalisation_is_still_found(world, coordinator):
    # Rows written before issue 14 kept the serial as typed; lookup folds the column too.
    device = world.device("AK30000001")
    device.serial = "ak-3000-0001"
    db.session.flush()
    world.pack(device)
    body = coordinator.post("/calls", json=call_payload(
        "AK30000001", support_pack_id=pack_id_for("ak-3000-0001"))).get_json()
    assert (body["decision"], body["codes"]) == ("same_day", [])


def _printer_with_option(world, option_years: int = 3):
    from datetime import date

    records.create_model(model_payload(code="TRY-C8", name="増設トレイ", kind="option",
                                       print_limit=None), TEST_ACTOR)
    printer = world.device()
    world.pack(printer, product="std3", years=3)
    option = records.create_device(
        {"serial": "OPT0001", "model_code": "TRY-C8", "site_id": printer.site_id,
         "purchase_date": date(2026, 4, 10)}, TEST_ACTOR, parent=printer)
    world.pack(option, product="std3", years=option_years)
    return printer, option


@pytest.mark.parametrize(("serial", "support_pack_id", "decision", "codes"), [
    # the option's own serial and ID (対象オプションハードウェア製品, サービス仕様書 §2)
    ("OPT0001", pack_id_for("OPT0001"), "same_day", []),
    # the printer's serial with the option's ID: the caller reads the serial off the printer
    # and the ID off the option's sticker (SPEC §5: checked against the option's pack)
    ("AK10000001", pack_id_for("OPT0001"), "same_day", []),
    # the printer's own ID still works
    ("AK10000001", pack_id_for("AK10000001"), "same_day", []),
    # an option's ID with another printer's serial is a mismatch
    ("AK10000002", pack_id_for("OPT0001"), "not_covered", ["SUPPORT_PACK_ID_MISMATCH"]),
])
def test_option_pack_id_with_the_printer_serial(world, coordinator, serial, support_pack_id,
                                                decision, codes):
    _printer_with_option(world)
    world.covered("AK10000002")
    body = coordinator.post("/calls", json=call_payload(
        serial, support_pack_id=support_pack_id)).get_json()
    assert (body["decision"], body["codes"]) == (decision, codes)


def test_option_quoted_with_printer_serial_is_judged_on_the_option_pack(world, coordinator):
    # The option's 1-year pack ended 2027-04-09 while the printer's 3-year pack runs on:
    # quoting the option's ID judges the option's coverage, not the printer's (SPEC §5).
    _printer_with_option(world, option_years=1)
    body = coordinator.post("/calls", json=call_payload(
        "AK10000001", support_pack_id=pack_id_for("OPT0001"),
        received_at="2027-04-12T10:00:00+09:00")).get_json()
    assert (body["decision"], body["codes"]) == ("not_covered", ["EXPIRED"])
    call = db.session.get(RepairCall, body["id"])
    assert call.device.serial == "OPT0001"


@pytest.mark.parametrize(("received_at", "decision", "service_date", "codes"), [
    # last covered day (std1 from 2026-04-10 ends Fri 2027-04-09), before the cutoff
    ("2027-04-09T15:00:00+09:00", "same_day", "2027-04-09", []),
    # last covered day, one second after the cutoff: accepted while covered, so served on
    # Monday 2027-04-12 although coverage ended on 04-09 (SPEC §5: coverage is judged when
    # the call is accepted; サービス仕様書 §7(1) the next support day)
    ("2027-04-09T15:00:01+09:00", "next_business_day", "2027-04-12", ["AFTER_CUTOFF"]),
    # last covered day, after closing (17:30): covered when received, counts as accepted at
    # Monday's opening and is same-day then (SPEC §5: outside support hours), after the end
    ("2027-04-09T22:00:00+09:00", "same_day", "2027-04-12", []),
    # the first day after coverage (Saturday): not covered (サービス仕様書 §4(1) 終了)
    ("2027-04-10T10:00:00+09:00", "not_covered", None, ["EXPIRED"]),
])
def test_call_accepted_on_the_last_covered_day_is_served_after_the_coverage_end(
        world, coordinator, received_at, decision, service_date, codes):
    world.covered(product="std1", years=1)
    body = coordinator.post("/calls", json=call_payload(received_at=received_at)).get_json()
    assert (body["decision"], body["service_date"], body["codes"]) == (
        decision, service_date, codes)
