"""The work report on the tablet: fill in, hand over, sign with a finger; offline and refusal.

Chromium drives the real pages; the signature is drawn with pointer events on the canvas.
"""

from __future__ import annotations

from browser_steps import TECH, _draw_signature, _fill_report, _login, _setup
from conftest import TEST_ACTOR
from playwright.sync_api import expect
from sqlalchemy import func, select

from dispatch.extensions import db
from dispatch.models import ReportSubmission, Visit
from dispatch.models import WorkReport as ReportRow
from dispatch.services.accounts import users
from dispatch.services.reporting.verify import verify_report
from dispatch.services.unit_of_work import unit_of_work


def test_technician_fills_in_manager_signs_pdf_downloads_and_verifies(app, page, browser,
                                                                      live_server):
    visit_id = _setup(app, ("technician", "tanaka@oxt.example.jp"))
    _login(page, TECH)
    _fill_report(page, visit_id)
    page.click("text=保存して署名へ")
    assert page.locator("#sign-step").is_visible()
    assert "給紙ローラーを交換しました。" in page.locator("#summary").inner_text()
    _draw_signature(page)
    page.click("#pad-sign")
    page.wait_for_url("**/done")
    assert page.locator("#verify-state").inner_text() == "封印の検証: 正常"
    with page.expect_download() as download:
        page.click("#pdf-link")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    report_id = int(page.url.split("/reports/")[1].split("/")[0])
    with app.app_context(), unit_of_work():  # stored for the server
        token = users.create_token(TECH, TEST_ACTOR)
        assert db.session.get(Visit, visit_id).status == "done"
    verify = page.request.get(f"/api/v1/reports/{report_id}/verify",
                              headers={"Authorization": f"Bearer {token}"})
    assert verify.json() == {"valid": True, "problems": [], "erased": []}

    other = browser.new_context(base_url=live_server, locale="ja-JP").new_page()
    _login(other, "tanaka@oxt.example.jp")
    assert other.goto(f"/reports/{report_id}/done").status == 404
    assert other.goto(f"/visits/{visit_id}/report").status == 404
    other.context.close()


def test_offline_draft_and_signature_sync_once_when_the_network_returns(app, page):
    visit_id = _setup(app)
    _login(page, TECH)
    _fill_report(page, visit_id)
    page.context.set_offline(True)
    page.click("text=保存して署名へ")
    _draw_signature(page)
    page.click("#pad-sign")
    assert page.locator("#sync-list li").count() == 2
    assert "オフライン" in page.locator("#net-state").inner_text()
    with app.app_context():
        assert db.session.scalar(select(func.count(ReportRow.id))) == 0
    page.context.set_offline(False)
    page.wait_for_url("**/done")
    assert page.locator("#verify-state").inner_text() == "封印の検証: 正常"
    page.wait_for_timeout(500)  # let any stray retry arrive before counting
    with app.app_context():
        rows = db.session.scalars(select(ReportRow)).all()
        assert [(r.status, r.chain_index) for r in rows] == [("signed", 1)]
        assert db.session.scalar(select(func.count(ReportSubmission.id))) == 2
    assert page.evaluate("localStorage.getItem('dispatch.reportQueue.v1')") == "[]"


def test_site_manager_refuses_and_the_job_stays_open(app, page):
    visit_id = _setup(app)
    _login(page, TECH)
    _fill_report(page, visit_id, result="follow_up")
    page.click("text=保存して署名へ")
    page.click("#show-refusal")
    page.fill("#refusal_reason", "作業内容の説明が不十分")
    page.click("#confirm-refusal")
    page.wait_for_selector("text=署名拒否: 作業内容の説明が不十分")
    with app.app_context():
        row = db.session.scalar(select(ReportRow))
        assert (row.status, row.refusal_reason) == ("refused", "作業内容の説明が不十分")
        assert db.session.get(Visit, visit_id).status == "arrived"


def test_empty_signature_is_not_sent(app, page):
    visit_id = _setup(app)
    _login(page, TECH)
    _fill_report(page, visit_id)
    page.click("text=保存して署名へ")
    # Wait until the draft has reached the server, so no request outlives the test.
    page.wait_for_selector("#sync-list li", state="detached")
    page.click("#pad-sign")
    assert page.get_by_role("alert").filter(has_text="署名が空です。").is_visible()
    with app.app_context():
        assert db.session.scalar(select(ReportRow.status)) == "draft"


def test_portrait_tablet_keeps_large_targets(app, page):
    visit_id = _setup(app)
    page.set_viewport_size({"width": 800, "height": 1280})
    _login(page, TECH)
    _fill_report(page, visit_id)
    for selector in ("#save-draft", "button[type=submit].primary-action", "#add-part"):
        assert page.locator(selector).bounding_box()["height"] >= 48
    page.click("text=保存して署名へ")
    page.wait_for_selector("#sync-list li", state="detached")  # the draft reached the server
    canvas = page.locator("#signature-pad")
    ratio = page.evaluate("window.devicePixelRatio")
    box = canvas.bounding_box()
    assert canvas.evaluate("c => c.width") == round(box["width"] * ratio)


