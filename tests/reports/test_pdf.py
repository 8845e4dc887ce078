"""The work report PDF: Japanese text, embedded font, erasure, and a rendered page."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from reports.content import erase_personal
from reports.document import ExclusionCause, WorkReport
from reports.keys import SigningKey
from reports.pdf import render_pdf
from reports.sealing import GENESIS_HASH, seal_report

SIGNER = "鈴木 花子"
VERIFY_URL = "https://dispatch.example.jp/api/v1/reports/R-2026-000123/verify"


@pytest.fixture
def sealed(
    report: WorkReport, signature_png: bytes, signing_key: SigningKey, sealed_at: datetime
) -> tuple[Any, Any]:
    return seal_report(report, SIGNER, signature_png, signing_key, GENESIS_HASH, sealed_at)


@pytest.fixture
def signed_pdf(report: WorkReport, sealed: Any, signature_png: bytes) -> bytes:
    _, seal = sealed
    return render_pdf(report, seal, signature_png, VERIFY_URL, signer_name=SIGNER)


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_signed_pdf_shows_japanese_labels_serial_and_seal(signed_pdf: bytes, sealed: Any) -> None:
    _, seal = sealed
    text = text_of(signed_pdf)
    for expected in [
        "作業報告票",
        "OKIクロステック株式会社",
        "山田商事株式会社",
        "AK12345678",  # device serial
        "COREFIDO C844dnw",
        "SP-7Y-0042-1187",  # support pack ID
        "2026年11月26日(木) 10:05",  # arrival, Japan time
        "定着器ユニットを交換し",
        "解決",  # result label
        "新品",
        "リサイクル品",
        "回収済み",
        "ファームウェア A1.23 適用",
        "データ初期化",
        "182,340 枚",
        "鈴木 花子",  # attendee and signer
        "佐藤 健一",  # technician
        "該当なし",  # no out-of-scope cause: covered by the pack
        "署名日時",
        seal.seal_hash,  # full
        seal.seal_hash[:16],  # short
        seal.key_id,
        VERIFY_URL,
    ]:
        assert expected in text, expected


def test_out_of_scope_cause_is_printed_as_chargeable(
    make_report: Any, signature_png: bytes
) -> None:
    report = make_report(exclusion_cause=ExclusionCause.WEAR_AND_CONSUMABLES)
    text = text_of(render_pdf(report, None, None, None))
    assert "有償" in text
    assert ExclusionCause.WEAR_AND_CONSUMABLES.label in text


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # follow-up visit needed, no parts, counter not read
        (
            {"result": "follow_up", "parts": (), "counter_reading": None},
            ["要再訪", "交換部品なし", "未記録"],
        ),
        # unresolved, nothing initialized, no technical change
        (
            {"result": "unresolved", "data_initialized": False, "technical_changes": ()},
            ["未解決", "なし"],
        ),
    ],
)
def test_other_outcomes_are_labelled_in_japanese(
    make_report: Any, changes: dict[str, Any], expected: list[str]
) -> None:
    from reports.document import Result

    changes = {**changes, "result": Result(changes["result"])}
    text = text_of(render_pdf(make_report(**changes), None, None, None))
    assert all(word in text for word in expected), text


def test_draft_pdf_says_it_is_not_signed(report: WorkReport) -> None:
    text = text_of(render_pdf(report, None, None, None))
    assert "未署名" in text and "下書き" in text


def test_erased_report_still_renders_with_names_marked_erased(
    sealed: Any, signature_png: bytes
) -> None:
    content, seal = sealed
    erased = erase_personal(content)
    text = text_of(render_pdf(erased.report, seal, None, VERIFY_URL, signer_name=None))
    assert "消去済み" in text
    assert "鈴木" not in text and "佐藤" not in text
    assert seal.seal_hash in text


def test_markup_in_report_text_is_printed_not_fetched(make_report: Any) -> None:
    # A file: image or external link typed into the report must never be loaded.
    work = '<img src="file:///etc/passwd"/><a href="http://example.com">x</a> & <b>'
    text = text_of(render_pdf(make_report(work_done=work), None, None, None))
    assert 'src="file:///etc/passwd"' in text


def test_long_work_description_flows_onto_further_pages(make_report: Any) -> None:
    lines = [f"{n}. 清掃と点検を実施。" for n in range(1, 151)]
    report = make_report(work_done="\n".join(lines))
    reader = PdfReader(io.BytesIO(render_pdf(report, None, None, None)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) >= 3
    assert "作業内容（続き）" in text and "150. 清掃と点検を実施。" in text


def test_same_report_renders_to_the_same_bytes(report: WorkReport) -> None:
    assert render_pdf(report, None, None, None) == render_pdf(report, None, None, None)


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")
def test_ipaex_gothic_is_embedded(signed_pdf: bytes, tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(signed_pdf)
    listing = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout
    ipaex = [line for line in listing.splitlines() if "IPAexGothic" in line]
    assert ipaex, listing
    # columns: name type encoding emb sub uni ...
    assert all(line.split()[-5] == "yes" for line in ipaex), listing


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_first_page_renders_to_a_non_trivial_png(signed_pdf: bytes, tmp_path: Path) -> None:
    from PIL import Image

    path = tmp_path / "report.pdf"
    path.write_bytes(signed_pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "80",
            "-png",
            "-singlefile",
            "-f",
            "1",
            "-l",
            "1",
            str(path),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    png = tmp_path / "page.png"
    assert png.stat().st_size > 20_000
    image = Image.open(png).convert("L")
    assert image.size[0] > 600 and image.size[1] > 800  # A4 portrait at 80 dpi
    dark = sum(image.histogram()[:128])
    assert dark > 0.01 * image.size[0] * image.size[1]  # real text and tables, not blank
