"""The coordinator board in a real browser: a new call appears, a re-plan routes it."""

from __future__ import annotations

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
    page.wait_for_url("**/")


def test_new_call_appears_unassigned_and_replan_puts_it_on_a_route(app, page, today):
    with app.app_context(), unit_of_work():  # stored for the server
        users.add_user("board@oxt.example.jp", "coordinator", PASSWORD, TEST_ACTOR)
        day = Day()
        base = day.base()
        day.tech(base)
        first = day.call(35.69, 139.70).id
        planning.plan_day(today, SYSTEM)
        new = day.call(35.66, 139.75).id  # taken after the morning plan
    login(page, "board@oxt.example.jp")
    page.goto("/board")
    page.wait_for_selector(f"#unassigned li[data-visit='{new}']")
    assert page.locator(f".tl-bar[data-visit='{first}']").count() == 1
    # Markers and route lines are SVG paths in the DOM even without map tiles (offline).
    assert page.locator("path.site-marker").count() >= 2
    assert page.locator("path.route-line").count() == 1
    page.click("#plan-button")
    page.wait_for_selector(f".tl-bar[data-visit='{new}']")
    assert page.locator(f"#unassigned li[data-visit='{new}']").count() == 0
    assert page.locator(f"path.visit-{new}").count() == 1
    assert page.locator("#busy").is_hidden()
