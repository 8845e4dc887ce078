"""Styles and table builders for the work report PDF (used only by reports.pdf)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Table

from reports.canonical import JST
from reports.document import (
    CONDITION_LABELS,
    ERASED_LABEL,
    RETURNED_LABELS,
    YES_NO_LABELS,
    ChecklistItem,
    WorkReport,
)

FONT = "IPAexGothic"
INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#666666")
ACCENT = colors.HexColor("#0b3d91")
LABEL_BG = colors.HexColor("#eef1f6")
RULE = colors.HexColor("#b8c0cc")
WARN_BG = colors.HexColor("#fff1e0")
WEEKDAYS = "月火水木金土日"


def _style(name: str, size: float, **extra: Any) -> ParagraphStyle:
    # wordWrap="CJK" lets Japanese break between any two characters, as it should.
    base: dict[str, Any] = {
        "fontName": FONT, "fontSize": size, "leading": size * 1.45, "textColor": INK
    }
    return ParagraphStyle(name, **{**base, "wordWrap": "CJK", **extra})


STYLES: dict[str, ParagraphStyle] = {
    "title": _style("title", 22, leading=28, textColor=ACCENT),
    "heading": _style("heading", 10, textColor=colors.white),
    "body": _style("body", 9),
    "label": _style("label", 8, textColor=colors.HexColor("#33415c")),
    "small": _style("small", 8),
    "caption": _style("caption", 8, alignment=TA_CENTER),
    "muted": _style("muted", 9, textColor=MUTED),
    "issuer": _style("issuer", 9, alignment=TA_RIGHT),
    "placeholder": _style("placeholder", 10, alignment=TA_CENTER, textColor=MUTED),
    "mono": _style("mono", 8, fontName="Courier"),
    "mono_big": _style("mono_big", 12, fontName="Courier-Bold"),
}


def para(text: str, style: str = "body", *, markup: bool = False) -> Paragraph:
    """A paragraph of report text: escaped, newlines kept, unless it is our own markup."""
    if not markup:
        text = escape(text).replace("\n", "<br/>")
    return Paragraph(text, STYLES[style])


def format_datetime_ja(value: datetime) -> str:
    """2026年11月26日(木) 10:05 in Japan time."""
    local = value.astimezone(JST)
    return f"{local:%Y年%m月%d日}({WEEKDAYS[local.weekday()]}) {local:%H:%M}"


def format_duration(arrived: datetime, departed: datetime) -> str:
    """Time on site as 1時間35分."""
    minutes = int((departed - arrived).total_seconds() // 60)
    return f"{minutes // 60}時間{minutes % 60:02d}分"


def heading(text: str, width: float) -> Table:
    """A section heading bar across the body width."""
    return Table(
        [[para(text, "heading")]],
        colWidths=[width],
        spaceBefore=3 * mm,
        spaceAfter=0,
        style=[
            ("BACKGROUND", (0, 0), (-1, -1), ACCENT),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ],
    )


def section(title: str, width: float, *body: Flowable) -> KeepTogether:
    """A heading kept on the same page as its content."""
    return KeepTogether([heading(title, width), *body])


def grid(
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    *,
    spans: Iterable[tuple[tuple[int, int], tuple[int, int]]] = (),
) -> Table:
    """A ruled table; plain-string cells are labels (shaded), the rest are flowables."""
    # TableStyle commands: (name, start cell, end cell, *arguments of that command).
    style: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, RULE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
    ]
    cells: list[list[object]] = []
    for r, row in enumerate(rows):
        cells.append([])
        for c, cell in enumerate(row):
            if isinstance(cell, str) and cell:
                style.append(("BACKGROUND", (c, r), (c, r), LABEL_BG))
                cell = para(cell, "label")
            cells[-1].append(cell)
    style += [("SPAN", start, end) for start, end in spans]
    return Table(cells, colWidths=list(widths), style=style)


CHECKED_LABELS = {True: "確認済み", False: "未確認"}


def _or_erased(name: str | None) -> str:
    # Only a signed report can lose a name, through an erasure request (rules.md §8).
    return ERASED_LABEL if name is None else name


# A table row cannot break across pages, so longer texts move below the grid.
LONG_TEXT_CHARS = 500
LONG_TEXT_LINES = 10


def _four_columns(width: float) -> list[float]:
    label = 28 * mm
    return [label, width / 2 - label, label, width / 2 - label]


def customer_section(report: WorkReport, width: float) -> Flowable:
    """Customer, site, device and support pack."""
    customer = grid(
        [
            ["お客様名", para(report.customer_name), "サポートパックID",
             para(report.support_pack_id)],
            ["設置場所", para(report.site_name), "", ""],
            ["所在地", para(report.site_address), "", ""],
            ["型式", para(report.device_model), "シリアル番号", para(report.device_serial)],
        ],
        _four_columns(width),
        spans=[((1, r), (3, r)) for r in (1, 2)],
    )  # fmt: skip
    return section("お客様・装置", width, customer)


def _overflowing(title: str, text: str, overflow: list[Flowable], width: float) -> str:
    """The text for a grid cell; a long one goes below the grid under its own heading."""
    if len(text) <= LONG_TEXT_CHARS and text.count("\n") < LONG_TEXT_LINES:
        return text
    overflow += [heading(f"{title}（続き）", width), para(text)]
    return f"下記「{title}（続き）」を参照"


def _work_rows(report: WorkReport, overflow: list[Flowable], width: float) -> list[list[object]]:
    arrived, departed = report.arrived_at, report.departed_at
    counter = "未記録" if report.counter_reading is None else f"{report.counter_reading:,} 枚"
    initialized = YES_NO_LABELS[report.data_initialized]
    if report.data_initialized:
        initialized += "（工場出荷時の状態に初期化）"
    changes = "\n".join(f"・{c}" for c in report.technical_changes) or "なし"
    charge = "該当なし（サポートパックの範囲内・無償）"
    if report.exclusion_cause is not None:
        charge = f"有償　サービス対象外の原因：{report.exclusion_cause.label}"
    return [
        ["到着日時", para(format_datetime_ja(arrived)), "退出日時",
         para(format_datetime_ja(departed))],
        ["作業時間", para(format_duration(arrived, departed)), "担当技術者",
         para(_technician(report))],
        ["作業内容", para(_overflowing("作業内容", report.work_done, overflow, width)), "", ""],
        ["結果", para(report.result.label), "立会者", para(_or_erased(report.attendee_name))],
        ["カウンター値", para(counter), "データ初期化", para(initialized)],
        ["技術変更", para(_overflowing("技術変更", changes, overflow, width)), "", ""],
        ["有償対象", para(charge), "", ""],
    ]  # fmt: skip


def _technician(report: WorkReport) -> str:
    # Seed §11: the report names the company that did the work (OXT or its subcontractor).
    name = _or_erased(report.technician_name)
    return name if report.company_name is None else f"{name}（{report.company_name}）"


def checklist_section(report: WorkReport, width: float) -> Flowable | None:
    """The customer's obligations checked before work (seed §13), when they were recorded."""
    if report.checklist is None:
        return None
    rows: list[list[object]] = [
        [para(item.label), para(CHECKED_LABELS[report.checklist[item]])]
        for item in ChecklistItem
    ]
    return section("作業前の確認（お客様へのお願い）", width,
                   grid(rows, [width - 30 * mm, 30 * mm]))


