"""Each role's journey end to end on its own device, in Chromium (issue 17).

The technician on a tablet from the stop list through the report, signing (with the network
cut in the middle) and done; the site manager on a 390×844 phone signing through the
one-time link, reopening it, landing on the portal and opening the PDF's verify URL with no
login, and seeing the follow-up visit a follow_up report created; the administrator erasing
a customer through the confirmation step.

Set DISPATCH_SCREENSHOTS=<folder> to keep screenshots of the pages (docs/screenshots/ is
made that way).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from browser_steps import _draw_signature, _login
from conftest import PASSWORD, TEST_ACTOR
from pypdf import PdfReader
from reporting_rows import make_visit, report_payload
from sqlalchemy import func, select

from dispatch.domain.roles import Role
from dispatch.extensions import db
from dispatch.models import Customer, ReportSubmission, Visit
from dispatch.models import WorkReport as ReportRow
from dispatch.services.accounts import users
from dispatch.services.reporting import reports as reporting
from dispatch.services.reporting import signing_links
from dispatch.services.trust.audit import Actor
from dispatch.services.unit_of_work import unit_of_work

TECH = "suzuki@oxt.example.jp"
MANAGER = "sato@example.co.jp"
ADMIN = "admin@oxt.example.jp"
DESK = Actor(label="test coordinator", role=Role.COORDINATOR)
PHONE = {"width": 390, "height": 844}
# The visit's day, 2026-11-26 (Thursday): arrival tapped at 10:00 JST, signing at 12:05 JST.
ARRIVAL = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)
SIGNING = datetime(2026, 11, 26, 3, 5, tzinfo=UTC)
TABLET_NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)  # the tablet's own clock, 12:00 JST


def _shot(page, name: str, full_page: bool = True) -> None:
    folder = os.environ.get("DISPATCH_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=full_page)


def _horizontal_overflow(page) -> int:
    """Pixels the page is wider than the screen (0: no sideways scrolling)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.fixture
def server_clock(monkeypatch):
    """The server's clock, moved by the test as the day goes on."""
    now = {"at": ARRIVAL}
    monkeypatch.setattr("dispatch.clock.now", lambda: now["at"])
    return now


def _planned_visit(app) -> int:
    with app.app_context(), unit_of_work():  # stored for the server
        ids = make_visit()
        visit = db.session.get(Visit, ids.visit_id)
        visit.status, visit.eta = "planned", datetime(2026, 11, 26, 0, 45, tzinfo=UTC)
        db.session.get(Customer, visit.call.device.site.customer_id).phone = "03-1234-5678"
        users.add_user(TECH, "technician", PASSWORD, TEST_ACTOR)
        return ids.visit_id


