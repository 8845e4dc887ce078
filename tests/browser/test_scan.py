"""Scanning instead of typing: the QR code printed on the sticker and the completion notice
holds the serial and the support pack ID, and the call screen reads both from it."""

from __future__ import annotations

import base64
import subprocess
from datetime import date

from browser_steps import _login
from conftest import PASSWORD, TEST_ACTOR

from dispatch.services.accounts import users
from dispatch.services.unit_of_work import unit_of_work
from reports.qr import qr_svg
from reports.sticker import RegistrationNotice, render_notice_pdf

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
    page.wait_for_function("window.DispatchScan !== undefined")
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
    page.wait_for_function("window.DispatchScan !== undefined")
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
