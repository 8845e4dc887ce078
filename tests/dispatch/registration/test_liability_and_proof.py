"""Liability cap (seed §16) and proof of purchase (seed: 製品保証書・領収書・納品書), issue 14."""

from __future__ import annotations

from datetime import date

import pytest
from registration_factories import pack_payload

from dispatch import clock
from dispatch.domain.products import PackProduct, liability_cap_yen

PASSWORD = "correct horse battery"


@pytest.mark.parametrize(("product", "price", "cap"), [
    # Seed §16 損害賠償(1): 「1年分相当のパック料金を上限」 → price ÷ years, down to a yen.
    (PackProduct.STD1, 30_000, 30_000),  # a 1-year pack: the whole fee
    (PackProduct.STD5, 100_000, 20_000),  # 5 years: a fifth
    (PackProduct.STD3, 100_000, 33_333),  # 33,333.33… rounded down to a yen
    (PackProduct.STD7, 70_006, 10_000),  # 10,000.857… rounded down
    (PackProduct.EXT2, 25_001, 12_500),  # extensions too: a 2-year extension halves
    (PackProduct.STD4, 0, 0),  # a free pack caps at nothing
    (PackProduct.STD6, None, None),  # price not recorded: no cap to show
])
def test_liability_cap_is_one_years_equivalent_of_the_fee(product, price, cap):
    assert liability_cap_yen(price, product) == cap


def test_pack_records_its_price_and_shows_the_cap(coordinator, installed):
    body = coordinator.post("/packs", json=pack_payload(price_yen=100_000)).get_json()
    assert (body["price_yen"], body["liability_cap_yen"]) == (100_000, 20_000)
    assert coordinator.get(f"/packs/{body['id']}").get_json()["liability_cap_yen"] == 20_000
    unpriced = coordinator.post("/packs", json=pack_payload(product="ext1",
                                                            purchased_on="2026-06-01"))
    assert (unpriced.get_json()["price_yen"], unpriced.get_json()["liability_cap_yen"]) == (
        None, None)


@pytest.mark.parametrize("price", [-1, 2**31, "abc", 1.5])
def test_bad_price_is_422(coordinator, installed, price):
    resp = coordinator.post("/packs", json=pack_payload(price_yen=price))
    assert resp.status_code == 422 and "price_yen" in resp.get_json()["errors"]


@pytest.fixture
def page_client(app, make_user):
    email, _ = make_user("coordinator", "proof-pages@oxt.example.jp")
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


@pytest.mark.parametrize(("typed", "price"), [
    ("120000", 120_000),  # recorded as typed
    ("", None),  # optional
    ("-5", "refused"),  # not whole yen: flashed, nothing stored
    ("1.5", "refused"),
])
def test_pack_form_records_the_price(flow, page_client, coordinator, typed, price):
    form = {"product": "std3", "purchased_on": "2026-05-01", "received_on": "2026-05-02",
            "days": ["mon"], "start": "09:00", "end": "17:30", "price_yen": typed}
    html = page_client.post("/registration/devices/AK12345678/packs", data=form,
                            follow_redirects=True).get_data(True)
    packs = coordinator.get("/packs?serial=AK12345678").get_json()
    if price == "refused":
        assert packs == [] and "パック価格は0以上の整数（円）で入力してください。" in html
    else:
        assert [(p["price_yen"], p["liability_cap_yen"]) for p in packs] == [
            (price, price // 3 if price else None)]


@pytest.mark.parametrize(("price", "shown"), [
    (100_000, "20,000円（1年分相当のパック料金）"),  # std5: 100,000 ÷ 5
    (None, "1年分相当のパック料金（パック価格は未登録）"),
])
def test_completion_notice_shows_the_liability_cap(flow, page_client, price, shown):
    done = flow.registered(price_yen=price)
    html = page_client.get(f"/registration/packs/{done['pack_id']}/notice").get_data(True)
    assert "損害賠償の上限" in html and shown in html


def test_portal_shows_the_cap_of_the_covering_pack(flow, app, make_user, monkeypatch):
    flow.registered(price_yen=100_000)
    monkeypatch.setattr(clock, "today_tokyo", lambda: date(2026, 6, 1))
    make_user("site_manager", "sato@example.co.jp")  # the site's manager (factories)
    portal = app.test_client()
    portal.post("/login", data={"email": "sato@example.co.jp", "password": PASSWORD})
    html = portal.get("/customer/").get_data(True)
    assert "損害賠償の上限（1年分相当のパック料金）" in html
    assert 'class="liability-cap">20,000 円</td>' in html


@pytest.mark.parametrize(("proof", "shown"), [
    ("warranty_card", "購入日の根拠: 製品保証書"),
    ("receipt", "購入日の根拠: 領収書"),
    ("delivery_note", "購入日の根拠: 納品書"),
    (None, "購入日の根拠: 書類の記録なし"),
])
def test_device_records_and_shows_which_document_gave_its_purchase_date(
        coordinator, page_client, proof, shown):
    from factories import installed_device

    installed_device(coordinator, purchase_proof=proof)
    body = coordinator.get("/devices/AK12345678").get_json()
    assert (body["purchase_proof"], body["purchase_date_source"]) == (proof, "receipt")
    html = page_client.get("/registration/devices/AK12345678").get_data(True)
    assert shown in html


def test_factory_ship_date_is_shown_as_such(coordinator, page_client):
    from factories import installed_device

    # Seed: 購入日が特定できない場合…「OKIの工場出荷日」を「購入日」とさせて頂く.
    installed_device(coordinator, purchase_date=None, factory_ship_date="2026-03-01")
    body = coordinator.get("/devices/AK12345678").get_json()
    assert (body["purchase_date"], body["purchase_date_source"], body["purchase_proof"]) == (
        "2026-03-01", "factory_ship", None)
    html = page_client.get("/registration/devices/AK12345678").get_data(True)
    assert "（工場出荷日を購入日として使用）" in html and "購入日の根拠" not in html


def test_proof_without_a_purchase_date_is_refused(coordinator):
    from factories import installed_device

    ids = installed_device(coordinator, serial="AK00000001")
    resp = coordinator.post("/devices", json={
        "serial": "AK00000002", "model_code": "C844dnw", "site_id": ids["site_id"],
        "factory_ship_date": "2026-03-01", "purchase_proof": "receipt"})
    assert resp.status_code == 422 and "purchase_proof" in resp.get_json()["errors"]