@pytest.mark.parametrize("viewport", [
    {"width": 1280, "height": 800},  # landscape tablet
    {"width": 800, "height": 1280},  # portrait tablet
], ids=["landscape", "portrait"])
def test_technician_from_the_stop_list_through_signing_to_done(app, browser, live_server,
                                                               server_clock, viewport):
    visit_id = _planned_visit(app)
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", viewport=viewport,
                                  base_url=live_server)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.clock.set_fixed_time(TABLET_NOW)
    tag = "landscape" if viewport["width"] > viewport["height"] else "portrait"
    _login(page, TECH)
    page.wait_for_url("**/tablet")
    stop = page.locator(f"li[data-visit='{visit_id}']")
    # The customer's contact is on the card: phone (tap to call) and the site manager.
    assert stop.locator("a.tel").get_attribute("href") == "tel:0312345678"
    assert "佐藤 花子" in stop.locator(".contact").inner_text()
    _shot(page, f"tablet-{tag}-stops", full_page=False)
    page.locator("nav.bottom-actions button.arrived").click()
    page.wait_for_selector(f"li[data-visit='{visit_id}'][data-status='arrived']")
    # rules.md §7: no "done" until the report is signed or refused, and the card says why.
    assert page.locator("button.done").count() == 0
    assert "署名（または署名拒否の記録）の後に押せます" in stop.inner_text()

    stop.locator("a.report").click()
    page.wait_for_url(f"**/visits/{visit_id}/report")
    # Arrival from the "arrived" tap (10:00), departure from the tablet's clock (12:00).
    assert page.input_value("#arrived_at") == "2026-11-26T10:00"
    assert page.input_value("#departed_at") == "2026-11-26T12:00"
    page.fill("#work_done", "給紙ローラーを交換し、印刷テストで正常動作を確認しました。")
    page.click("#add-part")
    page.fill("#parts .part-no", "45531503")
    page.select_option("#parts .part-condition", "recycled")
    page.fill("#counter_reading", "123456")
    _shot(page, f"tablet-{tag}-report-form")

    server_clock["at"] = SIGNING
    context.set_offline(True)  # the network drops in the middle of the job
    page.click("text=保存して署名へ")
    summary = page.locator("#summary").inner_text()
    # Everything sealed is listed under its label, in Japanese, no raw values.
    for text in ("到着日時", "2026-11-26 10:00", "退出日時", "2026-11-26 12:00", "解決",
                 "45531503 × 1 (リサイクル品, 未回収)", "なし", "123456", "佐藤 花子",
                 "データ・ソフトウェアを工場出荷状態に初期化した"):
        assert text in summary, text
    assert "resolved" not in summary and "recycled" not in summary
    _draw_signature(page)
    _shot(page, f"tablet-{tag}-signing")
    page.click("#pad-sign")
    assert page.locator("#sync-list li").count() == 2  # draft and signature wait on the device
    assert "オフライン" in page.locator("#net-state").inner_text()
    context.set_offline(False)
    page.wait_for_url("**/done")
    assert page.locator("#verify-state").inner_text() == "封印の検証: 正常"
    _shot(page, f"tablet-{tag}-done", full_page=False)
    page.click("#back-to-stops")
    page.wait_for_url("**/tablet")
    page.wait_for_selector(f"li[data-visit='{visit_id}'][data-status='done']")
    with app.app_context():
        assert db.session.scalar(select(func.count(ReportSubmission.id))) == 2  # once each
        row = db.session.scalar(select(ReportRow))
        assert (row.status, row.content["arrived_at"], row.content["departed_at"]) == (
            "signed", "2026-11-26T10:00:00+09:00", "2026-11-26T12:00:00+09:00")
    context.close()


