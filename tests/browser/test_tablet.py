"""The technician's tablet in a real browser: marking arrival shows on the board."""

from __future__ import annotations

import pytest
from conftest import PASSWORD, TEST_ACTOR
from day_rows import Day

from dispatch.services.accounts import users
from dispatch.services.day import planning
from dispatch.services.trust.audit import SYSTEM
from dispatch.services.unit_of_work import unit_of_work


def login(page, email: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


@pytest.mark.parametrize("viewport", [
    {"width": 1280, "height": 800},  # landscape tablet
    {"width": 800, "height": 1280},  # portrait tablet, one-handed
])
def test_technician_marks_arrival_and_the_board_shows_it(app, browser, live_server, today,
                                                          viewport):
    with app.app_context(), unit_of_work():  # stored for the server
        users.add_user("tab@oxt.example.jp", "technician", PASSWORD, TEST_ACTOR)
        users.add_user("desk@oxt.example.jp", "coordinator", PASSWORD, TEST_ACTOR)
        day = Day()
        day.tech(day.base(), email="tab@oxt.example.jp")
        visit = day.call(35.69, 139.70, symptom="紙詰まりが頻発する").id
        planning.plan_day(today, SYSTEM)
    tablet = browser.new_context(locale="ja-JP", viewport=viewport, base_url=live_server)
    page = tablet.new_page()
    login(page, "tab@oxt.example.jp")
    page.wait_for_url("**/tablet")
    stop = page.locator(f"li[data-visit='{visit}']")
    assert "紙詰まりが頻発する" in stop.inner_text()
    bar = page.locator("nav.bottom-actions")
    box = bar.bounding_box()
    assert box["y"] + box["height"] == pytest.approx(viewport["height"], abs=2)  # bottom
    arrive = bar.locator("button.arrived")
    assert arrive.bounding_box()["height"] >= 48
    arrive.click()
    page.wait_for_selector(f"li[data-visit='{visit}'][data-status='arrived']")
    tablet.close()
    board = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 800},
                                base_url=live_server)
    desk = board.new_page()
    login(desk, "desk@oxt.example.jp")
    desk.wait_for_url("**/")
    desk.goto("/board")
    desk.wait_for_selector(f".tl-bar[data-visit='{visit}'][data-status='arrived']")
    board.close()
