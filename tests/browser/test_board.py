"""The coordinator board in a real browser: a new call appears, a re-plan routes it."""

from __future__ import annotations

from conftest import PASSWORD, TEST_ACTOR
from day_rows import Day

from dispatch.extensions import db
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
    # The re-plan is a queued job solved with its time budget; a loaded machine needs more
    # than the default 10 s for the job and the board's next poll (it timed out once so).
    page.wait_for_selector(f".tl-bar[data-visit='{new}']", timeout=30_000)
    assert page.locator(f"#unassigned li[data-visit='{new}']").count() == 0
    assert page.locator(f"path.visit-{new}").count() == 1
    assert page.locator("#busy").is_hidden()


def test_map_tooltips_show_site_and_base_names_as_text_not_markup(app, page, today):
    # rules.md §8: names are data; a name with markup shows its characters and adds no
    # element to the page (the CSP would block a script, but the markup must not land).
    with app.app_context(), unit_of_work():
        users.add_user("tips@oxt.example.jp", "coordinator", PASSWORD, TEST_ACTOR)
        day = Day()
        base = day.base()
        base.name = '<b class="injected">東京</b>'
        visit = day.call(35.69, 139.70)
        visit.call.device.site.name = '<i class="injected">本社</i>'
        visit_id = visit.id
        db.session.commit()
    login(page, "tips@oxt.example.jp")
    page.goto("/board")
    page.wait_for_selector(f"path.visit-{visit_id}")
    for marker, text in ((f"path.visit-{visit_id}", '<i class="injected">本社</i>'),
                         ("path.base-marker", '<b class="injected">東京</b>')):
        page.hover(marker, force=True)
        tooltip = page.locator(".leaflet-tooltip", has_text="injected").last
        tooltip.wait_for()
        assert text in tooltip.inner_text()
    assert page.locator(".leaflet-tooltip .injected").count() == 0
