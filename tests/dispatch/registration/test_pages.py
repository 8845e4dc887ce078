"""Coordinator registration pages: device picture, forms with live advice, queue, notice."""

from __future__ import annotations

from datetime import date

import pytest
from registration_factories import pack_payload

from dispatch.services.registration.lifecycle import run_daily_jobs

PASSWORD = "correct horse battery"


@pytest.fixture
def page_client(app, make_user):
    email, _ = make_user("coordinator", "pages@oxt.example.jp")
    client = app.test_client()
    resp = client.post("/login", data={"email": email, "password": PASSWORD})
    assert resp.status_code == 302
    return client


def test_device_page_draws_the_timeline_in_japanese(flow, page_client):
    flow.registered()
    html = page_client.get("/registration/devices/AK12345678?on=2026-06-01").get_data(True)
    assert "<svg" in html and "無償保証" in html and "5年パック（登録済）" in html
    assert "装置寿命 2033-04-09" in html and "本日 2026-06-01" in html
    assert "<script>" not in html  # JS only from static files (CSP)


def test_live_advice_gives_japanese_reasons(flow, page_client):
    resp = page_client.get("/registration/devices/AK12345678/check?product=std1&on=2026-10-10")
    body = resp.get_json()
    assert body["eligible"] is False and body["codes"] == ["STANDARD_PACK_WINDOW_CLOSED"]
    assert body["messages"] == [
        "スタンダードパックは製品購入日から6か月以内にご購入いただく必要があります。"]
    ok = page_client.get("/registration/devices/AK12345678/check?product=std1&on=2026-10-09")
    assert ok.get_json()["coverage_end"] == "2027-04-09"


def test_pack_form_records_a_pack_and_shows_refusals(flow, coordinator, page_client):
    form = {"product": "std3", "purchased_on": "2026-05-01", "received_on": "2026-05-02",
            "days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:30",
            "closed_on_holidays": "1", "closed_year_end": "1"}
    resp = page_client.post("/registration/devices/AK12345678/packs", data=form,
                            follow_redirects=True)
    assert "パックを登録しました。" in resp.get_data(True)
    late = {**form, "purchased_on": "2026-12-01", "received_on": "2026-12-02"}
    resp = page_client.post("/registration/devices/AK12345678/packs", data=late,
                            follow_redirects=True)
    assert "6か月以内" in resp.get_data(True)


def test_application_form_needs_all_consents(flow, page_client):
    pack = flow.pack()
    resp = page_client.post(f"/registration/packs/{pack['id']}/apply",
                            data={"channel": "web", "applied_on": "2026-05-10",
                                  "service_spec": "1"}, follow_redirects=True)
    assert "すべてに同意が必要です" in resp.get_data(True)


@pytest.mark.parametrize(("quoted", "shown"), [
    # 延長パック使用説明書 §3-1 ＜ご注意＞: the ID of the pack in use is needed (SPEC §4)
    (None, "サポートパックIDがこの製品のシリアル番号と一致しません。"),
    # quoted as read off the sticker, in lower case: accepted
    ("current", "申請を受け付けました。"),
])
def test_extension_application_form_asks_for_the_current_support_pack_id(flow, page_client,
                                                                         quoted, shown):
    current = flow.registered()["support_pack_id"]
    ext = flow.pack(product="ext1", purchased_on="2026-06-01")
    html = page_client.get("/registration/devices/AK12345678?on=2026-06-02").get_data(True)
    assert 'name="current_support_pack_id"' in html
    data = {"channel": "web", "applied_on": "2026-06-05", "service_spec": "1", "privacy": "1",
            "antisocial_declaration": "1"}
    if quoted:
        data["current_support_pack_id"] = current.lower()
    resp = page_client.post(f"/registration/packs/{ext['id']}/apply", data=data,
                            follow_redirects=True)
    assert shown in resp.get_data(True)


def test_queue_lists_breaches_lapsing_inquiries_and_void_soon(flow, coordinator, page_client):
    breach = flow.pack()
    flow.apply(breach["id"], "2026-05-08")
    flow.pack(product="std3")  # never applied: void on 2027-05-01
    run_daily_jobs(date(2026, 5, 20))
    html = page_client.get("/registration/queue?on=2026-05-20").get_data(True)
    assert "期限 2026-05-19" in html  # the SLA due date of the breached application
    html = page_client.get("/registration/queue?on=2027-04-20").get_data(True)
    assert "無効日 2027-05-01" in html


def test_notice_page_and_pdf(flow, page_client):
    done = flow.registered()
    html = page_client.get(f"/registration/packs/{done['pack_id']}/notice").get_data(True)
    assert "登録処理完了について（御通知）" in html and done["support_pack_id"] in html
    pdf = page_client.get(f"/registration/packs/{done['pack_id']}/sticker.pdf")
    assert pdf.mimetype == "application/pdf"


def test_pages_are_for_staff_only(app, make_user, installed):
    email, _ = make_user("technician", "tech@oxt.example.jp")
    client = app.test_client()
    client.post("/login", data={"email": email, "password": PASSWORD})
    assert client.get("/registration/queue").status_code == 403


def test_pack_recorded_through_the_api_shows_on_the_device_page_as_purchased(
        coordinator, installed, page_client):
    resp = coordinator.post("/packs", json=pack_payload(product="std5"))
    assert resp.status_code == 201, resp.get_json()
    html = page_client.get("/registration/devices/AK12345678?on=2026-06-01").get_data(True)
    # Bought 2026-05-01 for a device bought 2026-04-10: std5 runs from the device purchase.
    assert "5年パック（購入済） 2026-04-10〜2031-04-09" in html
    # The packs table labels product and status from the catalogue, never the raw values.
    assert "<td>5年パック</td>" in html and "<td>購入済" in html
    assert "<td>std5</td>" not in html and "<td>purchased" not in html


def test_device_page_in_english_labels_pack_and_status_in_english(
        coordinator, installed, page_client):
    assert coordinator.post("/packs", json=pack_payload(product="std5")).status_code == 201
    page_client.get("/lang/en")
    html = page_client.get("/registration/devices/AK12345678?on=2026-06-01").get_data(True)
    assert "5-year pack（Purchased） 2026-04-10〜2031-04-09" in html
    assert "<td>5-year pack</td>" in html and "<td>Purchased" in html


def test_inquiry_answer_and_refusal_forms(flow, coordinator, page_client):
    pack = flow.pack()
    app_id = flow.apply(pack["id"], "2026-05-10")
    html = page_client.post(f"/registration/applications/{app_id}/inquiries",
                            data={"sent_on": "2026-05-12", "question": "住所の確認"},
                            follow_redirects=True).get_data(True)
    assert "照会を記録しました。" in html and "住所の確認" in html
    iid = coordinator.post(f"/applications/{app_id}/inquiries",
                           json={"sent_on": "2026-05-13", "question": "?"}).get_json()["id"]
    first = iid - 1
    for inquiry_id in (first, iid):
        page_client.post(f"/registration/applications/{app_id}/inquiries/{inquiry_id}/answer",
                         data={"answered_on": "2026-05-14"})
    assert coordinator.get(f"/packs/{pack['id']}").get_json()["status"] == "applied"
    html = page_client.post(f"/registration/packs/{pack['id']}/refusal",
                            data={"note": "転売品"}, follow_redirects=True).get_data(True)
    assert "パックを謝絶しました。" in html
    assert coordinator.get(f"/packs/{pack['id']}").get_json()["status"] == "refused"
