"""The photo grid of the work report PDF (rules.md §7), used only by reports.pdf."""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Image, KeepTogether, Table

from reports.document import WorkReport
from reports.pdf_layout import RULE, heading, para
from reports.photos import InvalidPhoto, StoredPhoto, drawable_photo

COLUMNS = 3
CELL_IMAGE_HEIGHT = 52 * mm
UNREADABLE_PHOTO_LABEL = "（写真を表示できません）"


def _picture(data: bytes | None, width: float) -> Flowable:
    # Decoded again (bounded) before reportlab sees it: the stored bytes come from the
    # database, and a photo that cannot be drawn must not make a sealed report's PDF fail.
    try:
        drawable = drawable_photo(data or b"")
    except InvalidPhoto:
        return para(UNREADABLE_PHOTO_LABEL, "placeholder")
    image = Image(io.BytesIO(drawable))
    scale = min(width / image.imageWidth, CELL_IMAGE_HEIGHT / image.imageHeight)
    image.drawWidth, image.drawHeight = image.imageWidth * scale, image.imageHeight * scale
    return image


def photo_section(report: WorkReport, photos: Sequence[StoredPhoto],
                  width: float) -> list[Flowable]:
    """写真: a grid of the sealed photos, three a row, each labelled with its kind."""
    if not report.photos:
        return []
    data = {photo.position: photo.data for photo in photos}
    cell_width = width / COLUMNS
    cells: list[list[Flowable]] = []
    for position, sealed in enumerate(report.photos, start=1):
        cells.append([_picture(data.get(position), cell_width - 4 * mm),
                      para(f"写真{position}　撮影区分：{sealed.kind.label}", "caption")])
    rows = [cells[i:i + COLUMNS] for i in range(0, len(cells), COLUMNS)]
    rows[-1] += [[]] * (COLUMNS - len(rows[-1]))
    table = Table(rows, colWidths=[cell_width] * COLUMNS, style=[
        ("BOX", (0, 0), (-1, -1), 0.5, RULE),
        ("INNERGRID", (0, 0), (-1, -1), 0.5, RULE),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("TOPPADDING", (0, 0), (-1, -1), 2 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5 * mm),
    ])
    note = para("※ 写真は報告票とともに封印されています（各写真のハッシュ値を封印に含む）。",
                "small")
    # Two rows of photos fit on a page: the heading, the grid and the note stay together.
    return [KeepTogether([heading("写真", width), table, note])]
