"""Fixtures for reports/: a realistic work report, a signature image and sealing keys."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from PIL import Image, ImageDraw

from reports.document import ExclusionCause, Part, PartCondition, Result, WorkReport
from reports.keys import SigningKey, generate_signing_key

JST = timezone(timedelta(hours=9))

BASE_REPORT = WorkReport(
    report_id="R-2026-000123",
    visit_id="V-4711",
    call_id="C-0815",
    device_serial="AK12345678",
    device_model="COREFIDO C844dnw",
    site_name="山田商事株式会社 本社3階 総務部",
    site_address="東京都港区芝浦四丁目10番16号",
    customer_name="山田商事株式会社",
    support_pack_id="SP-7Y-0042-1187",
    technician_name="佐藤 健一",
    arrived_at=datetime(2026, 11, 26, 10, 5, tzinfo=JST),
    departed_at=datetime(2026, 11, 26, 11, 40, tzinfo=JST),
    work_done="定着器ユニットから異音。定着器ユニットを交換し、テスト印刷50枚で正常動作を確認。",
    result=Result.RESOLVED,
    parts=(
        Part("44472603", 1, PartCondition.NEW, True),
        Part("44483502", 2, PartCondition.RECYCLED, False),
    ),
    technical_changes=("ファームウェア A1.23 適用",),
    data_initialized=True,
    counter_reading=182_340,
    attendee_name="鈴木 花子",
    exclusion_cause=None,
)


@pytest.fixture
def make_report() -> Callable[..., WorkReport]:
    """Build a WorkReport with sensible defaults; keyword overrides replace fields."""

    def make(**overrides: object) -> WorkReport:
        return replace(BASE_REPORT, **overrides)

    return make


@pytest.fixture
def report() -> WorkReport:
    return BASE_REPORT


@pytest.fixture
def chargeable_report() -> WorkReport:
    return replace(BASE_REPORT, exclusion_cause=ExclusionCause.NON_OKI_SUPPLIES)


def draw_signature(seed: int = 0) -> bytes:
    """A handwriting-like stroke on a transparent canvas, as signature_pad exports it."""
    image = Image.new("RGBA", (400, 160), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    points = [(20 + i * 12, 80 + ((i * 37 + seed * 11) % 60) - 30) for i in range(30)]
    draw.line(points, fill=(10, 20, 90, 255), width=4, joint="curve")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def signature_png() -> bytes:
    return draw_signature()


@pytest.fixture
def signing_key() -> SigningKey:
    return generate_signing_key()


@pytest.fixture
def sealed_at() -> datetime:
    return datetime(2026, 11, 26, 11, 42, 30, tzinfo=JST)


@pytest.fixture
def make_signature() -> Callable[[int], bytes]:
    """Draw distinct signature images: make_signature(seed)."""
    return draw_signature
