"""Signature images are decoded in full, bounded and re-encoded before they are sealed."""

from __future__ import annotations

import io
import struct
import zlib
from datetime import datetime

import pytest
from PIL import Image

from reports.document import WorkReport
from reports.keys import SigningKey
from reports.pdf import UNREADABLE_IMAGE_LABEL, render_pdf
from reports.sealing import GENESIS_HASH, seal_report
from reports.signature_image import (
    MAX_SIDE,
    InvalidSignatureImage,
    canonical_signature_png,
)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def png_header_only(width: int = 300, height: int = 100) -> bytes:
    """The 33-byte PNG of the security test: signature and a valid IHDR, no pixels at all."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr)


def _png(width: int, height: int, colour=(0, 0, 0, 255), mode: str = "RGBA") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height), colour[: len(mode)]).save(out, format="PNG")
    return out.getvalue()


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="JPEG")
    return out.getvalue()


def test_the_33_byte_png_header_is_33_bytes():
    assert len(png_header_only()) == 33


@pytest.mark.parametrize("data", [
    png_header_only(),  # a valid header with no image data: the PDF could never draw it
    _png(40, 20)[:-30],  # truncated: the last rows and IEND are missing
    b"",  # nothing
    b"GIF89a" + b"\x00" * 40,  # not a PNG at all
    _jpeg(),  # a real image, but only PNG is accepted from signature_pad
    _png(MAX_SIDE + 1, 1),  # wider than any tablet canvas
    _png(1, MAX_SIDE + 1),  # taller than any tablet canvas
    b"\x89PNG\r\n\x1a\n" + b"\x00" * 2_000_000,  # over the byte limit
], ids=["header-only", "truncated", "empty", "gif-garbage", "jpeg", "too-wide", "too-tall",
        "too-many-bytes"])
def test_an_undrawable_or_oversized_image_is_refused(data):
    with pytest.raises(InvalidSignatureImage):
        canonical_signature_png(data)


def test_the_stored_image_is_a_fresh_rgba_png_with_the_same_pixels():
    sent = _png(30, 12, (10, 20, 30), mode="RGB") + b"trailing bytes a client appended"
    stored = canonical_signature_png(sent)
    assert stored.startswith(b"\x89PNG\r\n\x1a\n") and b"trailing" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert (image.mode, image.size) == ("RGBA", (30, 12))
        assert image.getpixel((5, 5)) == (10, 20, 30, 255)
    assert canonical_signature_png(stored) == stored  # canonical: a second pass is a no-op


def test_sealing_refuses_the_png_header_alone(
    report: WorkReport, signing_key: SigningKey, sealed_at: datetime
):
    with pytest.raises(ValueError, match="not a readable PNG"):
        seal_report(report, "鈴木 花子", png_header_only(), signing_key, GENESIS_HASH, sealed_at)


def test_a_sealed_report_with_an_undrawable_image_still_renders_its_pdf(
    report: WorkReport, signing_key: SigningKey, sealed_at: datetime
):
    # Reports sealed before images were decoded may hold the 33-byte header for ever.
    header = png_header_only()
    _, seal = seal_report(report, "鈴木 花子", _png(40, 20), signing_key, GENESIS_HASH,
                          sealed_at)
    pdf = render_pdf(report, seal, header, None, signer_name="鈴木 花子")
    assert pdf.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert UNREADABLE_IMAGE_LABEL.strip("（）") in text
