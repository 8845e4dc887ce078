"""Scanning instead of typing: the QR code printed on the sticker and the completion notice
holds the serial and the support pack ID; the call screen reads both from it, and the
technician's report screen reads it with the camera to confirm the device on site.

Set DISPATCH_SCREENSHOTS=<folder> to keep screenshots of the device check."""

from __future__ import annotations

import base64
import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from browser_steps import _login
from conftest import PASSWORD, TEST_ACTOR
from PIL import Image
from playwright.sync_api import Page
from reporting_rows import make_visit
from reportlab.graphics.barcode import qrencoder

from dispatch.services.accounts import users
from dispatch.services.unit_of_work import unit_of_work
from reports.qr import qr_svg
from reports.sticker import RegistrationNotice, render_notice_pdf, scan_payload

NOTICE = RegistrationNotice(
    customer_name="株式会社テスト商事", site_name="本社 3階", serial="AK20000001",
    model_name="COREFIDO C844dnw", product_label="5年パック", support_pack_id="SP-20000001",
    coverage_start=date(2026, 5, 19), coverage_end=date(2031, 4, 9),
    support_hours_label="月〜金 9:00〜17:30", repair_line="0120-000-000",
    issued_on=date(2026, 5, 19))

# A camera frame of one part of the printed page: [from, to] as fractions of its height.
DECODE = """async ([png, from, to]) => {
  const img = new Image();
  img.src = "data:image/png;base64," + png;
  await img.decode();
  const canvas = document.createElement("canvas");
  canvas.width = img.width; canvas.height = img.height;
  const ctx = canvas.getContext("2d");
  ctx.drawImage(img, 0, 0);
  const top = Math.round(img.height * from), height = Math.round(img.height * (to - from));
  return window.DispatchScan.decode(ctx.getImageData(0, top, img.width, height));
}"""


def _wait_for_scan_script(page: Page) -> None:
    # Polled from Python: wait_for_function with a string predicate falls back to eval(),
    # which the pages' CSP forbids, once its first check is false.
    deadline = time.monotonic() + 10
    while not page.evaluate("() => window.DispatchScan !== undefined"):
        assert time.monotonic() < deadline, "scan.js never loaded"
        page.wait_for_timeout(100)


def test_sticker_qr_code_fills_serial_and_pack_id_on_the_call_screen(app, page, tmp_path):
    with app.app_context(), unit_of_work():  # stored for the server
        users.add_user("scan@oxt.example.jp", "coordinator", PASSWORD, TEST_ACTOR)
    pdf = tmp_path / "notice.pdf"
    pdf.write_bytes(render_notice_pdf(NOTICE))
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-singlefile", str(pdf),
                    str(tmp_path / "notice")], check=True)
    png = base64.b64encode((tmp_path / "notice.png").read_bytes()).decode()
    _login(page, "scan@oxt.example.jp")
    page.goto("/intake/")
    _wait_for_scan_script(page)
    # The printed page decoded by the vendored decoder, as camera frames would be: the
    # notice's table (upper half) and the sticker (bottom) each carry both numbers.
    text = page.evaluate(DECODE, [png, 0.65, 1.0])
    assert text == "OKISP:SN=AK20000001;SP=SP-20000001"
    assert page.evaluate(DECODE, [png, 0.3, 0.6]) == text
    page.evaluate("t => DispatchScan.fill(document.querySelector('button.scan'), t)", text)
    assert (page.input_value("#serial"), page.input_value("#support_pack_id")) == (
        "AK20000001", "SP-20000001")


