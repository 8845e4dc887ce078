"""The registration completion notice (登録処理完了について（御通知）) with the failure-call
sticker (故障コール先シール) as one A4 PDF page in Japanese.

Plain values in, bytes out: this package never imports the app. The vendored IPAex Gothic is
embedded (see reports.pdf.register_font).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from reports.pdf import ISSUER, SERVICE, register_font
from reports.pdf_layout import ACCENT, FONT, INK, MUTED

NOTICE_TITLE = "登録処理完了について（御通知）"
STICKER_TITLE = "故障コール先シール"
WIDTH, HEIGHT = A4
LEFT = 20 * mm


@dataclass(frozen=True, slots=True)
class RegistrationNotice:
    """What the notice and sticker print (rules.md §4: service period, hours, support pack ID)."""

    customer_name: str
    site_name: str
    serial: str
    model_name: str
    product_label: str
    support_pack_id: str
    coverage_start: date
    coverage_end: date
    support_hours_label: str
    repair_line: str
    issued_on: date


SCAN_PREFIX = "OKISP:"


def scan_payload(serial: str, support_pack_id: str) -> str:
    """The text of the QR code on the sticker and the notice: both numbers a repair call needs,
    read by the camera instead of typed (dispatch/static/js/scan.js parses it)."""
    return f"{SCAN_PREFIX}SN={serial};SP={support_pack_id}"


def _scan_code(c: Canvas, n: RegistrationNotice, x: float, y: float, size: float) -> None:
    widget = QrCodeWidget(scan_payload(n.serial, n.support_pack_id), barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, c, x, y)


def date_ja(d: date) -> str:
    """A date as printed on Japanese notices: 2026年5月19日."""
    return f"{d.year}年{d.month}月{d.day}日"


def _text(c: Canvas, x: float, y: float, text: str, size: float = 10.5,
          color: colors.Color = INK) -> None:
    c.setFont(FONT, size)
    c.setFillColor(color)
    c.drawString(x, y, text)


def _notice(c: Canvas, n: RegistrationNotice) -> None:
    top = HEIGHT - 25 * mm
    c.setFont(FONT, 10)
    c.drawRightString(WIDTH - LEFT, top, date_ja(n.issued_on))
    _text(c, LEFT, top - 10 * mm, f"{n.customer_name}　御中", 12)
    c.setFont(FONT, 10)
    c.drawRightString(WIDTH - LEFT, top - 18 * mm, ISSUER)
    c.setFont(FONT, 16)
    c.setFillColor(ACCENT)
    c.drawCentredString(WIDTH / 2, top - 34 * mm, NOTICE_TITLE)
    body = [
        "拝啓　平素は格別のお引き立てを賜り、厚く御礼申し上げます。",
        f"お申し込みいただきました{SERVICE}の登録処理が完了いたしましたので、",
        "下記のとおり御通知申し上げます。サービスは本通知の日から提供いたします。",
        "下の故障コール先シールを切り取り、対象製品の見やすい位置に貼付してください。",
    ]
    y = top - 48 * mm
    for line in body:
        _text(c, LEFT, y, line, 10)
        y -= 6.5 * mm
    _rows(c, y - 6 * mm, [
        ("サポートパックID", n.support_pack_id),
        ("サービス提供期間", f"{date_ja(n.coverage_start)} 〜 {date_ja(n.coverage_end)}"),
        ("対応時間", n.support_hours_label),
        ("対象製品", f"{n.model_name}（シリアル番号 {n.serial}）"),
        ("設置場所", n.site_name),
        ("サポートパック", n.product_label),
        ("故障コール先", n.repair_line),
    ])
    # Beside the short values of the table, on white so that the row lines stay off it.
    size = 28 * mm
    qr_x, qr_y = WIDTH - LEFT - size, y - 6 * mm - 3 * 9 * mm - size
    c.setFillColor(colors.white)
    c.rect(qr_x - 2 * mm, qr_y - 2 * mm, size + 4 * mm, size + 4 * mm, fill=1, stroke=0)
    _scan_code(c, n, qr_x, qr_y, size)


def _rows(c: Canvas, y: float, rows: list[tuple[str, str]]) -> None:
    for label, value in rows:
        c.setStrokeColor(colors.HexColor("#b8c0cc"))
        c.line(LEFT, y - 2.5 * mm, WIDTH - LEFT, y - 2.5 * mm)
        _text(c, LEFT + 2 * mm, y, label, 9.5, MUTED)
        _text(c, LEFT + 45 * mm, y, value, 10.5)
        y -= 9 * mm


def _sticker(c: Canvas, n: RegistrationNotice) -> None:
    w, h = 150 * mm, 62 * mm
    x, y = (WIDTH - w) / 2, 22 * mm
    c.setDash(3, 3)
    c.setStrokeColor(MUTED)
    c.rect(x - 4 * mm, y - 4 * mm, w + 8 * mm, h + 8 * mm)  # cut line
    c.setDash()
    c.setStrokeColor(ACCENT)
    c.setLineWidth(1.5)
    c.rect(x, y, w, h)
    c.setLineWidth(1)
    c.setFillColor(ACCENT)
    c.rect(x, y + h - 11 * mm, w, 11 * mm, fill=1, stroke=0)
    _text(c, x + 4 * mm, y + h - 7.5 * mm, STICKER_TITLE, 13, colors.white)
    _text(c, x + 4 * mm, y + h - 20 * mm, f"故障コール先　{n.repair_line}", 15)
    _text(c, x + 4 * mm, y + h - 29 * mm, f"サポートパックID　{n.support_pack_id}", 12)
    _text(c, x + 4 * mm, y + h - 37 * mm,
          f"サービス提供期間　{date_ja(n.coverage_start)}〜{date_ja(n.coverage_end)}", 9.5)
    _text(c, x + 4 * mm, y + h - 44 * mm, f"対応時間　{n.support_hours_label}", 9.5)
    _text(c, x + 4 * mm, y + h - 51 * mm, f"シリアル番号　{n.serial}", 9.5)
    _text(c, x + 4 * mm, y + 3 * mm, "お電話の際はサポートパックIDをお知らせください。", 8, MUTED)
    _scan_code(c, n, x + w - 33 * mm, y + 6 * mm, 30 * mm)


def render_notice_pdf(notice: RegistrationNotice) -> bytes:
    """One A4 page: the completion notice and, at the bottom, the sticker to cut out."""
    register_font()
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, pageCompression=1)
    c.setTitle(f"{NOTICE_TITLE} {notice.support_pack_id}")
    c.setAuthor(ISSUER)
    _notice(c, notice)
    _sticker(c, notice)
    c.showPage()
    c.save()
    return buf.getvalue()