def _camera_photo(path: Path, size: tuple[int, int], colour: tuple[int, int, int]) -> Path:
    """A test image as a camera saves it: large, JPEG, a pattern the eye can tell apart."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    for x in range(0, size[0], 200):
        draw.rectangle([x, 0, x + 90, size[1]], fill=(250, 250, 250))
    draw.ellipse([size[0] // 3, size[1] // 3, size[0] // 2, size[1] // 2], fill=(20, 20, 20))
    image.save(path, format="JPEG", quality=92)
    return path


def test_technician_reports_with_photos_signs_and_the_seal_covers_them(
        app, browser, live_server, server_clock, make_user, tmp_path):
    """rules.md §7: photos taken on the tablet are resized there, queued offline with the
    report, sealed with it (their hashes in the sealed content) and printed in the PDF."""
    visit_id = _planned_visit(app)
    before = _camera_photo(tmp_path / "before.jpg", (3200, 2400), (40, 90, 160))
    panel = _camera_photo(tmp_path / "panel.jpg", (2400, 3200), (200, 60, 40))
    extra = _camera_photo(tmp_path / "extra.jpg", (800, 600), (60, 160, 60))
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo",
                                  viewport={"width": 1280, "height": 800}, base_url=live_server)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.clock.set_fixed_time(TABLET_NOW)
    _login(page, TECH)
    page.wait_for_url("**/tablet")
    page.locator("nav.bottom-actions button.arrived").click()
    page.wait_for_selector(f"li[data-visit='{visit_id}'][data-status='arrived']")
    page.locator(f"li[data-visit='{visit_id}'] a.report").click()
    page.wait_for_url(f"**/visits/{visit_id}/report")
    page.fill("#work_done", "エラー表示を確認し、定着器を交換しました。")
    assert page.inner_text("#photo-count") == "0／6枚"
    page.set_input_files("#photo-input", [str(before), str(panel), str(extra)])
    page.locator("#photo-list .photo-item").nth(2).wait_for()  # resized one after the other
    page.locator("#photo-list .photo-item").nth(2).locator(".remove-photo").click()
    page.locator("#photo-list .photo-item").nth(1).locator(".photo-kind").select_option(
        "error_panel")
    assert page.inner_text("#photo-count") == "2／6枚"
    kinds = page.locator("#photo-list .photo-kind").evaluate_all(
        "els => els.map(e => e.selectedOptions[0].textContent.trim())")
    assert kinds == ["作業前", "エラー表示"]
    page.locator("#photos").scroll_into_view_if_needed()
    _shot(page, "tablet-report-photos", full_page=False)

    server_clock["at"] = SIGNING
    context.set_offline(True)  # the photos wait on the tablet with the report
    page.click("text=保存して署名へ")
    # Resized on the device: the queued draft holds 1600 px JPEGs, upright as taken.
    sizes = page.evaluate("""async () => {
        const queue = JSON.parse(localStorage.getItem("dispatch.reportQueue.v1"));
        return Promise.all(queue[0].body.photos.map(async (photo) => {
            const img = new Image(); img.src = photo.image; await img.decode();
            return [photo.kind, photo.image.slice(0, 23), img.naturalWidth, img.naturalHeight];
        }));
    }""")
    assert sizes == [["before", "data:image/jpeg;base64,", 1600, 1200],
                     ["error_panel", "data:image/jpeg;base64,", 1200, 1600]]
    summary = page.locator("#summary")
    assert summary.locator(".summary-photos figure").count() == 2
    assert "1. 作業前" in summary.inner_text() and "2. エラー表示" in summary.inner_text()
    _draw_signature(page)
    page.locator("#summary .summary-photos").scroll_into_view_if_needed()
    _shot(page, "tablet-signing-photos", full_page=False)
    page.click("#pad-sign")
    assert page.locator("#sync-list li").count() == 2
    context.set_offline(False)
    page.wait_for_url("**/done")
    assert page.locator("#verify-state").inner_text() == "封印の検証: 正常"
    with page.expect_download() as download:
        page.click("#pdf-link")
    pdf = Path(download.value.path()).read_bytes()
    context.close()

    # The outcome through the API: photo hashes in the sealed content, the seal valid.
    with app.app_context():
        _, token = make_user("coordinator", "desk@oxt.example.jp")
    api = app.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    with app.app_context():
        row = db.session.scalar(select(ReportRow))
        sealed_photos = row.content["photos"]
    report = api.get(f"/api/v1/reports/{row.id}", headers=auth).get_json()
    assert [(p["position"], p["kind"]) for p in report["photos"]] == [
        (1, "before"), (2, "error_panel")]
    assert sealed_photos == [{"kind": p["kind"], "sha256": p["sha256"]} for p in report["photos"]]
    for photo in report["photos"]:
        served = api.get(photo["url"], headers=auth).data
        assert hashlib.sha256(served).hexdigest() == photo["sha256"]
    assert api.get(f"/api/v1/reports/{row.id}/verify", headers=auth).get_json() == {
        "valid": True, "problems": [], "erased": []}

    # The PDF prints both photos beside the signature, with their kinds in Japanese.
    reader = PdfReader(io.BytesIO(pdf))
    assert sum(len(page.images) for page in reader.pages) == 3
    text = "".join("".join(page.extract_text() for page in reader.pages).split())
    assert "写真1撮影区分：作業前" in text and "写真2撮影区分：エラー表示" in text
    (tmp_path / "report.pdf").write_bytes(pdf)
    if shutil.which("pdfimages"):
        listing = subprocess.run(["pdfimages", "-list", str(tmp_path / "report.pdf")],
                                 capture_output=True, text=True, check=True).stdout
        assert sum(" jpeg " in line for line in listing.splitlines()) == 2, listing
    if os.environ.get("DISPATCH_SCREENSHOTS"):
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                        str(tmp_path / "report.pdf"),
                        str(Path(os.environ["DISPATCH_SCREENSHOTS"]) / "pdf-photos")],
                       check=True)


def _draft_with_link(app) -> str:
    with app.app_context(), unit_of_work():  # stored for the server
        ids = make_visit()
        reporting.save_report(ids.visit_id, report_payload(exclusion_cause=None), DESK)
        users.add_user(MANAGER, "site_manager", PASSWORD, TEST_ACTOR)
        row = db.session.scalar(select(ReportRow))
        return signing_links.create_link(row.id, DESK)


def _phone(browser, live_server):
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", viewport=PHONE,
                                  is_mobile=True, has_touch=True, device_scale_factor=2,
                                  base_url=live_server)
    context.set_default_timeout(10_000)
    return context


def test_site_manager_signs_on_a_phone_reopens_the_link_and_verifies_the_pdf(
        app, browser, live_server, tmp_path):
    token = _draft_with_link(app)
    phone = _phone(browser, live_server)
    page = phone.new_page()
    page.goto(f"/sign/{token}")
    assert _horizontal_overflow(page) <= 0
    assert "給紙ローラーを交換し" in page.locator("dl.summary").first.inner_text()
    _shot(page, "phone-signing")
    _draw_signature(page)
    page.click("#pad-sign")
    page.wait_for_selector("#remote-done", state="visible")

    # Reopened, the used link explains itself instead of a bare 404.
    response = page.goto(f"/sign/{token}")
    assert response.status == 410
    assert page.locator("#link-state").get_attribute("data-state") == "signed"
    assert "この作業報告票は署名済みです" in page.inner_text("h1")
    assert _horizontal_overflow(page) <= 0
    _shot(page, "phone-link-used")

    _login(page, MANAGER)  # "/" leads straight to the portal
    page.wait_for_url("**/customer/")
    assert _horizontal_overflow(page) <= 0
    # Under 600 px the table is a list of cards: no visible header row, labelled cells.
    assert not page.locator("#signed-reports thead").is_visible() or \
        page.locator("#signed-reports thead").bounding_box()["height"] <= 1
    assert page.locator("#signed-reports td[data-label='署名日時']").count() == 1
    _shot(page, "phone-portal")
    with page.expect_download() as download:
        page.click("#signed-reports a[download]")
    pdf = Path(download.value.path()).read_bytes()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")
    verify_url = re.search(r"http://127\.0\.0\.1:\d+/verify/[0-9a-f]{64}", text).group(0)
    if os.environ.get("DISPATCH_SCREENSHOTS"):
        (tmp_path / "report.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                        str(tmp_path / "report.pdf"),
                        str(Path(os.environ["DISPATCH_SCREENSHOTS"]) / "pdf-page-1")],
                       check=True)
    phone.close()

    anonymous = _phone(browser, live_server)  # the customer who got the PDF, not logged in
    page = anonymous.new_page()
    assert page.goto(verify_url).status == 200
    assert page.locator("#verify-result").get_attribute("data-valid") == "true"
    assert "署名後に改ざんされていません" in page.inner_text("#verify-result")
    assert _horizontal_overflow(page) <= 0
    _shot(page, "phone-verify")
    anonymous.close()


def test_site_manager_signs_a_follow_up_and_the_portal_shows_the_next_visit(
        app, browser, live_server, server_clock):
    # Signed at 12:05 JST on Thursday 2026-11-26 with result follow_up: the pack works
    # Mon–Fri, so the follow-up visit is on Friday 2026-11-27 (rules.md §7).
    server_clock["at"] = SIGNING
    with app.app_context(), unit_of_work():
        ids = make_visit()
        reporting.save_report(ids.visit_id, report_payload(result="follow_up"), DESK)
        users.add_user(MANAGER, "site_manager", PASSWORD, TEST_ACTOR)
        token = signing_links.create_link(db.session.scalar(select(ReportRow.id)), DESK)
    phone = _phone(browser, live_server)
    page = phone.new_page()
    page.goto(f"/sign/{token}")
    _draw_signature(page)
    page.click("#pad-sign")
    page.wait_for_selector("#remote-done", state="visible")

    _login(page, MANAGER)
    page.wait_for_url("**/customer/")
    with app.app_context():
        follow = db.session.scalar(select(Visit).where(Visit.follow_up_of_id == ids.visit_id))
        report_id = db.session.scalar(select(ReportRow.id))
    row = page.locator(f"#follow-up-{follow.id}")
    assert "2026年11月27日（金）" in row.inner_text()
    assert row.locator(".follow-up-stage").inner_text() == "訪問日決定・技術者調整中"
    assert "継続訪問" in page.locator(f"#report-{report_id}").inner_text()
    assert _horizontal_overflow(page) <= 0

    # The desk puts it on a route with a 10:40 ETA: the portal says so, with the window.
    with app.app_context(), unit_of_work():
        visit = db.session.get(Visit, follow.id)
        visit.technician_id, visit.status = ids.technician_id, "planned"
        visit.eta = datetime(2026, 11, 27, 1, 40, tzinfo=UTC)
    page.reload()
    assert row.locator(".follow-up-stage").inner_text() == "技術者手配済み"
    assert row.locator(".follow-up-window").inner_text() == "10:30–12:30"
    # The follow-up's card names the report it follows; the link leads to that report's card.
    row.locator("a[href^='#report-']").click()
    assert page.evaluate("location.hash") == f"#report-{report_id}"
    assert _horizontal_overflow(page) <= 0
    _shot(page, "phone-portal-follow-up")
    phone.close()


def test_administrator_erases_a_customer_only_after_typing_the_name(app, browser,
                                                                    live_server):
    with app.app_context(), unit_of_work():  # stored for the server
        ids = make_visit()
        users.add_user(ADMIN, "admin", PASSWORD, TEST_ACTOR)
        customer_id = db.session.get(Visit, ids.visit_id).call.device.site.customer_id
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 800},
                                  base_url=live_server)
    page = context.new_page()
    page.set_default_timeout(10_000)
    _login(page, ADMIN)
    page.goto(f"/admin/customers/{customer_id}")
    form = page.locator("#erasure-form")
    form.locator("input.confirm-name").fill("株式会社テスト")  # not the whole name
    form.locator("button[type=submit]").click()
    assert "顧客名が一致しないため、処理しませんでした。" in page.inner_text("[role=alert]")
    with app.app_context():
        assert db.session.get(Customer, customer_id).erased_at is None
    form = page.locator("#erasure-form")
    form.locator("input.confirm-name").fill("株式会社テスト商事")
    page.evaluate("document.getElementById('erasure-form').previousElementSibling"
                  ".previousElementSibling"
                  ".scrollIntoView()")
    _shot(page, "admin-erasure-confirm", full_page=False)
    form.locator("button[type=submit]").click()
    assert "処理しました。" in page.inner_text("[role=status]")
    with app.app_context():
        customer = db.session.get(Customer, customer_id)
        assert (customer.name, customer.erased_at is not None) == ("消去済み", True)
    context.close()


def test_technician_starts_the_day_with_no_network_and_syncs_once(app, browser, live_server,
                                                                   server_clock):
    visit_id = _planned_visit(app)
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo",
                                  viewport={"width": 1280, "height": 800}, base_url=live_server)
    page = context.new_page()
    page.set_default_timeout(10_000)
    _login(page, TECH)
    page.wait_for_url("**/tablet")
    # The service worker keeps today's stop list and report forms (rules.md §7).
    page.wait_for_selector("#offline-day[data-state='ready']")
    context.set_offline(True)  # the next morning in a basement: no network at all
    page.goto("/tablet")
    assert page.locator(f"li[data-visit='{visit_id}']").is_visible()
    page.locator(f"li[data-visit='{visit_id}'] a.report").click()
    page.wait_for_url(f"**/visits/{visit_id}/report")
    page.fill("#arrived_at", "2026-11-26T10:05")
    page.fill("#departed_at", "2026-11-26T11:20")
    page.fill("#work_done", "給紙ローラーを交換しました。")
    server_clock["at"] = SIGNING
    page.click("text=保存して署名へ")
    _draw_signature(page)
    page.click("#pad-sign")
    assert page.locator("#sync-list li").count() == 2
    with app.app_context():
        assert db.session.scalar(select(func.count(ReportRow.id))) == 0
    context.set_offline(False)
    page.wait_for_url("**/done")
    page.wait_for_timeout(500)  # let any stray retry arrive before counting
    with app.app_context():
        assert [r.status for r in db.session.scalars(select(ReportRow))] == ["signed"]
        assert db.session.scalar(select(func.count(ReportSubmission.id))) == 2  # exactly once
    context.close()
