"""The call screen in a real browser: a coordinator takes a call on the phone, sees the
decision and the live countdown, and resolves a call by phone from the board."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from conftest import PASSWORD, TEST_ACTOR
from factories import pack_id_for
from intake_world import World
from playwright.sync_api import expect

from dispatch import clock
from dispatch.services.accounts import users
from dispatch.services.unit_of_work import unit_of_work

NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)  # Thu 12:00 in Tokyo, 3 h before the cutoff


@pytest.fixture
def desk(app, page, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    with app.app_context(), unit_of_work():  # stored for the server
        World().covered("AK20000001")
        users.add_user("phone@oxt.example.jp", "coordinator", PASSWORD, TEST_ACTOR)
    page.goto("/login")
    page.fill("#email", "phone@oxt.example.jp")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    page.goto("/intake/")
    return page


def test_coordinator_takes_a_call_and_sees_decision_and_countdown(desk):
    page = desk
    # autofocus lands on the serial: the coordinator just types what the caller reads out
    assert page.evaluate("document.activeElement.id") == "serial"
    page.keyboard.type("AK20000001")
    page.fill("#support_pack_id", pack_id_for("AK20000001"))
    page.fill("#symptom", "トナーが認識されない")
    page.press("#symptom", "Enter")
    page.wait_for_selector("#decision-label")
    assert page.inner_text("#decision-label") == "当日オンサイト"
    # Read out to the caller as people say it; the machine-readable date is beside it.
    assert page.inner_text("#decision-date") == "2026年11月26日（木）"
    assert page.get_attribute("#decision-date time", "datetime") == "2026-11-26"
    assert page.get_attribute("#decision-live", "aria-live") == "assertive"
    # 12:00 server time → 3 h to the 15:00 cutoff, counting down live
    # expect() polls from Python; wait_for_function(str) would need 'unsafe-eval' in the CSP.
    expect(page.locator("#today-remaining")).to_have_text(re.compile(r"^02:59"))
    first = page.inner_text("#today-remaining")
    assert re.fullmatch(r"02:59:\d\d", first)
    expect(page.locator("#today-remaining")).not_to_have_text(first)


def test_coordinator_resolves_a_call_by_phone_from_the_board(desk):
    page = desk
    page.fill("#serial", "AK20000001")
    page.fill("#support_pack_id", pack_id_for("AK20000001"))
    page.fill("#symptom", "電源が入らない")
    page.click("#decide")
    page.wait_for_selector("#decision-label")
    page.click("#board button:has-text('電話で解決')")
    page.wait_for_url("**/intake/?call=*")
    expect(page.locator("#decision-live")).to_contain_text("電話で解決")
    assert page.locator("#board h3", has_text="電話で解決").count() == 1
