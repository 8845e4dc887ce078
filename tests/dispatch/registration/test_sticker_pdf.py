"""The completion notice and failure-call sticker PDF carries the facts of rules.md §4."""

from __future__ import annotations

import io

from pypdf import PdfReader


def _text(resp) -> str:
    reader = PdfReader(io.BytesIO(resp.data))
    return "".join(page.extract_text() for page in reader.pages).replace(" ", "")


def test_sticker_pdf_shows_period_hours_id_and_repair_line(flow, coordinator):
    done = flow.registered()
    resp = coordinator.get(f"/packs/{done['pack_id']}/sticker.pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    text = _text(resp)
    for expected in (
        "登録処理完了について（御通知）", "故障コール先シール",
        done["support_pack_id"],
        "2026年5月19日〜2031年4月9日",  # service period
        "月〜金9:00〜17:30",  # SupportHours.label_ja()
        "0120-000-000",  # DISPATCH_REPAIR_LINE default
    ):
        assert expected.replace(" ", "") in text, expected


def test_sticker_of_an_unregistered_pack_is_a_conflict(flow, coordinator):
    pack = flow.pack()
    assert coordinator.get(f"/packs/{pack['id']}/sticker.pdf").status_code == 409


def test_site_manager_of_another_site_cannot_download(flow, api_as):
    done = flow.registered()
    other = api_as("site_manager", "other@example.co.jp")
    assert other.get(f"/packs/{done['pack_id']}/sticker.pdf").status_code == 403
