"""Logging in through the real page, in Japanese first."""

from __future__ import annotations

from conftest import PASSWORD, TEST_ACTOR

from dispatch.services.accounts import users
from dispatch.services.unit_of_work import unit_of_work


def test_coordinator_logs_in_and_sees_the_japanese_desk(app, page):
    with app.app_context(), unit_of_work():  # stored for the server
        users.add_user("desk@oxt.example.jp", "coordinator", PASSWORD, TEST_ACTOR)
    page.goto("/")
    assert page.locator("h1").inner_text() == "ログイン"
    page.fill("#email", "desk@oxt.example.jp")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    assert "受付・手配" in page.locator("h1").inner_text()
    assert "本日の修理受付はまだありません。" in page.content()


def test_wrong_password_shows_a_form_error(app, page):
    with app.app_context(), unit_of_work():  # stored for the server
        users.add_user("desk2@oxt.example.jp", "coordinator", PASSWORD, TEST_ACTOR)
    page.goto("/login")
    page.fill("#email", "desk2@oxt.example.jp")
    page.fill("#password", "wrong password")
    page.click("button[type=submit]")
    assert page.get_by_role("alert").inner_text() == "メールアドレスまたはパスワードが違います。"


def test_language_switches_to_english(page):
    page.goto("/login")
    page.click("text=English")
    assert page.locator("h1").inner_text() == "Log in"
