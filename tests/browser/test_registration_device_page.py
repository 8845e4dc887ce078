"""The device page shows live eligibility advice in Japanese while the pack form is filled."""

from __future__ import annotations

from datetime import date

from conftest import PASSWORD, TEST_ACTOR
from playwright.sync_api import expect

from dispatch.services.accounts import users
from dispatch.services.catalog import records
from dispatch.services.unit_of_work import unit_of_work


def _installed(app) -> None:
    with app.app_context(), unit_of_work():  # stored for the server
        users.add_user("reg@oxt.example.jp", "coordinator", PASSWORD, TEST_ACTOR)
        records.create_model({"code": "C844dnw", "name": "COREFIDO C844dnw",
                              "series": "COREFIDO", "kind": "printer", "lifetime_years": 7,
                              "warranty_months": 60, "print_limit": 600_000,
                              "packs_offered": ["std1", "std5", "ext1"]}, TEST_ACTOR)
        customer = records.create_customer({"name": "テスト商事"}, TEST_ACTOR)
        site = records.create_site({"customer_id": customer.id, "name": "本社",
                                    "address": "東京都千代田区丸の内1-1-1", "lat": 35.684,
                                    "lon": 139.764, "manager_name": "佐藤"}, TEST_ACTOR)
        records.create_device({"serial": "BR00001", "model_code": "C844dnw",
                               "site_id": site.id, "purchase_date": date(2026, 4, 10)},
                              TEST_ACTOR)


def test_pack_form_explains_a_closed_window_in_japanese(app, page):
    _installed(app)
    page.goto("/login")
    page.fill("#email", "reg@oxt.example.jp")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    page.goto("/registration/devices/BR00001?on=2026-06-01")
    assert page.locator("svg.timeline").is_visible()
    page.select_option("#pack-product", "std1")
    page.fill("#pack-purchased-on", "2026-10-10")
    advice = page.locator("#pack-advice")
    expect(advice).to_contain_text("6か月以内")
    assert "ご購入いただけません" in advice.inner_text()
    page.fill("#pack-purchased-on", "2026-10-09")
    expect(advice).to_contain_text("ご購入いただけます · サービス終了日 2027-04-09")
