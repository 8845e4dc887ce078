"""The work report (作業報告票) as an A4 PDF in Japanese, with the font embedded.

The PDF embeds the vendored IPAex Gothic (reports/fonts, IPA Font License) so it reads the
same on any viewer; reportlab's built-in CID fonts are not embedded, so their Japanese
glyphs depend on the viewer's fonts (blank where none is installed). Every
text from the report is XML-escaped before it reaches a Paragraph, so markup typed into a
report (an <img src="file:..."> or a link) is printed, never fetched: the only file the
renderer reads is the font.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Image, Paragraph, SimpleDocTemplate, Table

from reports.document import ERASED_LABEL, WorkReport
from reports.pdf_layout import (
    FONT,
    INK,
    MUTED,
    STYLES,
    checklist_section,
    customer_section,
    format_datetime_ja,
    grid,
    para,
    parts_table,
    section,
    work_section,
)
from reports.pdf_photos import photo_section
from reports.photos import StoredPhoto
from reports.sealing import Seal
from reports.signature_image import InvalidSignatureImage, canonical_signature_png

# Image streams stay binary: reportlab's default ASCII85 text encoding ran in pure Python at
# about 0.4 s per report photo and made each a quarter larger (benchmarks/photo_bench.py).
rl_config.useA85 = 0

FONT_PATH = Path(__file__).parent / "fonts" / "ipaexg.ttf"
ISSUER = "OKIクロステック株式会社（OXT）"
SERVICE = "OKIプリンターサポートパック オンサイトサービス"
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 15 * mm
BODY_WIDTH = PAGE_WIDTH - 2 * MARGIN


def register_font() -> None:
    """Register the vendored IPAex Gothic with reportlab once per process."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_PATH)))


def _header(report: WorkReport) -> Table:
    left = [Paragraph("作業報告票", STYLES["title"]), para(SERVICE, "small")]
    right = [
        para(ISSUER, "issuer"),
        para(f"報告票番号　{report.report_id}", "issuer"),
        para(f"受付番号　{report.call_id}　／　訪問番号　{report.visit_id}", "issuer"),
    ]
    table = Table([[left, right]], colWidths=[BODY_WIDTH * 0.55, BODY_WIDTH * 0.45])
    table.setStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("LINEBELOW", (0, 0), (-1, 0), 1.2, INK),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
        ]
    )
    return table


UNREADABLE_IMAGE_LABEL = "（署名画像を表示できません）"


def _signature_image(signature_png: bytes) -> Flowable:
    # A report sealed before images were decoded in full may hold bytes that are no
    # drawable PNG; the seal forbids changing them, so the PDF prints a note instead of
    # failing forever. Decoding here (bounded) also keeps bombs away from reportlab.
    try:
        drawable = canonical_signature_png(signature_png)
    except InvalidSignatureImage:
        return para(UNREADABLE_IMAGE_LABEL, "placeholder")
    # signature_pad exports a wide transparent PNG; fit it in the box keeping its ratio.
    image = Image(io.BytesIO(drawable), mask="auto")
    scale = min(70 * mm / image.imageWidth, 26 * mm / image.imageHeight)
    image.drawWidth, image.drawHeight = image.imageWidth * scale, image.imageHeight * scale
    return image


def _signature_block(
    seal: Seal | None, signature_png: bytes | None, signer_name: str | None
) -> Table:
    box_width, gap = 78 * mm, 4 * mm
    if seal is None:
        box: Flowable = para("未署名", "placeholder")
        who, when = "—", "—"
    else:
        box = (
            _signature_image(signature_png) if signature_png else para(ERASED_LABEL, "placeholder")
        )
        who = signer_name if signer_name is not None else ERASED_LABEL
        when = format_datetime_ja(seal.sealed_at)
    details_width = BODY_WIDTH - box_width - gap
    details = grid(
        [
            [para("上記の作業内容を確認しました。", "small"), ""],
            ["署名者（設置場所の責任者）", para(who)],
            ["署名日時", para(when)],
        ],
        [46 * mm, details_width - 46 * mm],
        spans=[((0, 0), (1, 0))],
    )
    table = Table([[box, "", details]], colWidths=[box_width, gap, details_width])
    table.setStyle(
        [
            ("BOX", (0, 0), (0, 0), 0.6, MUTED),
            ("ALIGN", (0, 0), (0, 0), "CENTER"),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("MINROWHEIGHT", (0, 0), (-1, -1), 28 * mm),
            ("LEFTPADDING", (1, 0), (-1, 0), 0),
            ("RIGHTPADDING", (1, 0), (-1, 0), 0),
        ]
    )
    return table