def test_invalid_draft_shows_the_field_errors_on_the_form_in_japanese(app, page):
    visit_id = _setup(app)
    _login(page, TECH)
    page.goto(f"/visits/{visit_id}/report")
    page.fill("#arrived_at", "2026-11-26T11:20")
    page.fill("#departed_at", "2026-11-26T10:05")
    page.click("text=保存して署名へ")
    error = page.locator("#form-error")
    error.wait_for()
    # Checked on the device before anything is queued: departure after arrival (rules.md §7).
    assert error.inner_text() == ("入力内容を確認してください。 "
                                  "退出日時: 到着日時より後にしてください。")
    page.fill("#departed_at", "2026-11-26T11:40")
    page.fill("#attendee_name", "")
    page.click("text=保存して署名へ")
    # The draft goes through the offline queue to the server and back: allow for a busy CI.
    # A locator wait, not wait_for_function: a string predicate is evaluated with eval() once
    # the first check fails, which the pages' CSP forbids (it failed so on PostgreSQL).
    expect(error).to_contain_text("作業内容", timeout=30_000)
    text = error.inner_text()
    # The server's field errors, labelled and worded in Japanese (no raw keys or English).
    assert "作業内容: 入力してください。" in text
    assert "立会者（設置場所の責任者）: 入力してください。" in text
    assert "attendee_name" not in text and "is required" not in text
    assert page.locator("#report-form").is_visible()


def test_absent_site_manager_signs_through_the_one_time_link(app, page, browser, live_server):
    visit_id = _setup(app)
    _login(page, TECH)
    _fill_report(page, visit_id)
    page.click("#save-draft")
    page.wait_for_selector("#sync-list li", state="detached")
    page.reload()
    page.click("text=リモート署名リンクを発行")
    url = page.locator("#signing-url").input_value()
    remote = browser.new_context(base_url=live_server, locale="ja-JP").new_page()
    remote.goto(url)
    assert "給紙ローラーを交換しました。" in remote.locator("main").inner_text()
    _draw_signature(remote)
    remote.click("#pad-sign")
    remote.locator("#remote-done").wait_for()
    assert remote.locator("#remote-done").inner_text() == "ご対応ありがとうございました。"
    assert remote.goto(url).status == 410  # used once: "already signed", not a bare 404
    assert "この作業報告票は署名済みです" in remote.inner_text("h1")
    remote.context.close()
    with app.app_context():
        row = db.session.scalar(select(ReportRow))
        assert row.status == "signed"
        assert verify_report(row)["valid"] is True


def test_a_reopened_draft_keeps_its_photos_by_hash_and_the_technician_edits_them(app, page):
    """rules.md §7: a draft's photos come back on the form; re-saving sends their hashes,
    not the images again, and a kind changed or a photo removed on the tablet is saved."""
    from reporting_rows import photo_jpeg, photo_url, report_payload

    from dispatch.domain.roles import Role
    from dispatch.models import ReportPhoto
    from dispatch.services.reporting import reports
    from dispatch.services.trust.audit import Actor

    visit_id = _setup(app)
    with app.app_context(), unit_of_work():  # stored for the server
        reports.save_report(visit_id, report_payload(photos=[
            {"kind": "before", "image": photo_url(photo_jpeg(shade=20))},
            {"kind": "after", "image": photo_url(photo_jpeg(shade=220))}]),
            Actor(label="desk", role=Role.COORDINATOR))
        kept = db.session.scalars(select(ReportPhoto.sha256).order_by(ReportPhoto.position)).all()
    _login(page, TECH)
    page.goto(f"/visits/{visit_id}/report")
    items = page.locator("#photo-list .photo-item")
    assert items.count() == 2 and page.inner_text("#photo-count") == "2／6枚"
    # The stored thumbnails load from the server.
    assert items.nth(0).locator("img").evaluate("img => img.complete && img.naturalWidth") == 320
    items.nth(0).locator(".remove-photo").click()
    page.locator("#photo-list .photo-kind").select_option("error_panel")
    with page.expect_response(lambda r: r.request.method == "PUT") as answer:
        page.click("#save-draft")
    sent = answer.value.request.post_data_json["photos"]
    assert sent == [{"kind": "error_panel", "sha256": kept[1]}]
    assert answer.value.status == 200
    with app.app_context():
        assert [(p.kind, p.sha256) for p in db.session.scalars(select(ReportPhoto))] == [
            ("error_panel", kept[1])]


def test_a_draft_too_large_for_the_tablets_storage_says_so_and_keeps_the_queue(app, page):
    """The queue lives in localStorage (about 5.2 million characters in Chromium); a draft
    with photos that does not fit is refused on the spot with a message, never lost quietly."""
    visit_id = _setup(app)
    _login(page, TECH)
    _fill_report(page, visit_id)
    page.context.set_offline(True)  # the draft would have to wait on the device
    # Other data fills the device's storage up to a few hundred characters: less room than
    # one draft needs (a draft with photos needs far more than one without).
    page.evaluate("""() => { let lo = 0, hi = 6000000;
        while (hi - lo > 50) { const mid = (lo + hi) >> 1;
            try { localStorage.setItem("filler", "x".repeat(mid)); lo = mid; }
            catch (e) { hi = mid; } }
        localStorage.setItem("filler", "x".repeat(lo - 300)); }""")
    page.click("#save-draft")
    assert "端末の保存容量が足りないため" in page.inner_text("#form-error")
    assert page.evaluate("() => localStorage.getItem('dispatch.reportQueue.v1')") in (None, "[]")
    assert page.locator("#sync-list li").count() == 0