def test_signing_link_qr_code_decodes_to_the_link(app, page):
    with app.app_context(), unit_of_work():  # stored for the server
        users.add_user("scan@oxt.example.jp", "coordinator", PASSWORD, TEST_ACTOR)
    url = "http://127.0.0.1:5000/sign/" + "x" * 43  # a token's length
    svg = base64.b64encode(qr_svg(url, size_px=300).encode()).decode()
    _login(page, "scan@oxt.example.jp")
    page.goto("/intake/")
    _wait_for_scan_script(page)
    decoded = page.evaluate("""async (svg) => {
      const img = new Image();
      img.src = "data:image/svg+xml;base64," + svg;
      await img.decode();
      const canvas = document.createElement("canvas");
      canvas.width = 300; canvas.height = 300;
      const ctx = canvas.getContext("2d");
      ctx.drawImage(img, 0, 0, 300, 300);
      return window.DispatchScan.decode(ctx.getImageData(0, 0, 300, 300));
    }""", svg)
    assert decoded == url


# --- The technician's device check through a real (fake) camera -------------------------
# Chromium's fake capture device plays a Y4M file in a loop; the file is one still frame of
# the sticker's QR code, so the page reads it exactly as it would read a camera.

FRAME = (640, 480)


def _qr_frame(text: str) -> Image.Image:
    """A camera frame: the QR code (reportlab's encoder, as on the sticker) on white."""
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(text)
    code.make()
    count, module = code.getModuleCount(), 8
    frame = Image.new("L", FRAME, 255)
    left, top = (FRAME[0] - count * module) // 2, (FRAME[1] - count * module) // 2
    for row in range(count):
        for col in range(count):
            if code.isDark(row, col):
                frame.paste(0, (left + col * module, top + row * module,
                                left + (col + 1) * module, top + (row + 1) * module))
    return frame.convert("RGB")


# The browser fixture's flags that matter here (tests/browser/conftest.py), then the camera.
CAMERA_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run",
               "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]