def _qr(url: str) -> Drawing:
    widget = QrCodeWidget(url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    size = 28 * mm
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def _seal_block(seal: Seal | None, verify_url: str | None, erased: bool) -> list[Flowable]:
    if seal is None:
        return [para("この報告票はまだ署名・封印されていません（下書き）。", "muted")]
    rows = [
        ["封印ハッシュ（短縮）", para(seal.seal_hash[:16], "mono_big")],
        ["封印ハッシュ", para(seal.seal_hash, "mono")],
        ["直前の封印ハッシュ", para(seal.prev_hash, "mono")],
        ["署名鍵ID・方式", para(f"{seal.key_id} / {seal.algorithm}", "mono")],
    ]
    how = escape(
        "報告票番号・封印ハッシュ・署名鍵IDをOXTにお伝えいただくと、改ざんの有無を確認できます。"
    )
    if verify_url:
        # The URL is printed (and encoded in the QR code), never opened by the renderer.
        how = escape("次のURLで、封印ハッシュと署名鍵IDにより改ざんの有無を検証できます。")
        how += "<br/>" + escape(verify_url)
    rows.append(["検証方法", para(how, "small", markup=True)])
    widths = [32 * mm, BODY_WIDTH - 32 * mm - (32 * mm if verify_url else 0)]
    table = grid(rows, widths)
    note = []
    if erased:
        # rules.md §8: names are sealed only as salted digests, so erasure keeps the seal valid.
        text = (
            "※ 個人情報（氏名・署名画像）は消去請求により消去済みです。消去後も封印は検証できます。"
        )
        note.append(para(text, "small"))
    if not verify_url:
        return [table, *note]
    outer = Table([[table, _qr(verify_url)]], colWidths=[sum(widths), 32 * mm])
    outer.setStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("ALIGN", (1, 0), (1, 0), "RIGHT"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ]
    )
    return [outer, *note]


def _footer(report_id: str) -> Callable[[Canvas, SimpleDocTemplate], None]:
    def draw(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, 9 * mm, f"作業報告票 {report_id}　{ISSUER}")
        canvas.drawRightString(PAGE_WIDTH - MARGIN, 9 * mm, f"{doc.page} ページ")
        canvas.restoreState()

    return draw


def render_pdf(
    report: WorkReport,
    seal: Seal | None,
    signature_png: bytes | None,
    verify_url: str | None,
    *,
    signer_name: str | None = None,
    photos: Sequence[StoredPhoto] = (),
) -> bytes:
    """Render the report as PDF bytes; None names on a sealed report print as 消去済み.

    `photos` are the stored bytes of `report.photos`, drawn in a grid under their kinds.
    """
    register_font()
    erased = seal is not None and (
        signature_png is None
        or signer_name is None
        or report.technician_name is None
        or report.attendee_name is None
    )
    story: list[Flowable] = [
        _header(report),
        customer_section(report, BODY_WIDTH),
        *([checklist] if (checklist := checklist_section(report, BODY_WIDTH)) else []),
        *work_section(report, BODY_WIDTH),
        parts_table(report, BODY_WIDTH),
        *photo_section(report, photos, BODY_WIDTH),
        section("確認・署名", BODY_WIDTH, _signature_block(seal, signature_png, signer_name)),
        section("電子封印（改ざん検知）", BODY_WIDTH, *_seal_block(seal, verify_url, erased)),
    ]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=16 * mm,
        title=f"作業報告票 {report.report_id}",
        author=ISSUER,
        subject=SERVICE,
        # Invariant output: the same report renders to the same bytes (no timestamps).
        invariant=True,
    )
    footer = _footer(report.report_id)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
