"""Steps the browser journeys share: a visit on a technician's route, logging in, filling
in the work report and drawing a signature."""

from __future__ import annotations

from conftest import PASSWORD, TEST_ACTOR
from reporting_rows import make_visit

from dispatch.services.accounts import users
from dispatch.services.unit_of_work import unit_of_work

TECH = "suzuki@oxt.example.jp"


def _setup(app, *extra_users: tuple[str, str]) -> int:
    with app.app_context(), unit_of_work():  # stored for the server
        ids = make_visit(commit=True)
        users.add_user(TECH, "technician", PASSWORD, TEST_ACTOR)
        for role, email in extra_users:
            users.add_user(email, role, PASSWORD, TEST_ACTOR)
        return ids.visit_id


def _login(page, email: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    # Each role lands on its own page (technicians on /tablet), so wait to leave the login.
    page.wait_for_url(lambda url: "/login" not in url)


def _fill_report(page, visit_id: int, result: str = "resolved") -> None:
    page.goto(f"/visits/{visit_id}/report")
    page.fill("#arrived_at", "2026-11-26T10:05")
    page.fill("#departed_at", "2026-11-26T11:20")
    page.fill("#work_done", "給紙ローラーを交換しました。")
    page.check(f"input[name=result][value={result}]")
    page.click("#add-part")
    page.fill("#parts .part-no", "45531503")
    page.fill("#counter_reading", "123456")


def _draw_signature(page) -> None:
    page.locator("#signature-pad").scroll_into_view_if_needed()
    box = page.locator("#signature-pad").bounding_box()
    x, y = box["x"] + 40, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    step_x = min(30, (box["width"] - 80) / 11)  # stays on a phone's narrower canvas too
    for step in range(1, 12):
        page.mouse.move(x + step * step_x, y + (20 if step % 2 else -20), steps=3)
    page.mouse.up()