def _shot(page, name: str) -> None:
    folder = os.environ.get("DISPATCH_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


def _y4m(path: Path, image: Image.Image, frames: int = 5) -> Path:
    """YUV4MPEG2, 4:2:0 (what --use-file-for-fake-video-capture plays)."""
    luma, blue, red = image.convert("YCbCr").split()
    half = (FRAME[0] // 2, FRAME[1] // 2)
    body = luma.tobytes() + blue.resize(half).tobytes() + red.resize(half).tobytes()
    header = f"YUV4MPEG2 W{FRAME[0]} H{FRAME[1]} F10:1 Ip A1:1 C420jpeg\n".encode()
    path.write_bytes(header + b"".join(b"FRAME\n" + body for _ in range(frames)))
    return path


@pytest.fixture
def visit_on_tablet(app) -> int:
    with app.app_context(), unit_of_work():  # stored for the server
        ids = make_visit(serial="AK10000001")
        users.add_user("suzuki@oxt.example.jp", "technician", PASSWORD, TEST_ACTOR)
        return ids.visit_id


@contextmanager
def _camera(browser, chromium_path, live_server, video: Path) -> Iterator[Page]:
    """A page in a Chromium whose camera films `video`."""
    camera = browser.browser_type.launch(
        executable_path=chromium_path, headless=True,
        args=[*CAMERA_ARGS, f"--use-file-for-fake-video-capture={video}"])
    try:
        context = camera.new_context(locale="ja-JP", timezone_id="Asia/Tokyo",
                                     viewport={"width": 1280, "height": 800},
                                     base_url=live_server)
        context.grant_permissions(["camera"])
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
    finally:
        camera.close()


def _scan_with_camera(browser, chromium_path, live_server, video: Path, visit_id: int,
                      shot: str = "") -> tuple[str | None, str, str]:
    with _camera(browser, chromium_path, live_server, video) as page:
        _login(page, "suzuki@oxt.example.jp")
        page.goto(f"/visits/{visit_id}/report")
        box = page.locator("#device-check")
        assert box.get_attribute("data-state") == "unchecked"
        engine = page.evaluate("DispatchScan.engine()")
        page.click("text=ステッカーを読み取る")
        page.wait_for_selector("#device-check:not([data-state='unchecked'])")
        assert page.locator(".scan-dialog").count() == 0  # the camera closed after the read
        if shot:
            box.scroll_into_view_if_needed()
            _shot(page, shot)
        result = box.locator(".device-check-result").inner_text()
        return box.get_attribute("data-state"), result, engine


def test_the_sticker_read_by_the_camera_confirms_the_visits_device(
        browser, chromium_path, live_server, visit_on_tablet, tmp_path):
    video = _y4m(tmp_path / "sticker.y4m",
                 _qr_frame(scan_payload("AK10000001", "SPAK10000001")))
    state, text, engine = _scan_with_camera(browser, chromium_path, live_server, video,
                                            visit_on_tablet, "tablet-device-check-confirmed")
    assert (state, text) == ("match", "製品確認済み（シリアル番号 AK10000001）")
    # Debian's chromium on Linux has no BarcodeDetector, so this pins the vendored jsQR
    # path; a chromium that gains it fails here, and the jsQR path then needs its own test.
    assert engine == "jsqr"


def test_the_call_screens_camera_fills_serial_and_pack_id(
        app, browser, chromium_path, live_server, tmp_path):
    with app.app_context(), unit_of_work():  # stored for the server
        users.add_user("scan@oxt.example.jp", "coordinator", PASSWORD, TEST_ACTOR)
    video = _y4m(tmp_path / "sticker.y4m", _qr_frame(scan_payload("AK20000001", "SP-20000001")))
    with _camera(browser, chromium_path, live_server, video) as page:
        _login(page, "scan@oxt.example.jp")
        page.goto("/intake/")
        page.click("button.scan")
        page.wait_for_selector(".scan-dialog", state="detached")
        assert (page.input_value("#serial"), page.input_value("#support_pack_id")) == (
            "AK20000001", "SP-20000001")


def test_another_devices_sticker_is_a_warning_naming_both_serials(
        browser, chromium_path, live_server, visit_on_tablet, tmp_path):
    video = _y4m(tmp_path / "other.y4m", _qr_frame(scan_payload("AK10000777", "SPAK10000777")))
    state, text, _ = _scan_with_camera(browser, chromium_path, live_server, video,
                                       visit_on_tablet, "tablet-device-check-mismatch")
    assert state == "mismatch"
    assert text == ("別の製品です。ステッカーのシリアル番号は AK10000777、この訪問の製品は "
                    "AK10000001 です。作業の前に製品を確認してください。")


@pytest.mark.parametrize(("text", "state", "message"), [
    # the sticker of this device, serial as printed
    ("OKISP:SN=AK10000001;SP=SPAK10000001", "match", "製品確認済み（シリアル番号 AK10000001）"),
    # full-width letters, a hyphen and lower case compare as the server compares serials
    ("OKISP:SN=ａｋ-10000001;SP=SPAK10000001", "match", "製品確認済み（シリアル番号 AK10000001）"),
    # the right device with another pack's sticker: confirmed, with a word on the pack
    ("OKISP:SN=AK10000001;SP=SPZZ", "match", "製品確認済み（シリアル番号 AK10000001） "
     "ステッカーのサポートパックID（SPZZ）は受付時のID（SPAK10000001）と異なります。"),
    # a plain barcode of another serial (the rating plate): a mismatch naming both
    ("AK99", "mismatch", "別の製品です。ステッカーのシリアル番号は AK99、この訪問の製品は "
     "AK10000001 です。作業の前に製品を確認してください。"),
    # a QR code without a serial
    ("OKISP:SP=SPAK10000001", "unreadable",
     "シリアル番号を読み取れませんでした。もう一度読み取ってください。"),
])
def test_device_check_outcomes(page, visit_on_tablet, text, state, message):
    _login(page, "suzuki@oxt.example.jp")
    page.goto(f"/visits/{visit_on_tablet}/report")
    outcome = page.evaluate(
        "t => DispatchDeviceCheck.check(document.getElementById('device-check'), t)", text)
    assert outcome == {"state": state, "message": message}
