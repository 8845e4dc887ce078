"""Signature images through the API: refused unless drawable, stored canonical, PDF never 500."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image
from reporting_rows import data_url, tiny_png
from sqlalchemy import update

from dispatch.extensions import db
from dispatch.models import WorkReport as ReportRow


def _header_only_png() -> bytes:
    ihdr = struct.pack(">IIBBBBB", 300, 100, 8, 6, 0, 0, 0)
    crc = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr) & 0xFFFFFFFF)
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + ihdr + crc


def test_the_33_byte_png_header_is_refused_with_422(tech, draft):
    header = _header_only_png()
    assert len(header) == 33
    response = tech.post(f"/reports/{draft}/signature",
                         json={"signer_name": "佐藤 花子", "image": data_url(header)})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"image": ["the signature image is not a readable PNG"]}
    assert db.session.get(ReportRow, draft).status == "draft"


def test_garbage_after_a_png_signature_is_refused_with_422(tech, draft):
    garbage = data_url(b"\x89PNG\r\n\x1a\n" + b"x" * 500)
    response = tech.post(f"/reports/{draft}/signature",
                         json={"signer_name": "佐藤 花子", "image": garbage})
    assert response.status_code == 422


def test_the_stored_and_sealed_image_is_the_re_encoded_png(tech, signed):
    row = db.session.get(ReportRow, signed)
    assert row.signature_png != tiny_png()  # what was sent is RGB; what is kept is canonical
    with Image.open(io.BytesIO(row.signature_png)) as image:
        assert (image.format, image.mode, image.size) == ("PNG", "RGBA", (4, 2))
    assert tech.get(f"/reports/{signed}/verify").get_json()["valid"] is True


def test_the_pdf_of_a_sealed_report_with_an_undrawable_image_never_fails(tech, signed):
    # A report sealed before images were decoded can hold the bare header for ever.
    db.session.execute(update(ReportRow).where(ReportRow.id == signed)
                       .values(signature_png=_header_only_png()))
    db.session.flush()
    db.session.expire_all()
    response = tech.get(f"/reports/{signed}.pdf")
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF")
