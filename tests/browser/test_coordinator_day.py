"""The coordinator's day as one journey in Chromium (issue 16): take a call typed in
full-width, meet the open-call offer on a second call, open the board by its link, drag the
visit to another technician (the API shows it), pin it, re-plan and it stays — while a second
board sees each change live without reloading."""

from __future__ import annotations

import time

from conftest import PASSWORD, TEST_ACTOR
from day_rows import Day
from factories import pack_id_for
from intake_world import World
from playwright.sync_api import expect
from sqlalchemy import func, select

from dispatch.extensions import db
from dispatch.models import RepairCall, ServiceBase, Visit
from dispatch.services.accounts import users
from dispatch.services.day import planning
from dispatch.services.trust.audit import SYSTEM
from dispatch.services.unit_of_work import unit_of_work

LIVE_SECONDS = 5  # issue 16: every open board shows a change within 5 s


def login(page, email: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def test_coordinator_runs_the_day_from_call_to_pinned_visit_without_typing_a_url(
        app, page, browser, live_server, today, capsys):
    with app.app_context():
        World().covered("AK20000001")
        with unit_of_work():
            base = db.session.scalar(select(ServiceBase))
            rows = Day()
            first, second = rows.tech(base), rows.tech(base)
            users.add_user("desk@oxt.example.jp", "coordinator", PASSWORD, TEST_ACTOR)
            users.add_user("watch@oxt.example.jp", "coordinator", PASSWORD, TEST_ACTOR)
            users.add_user("api@oxt.example.jp", "coordinator", PASSWORD, TEST_ACTOR)
        token = users.create_token("api@oxt.example.jp", TEST_ACTOR)
        with unit_of_work():  # the morning plan, made before the first call of the day
            planning.plan_day(today, SYSTEM)
        first_id, second_id = first.id, second.id
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    login(page, "desk@oxt.example.jp")
    page.click("nav.role-nav >> text=修理受付")
    # What the caller reads out, as a Japanese input method types it.
    page.fill("#serial", "ＡＫ２０００ ０００１")
    pack_id = pack_id_for("AK20000001")  # the ID World gives the pack (check-valid)
    page.fill("#support_pack_id", "".join(  # full-width, lower case, a Japanese dash
        "ー" if c == "-" else chr(ord(c) + 0xFEE0) for c in pack_id.lower()))
    expect(page.locator("#serial-canonical")).to_have_text("→ AK20000001")
    page.fill("#symptom", "トナーが認識されない")
    page.click("#decide")
    expect(page.locator("#decision-label")).to_have_text("当日オンサイト")
    expect(page.locator("#canonical-notice")).to_contain_text("AK20000001")
    expect(page.locator("#canonical-notice")).to_contain_text(pack_id)

    # The same device calls again: the open call is shown and the report added to it.
    page.fill("#serial", "ak20000001")
    page.fill("#support_pack_id", pack_id)
    page.fill("#symptom", "紙詰まりも発生")
    page.click("#decide")
    expect(page.locator("#open-call-warning")).to_be_visible()
    page.click("#add-to-open-call")
    expect(page.locator("#added-notice")).to_be_visible()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RepairCall)) == 1
        visit = db.session.scalar(select(Visit))
        assert visit is not None and "紙詰まりも発生" in visit.call.symptom
        visit_id = visit.id

    page.set_viewport_size({"width": 1440, "height": 900})
    page.click("nav.role-nav >> text=配車ボード")
    page.wait_for_selector(f"#unassigned li[data-visit='{visit_id}']")
    watcher = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", base_url=live_server,
                                  viewport={"width": 1440, "height": 900}).new_page()
    watcher.on("pageerror", lambda e: errors.append(str(e)))
    login(watcher, "watch@oxt.example.jp")
    watcher.goto("/board")
    watcher.wait_for_selector(f"#unassigned li[data-visit='{visit_id}']")

    started = time.monotonic()
    page.drag_and_drop(f"#unassigned li[data-visit='{visit_id}']",
                       f".tl-row[data-technician='{second_id}'] .tl-track")
    page.wait_for_selector(f".tl-row[data-technician='{second_id}'] [data-visit='{visit_id}']")
    watcher.wait_for_selector(f".tl-row[data-technician='{second_id}'] [data-visit='{visit_id}']",
                              timeout=LIVE_SECONDS * 1000)
    live = time.monotonic() - started
    with capsys.disabled():
        print(f"\ndrag → second board: {live:.2f} s")
    assert live < LIVE_SECONDS

    auth = {"Authorization": f"Bearer {token}"}
    plan = page.request.get("/api/v1/plans/2026-11-26", headers=auth).json()
    routes = {r["technician_id"]: r for r in plan["routes"]}
    assert [s["visit_id"] for s in routes[second_id]["stops"]] == [visit_id]
    assert routes[second_id]["stops"][0]["pinned"] is False

    page.click(f".tl-row[data-technician='{second_id}'] [data-visit='{visit_id}']")
    page.click("#pin-button")
    page.wait_for_selector(f"[data-visit='{visit_id}'][data-pinned='1']")
    watcher.wait_for_selector(f"[data-visit='{visit_id}'][data-pinned='1']",
                              timeout=LIVE_SECONDS * 1000)

    page.click("#plan-button")
    timed = f".tl-row[data-technician='{second_id}'] .tl-bar[data-visit='{visit_id}']"
    page.wait_for_selector(timed)
    expect(page.locator("#busy")).to_be_hidden()
    plan = page.request.get("/api/v1/plans/2026-11-26", headers=auth).json()
    routes = {r["technician_id"]: r for r in plan["routes"]}
    stop = routes[second_id]["stops"][0]
    assert (stop["visit_id"], stop["pinned"], stop["status"]) == (visit_id, True, "planned")
    assert routes.get(first_id, {"stops": []})["stops"] == []
    # The figures follow the plan: one visit planned, none done, the km computed.
    expect(page.locator("#kpi-done .kpi-value")).to_have_text("0 / 1")
    watcher.wait_for_selector(timed, timeout=LIVE_SECONDS * 1000)
    assert errors == []
    watcher.context.close()