def work_section(report: WorkReport, width: float) -> list[Flowable]:
    """Times, work done, result and the other facts of the visit, then any long texts."""
    overflow: list[Flowable] = []
    work = grid(
        _work_rows(report, overflow, width),
        _four_columns(width),
        spans=[((1, r), (3, r)) for r in (2, 5, 6)],
    )
    if report.exclusion_cause is not None:
        work.setStyle([("BACKGROUND", (1, 6), (3, 6), WARN_BG)])
    notes = []
    if report.data_initialized:
        # Seed §5: backup and restore are not part of the service.
        text = "※ データ・ソフトウェアのバックアップ／リストアは本サービスに含まれません。"
        notes.append(para(text, "small"))
    return [section("作業", width, work, *notes), *overflow]


def parts_table(report: WorkReport, width: float) -> Flowable:
    """Replaced parts, or a line saying none were replaced."""
    if not report.parts:
        return section("交換部品", width, para("交換部品なし", "muted"))
    header: list[object] = ["No.", "部品番号", "数量", "区分", "取外し部品の回収"]
    rows: list[list[object]] = [header]
    for number, part in enumerate(report.parts, start=1):
        rows.append(
            [
                para(str(number)),
                para(part.part_no),
                para(str(part.qty)),
                para(CONDITION_LABELS[part.condition]),
                para(RETURNED_LABELS[part.removed_returned]),
            ]
        )
    widths = [12 * mm, width - 12 * mm - 20 * mm - 35 * mm - 35 * mm, 20 * mm, 35 * mm, 35 * mm]
    table = grid(rows, widths)
    note = para("※ 交換により取り外した故障部品の所有権はOXTに帰属します。", "small")
    return section("交換部品", width, table, note)
