"""Report photos (rules.md §7): the stored JPEG, sealing their hashes, and the seal check."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest
from PIL import Image

from reports.content import SignedContent, content_dict, content_hash, erase_personal
from reports.document import WorkReport
from reports.keys import Keyring, SigningKey
from reports.photos import (
    MAX_STORED_SIDE,
    InvalidPhoto,
    PhotoKind,
    StoredPhoto,
    canonical_photo_jpeg,
    check_photos,
    drawable_photo,
    sealed_photo,
)
from reports.sealing import GENESIS_HASH, seal_report, verify_seal

SIGNER = "鈴木 花子"


def photo_bytes(width: int = 640, height: int = 480, shade: int = 90, fmt: str = "JPEG",
                exif: Image.Exif | None = None) -> bytes:
    """A photo-like image: a gradient, so JPEG has something to encode."""
    image = Image.new("RGB", (width, height))
    image.putdata([((x * 255) // width, shade, (y * 255) // height)
                   for y in range(height) for x in range(width)])
    out = io.BytesIO()
    image.save(out, format=fmt, **({"exif": exif} if exif is not None else {}))
    return out.getvalue()


def stored(*photos: tuple[PhotoKind, bytes]) -> tuple[StoredPhoto, ...]:
    return tuple(StoredPhoto(i, kind, data) for i, (kind, data) in enumerate(photos, start=1))


# --- the stored JPEG ---------------------------------------------------------------------


@pytest.mark.parametrize("data", [
    b"",  # nothing sent
    b"\xff\xd8\xff\xe0" + b"\x00" * 40,  # a JPEG header and nothing drawable
    b"GIF89a" + b"\x00" * 100,  # another format
    b"%PDF-1.7 not an image",  # not an image at all
    b"x" * 4_000_001,  # over the 4 MB bound, whatever it holds
])
def test_garbage_is_not_a_photo(data: bytes) -> None:
    with pytest.raises(InvalidPhoto):
        canonical_photo_jpeg(data)


def test_a_truncated_jpeg_is_refused() -> None:
    data = photo_bytes()
    with pytest.raises(InvalidPhoto):
        canonical_photo_jpeg(data[: len(data) // 2])


def test_an_image_over_4096_pixels_a_side_is_refused_before_decoding() -> None:
    # A PNG of one colour compresses to a few kB however large it claims to be.
    out = io.BytesIO()
    Image.new("RGB", (5000, 10), (0, 0, 0)).save(out, format="PNG")
    with pytest.raises(InvalidPhoto, match="4096"):
        canonical_photo_jpeg(out.getvalue())


def test_a_large_photo_is_stored_at_most_1600_pixels_a_side_as_jpeg() -> None:
    jpeg = canonical_photo_jpeg(photo_bytes(2400, 1800))
    with Image.open(io.BytesIO(jpeg)) as image:
        assert (image.format, image.size) == ("JPEG", (MAX_STORED_SIDE, 1200))


def test_a_png_is_stored_as_jpeg_of_the_same_size() -> None:
    with Image.open(io.BytesIO(canonical_photo_jpeg(photo_bytes(300, 200, fmt="PNG")))) as image:
        assert (image.format, image.size, image.mode) == ("JPEG", (300, 200), "RGB")


def test_exif_is_dropped_after_turning_the_photo_upright() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    exif[0x010F] = "PhoneMaker"  # Make: metadata that must not be kept
    jpeg = canonical_photo_jpeg(photo_bytes(400, 300, exif=exif))
    with Image.open(io.BytesIO(jpeg)) as image:
        assert image.size == (300, 400)  # turned upright
        assert dict(image.getexif()) == {}
    assert b"PhoneMaker" not in jpeg


def test_the_same_upload_gives_the_same_stored_bytes() -> None:
    data = photo_bytes()
    assert canonical_photo_jpeg(data) == canonical_photo_jpeg(data)


@pytest.mark.parametrize(("data", "kept"), [
    (canonical_photo_jpeg(photo_bytes()), True),  # a stored photo: embedded as it is
    (photo_bytes(2000, 100), False),  # a JPEG wider than stored ones: made canonical again
    (photo_bytes(fmt="PNG"), False),  # not a JPEG (bytes replaced in the database)
])
def test_a_pdf_embeds_stored_photos_as_they_are_and_anything_else_made_canonical(
        data: bytes, kept: bool) -> None:
    drawable = drawable_photo(data)
    assert (drawable == data) is kept
    with Image.open(io.BytesIO(drawable)) as image:
        assert image.format == "JPEG" and max(image.size) <= MAX_STORED_SIDE


def test_an_undrawable_stored_photo_is_invalid_for_the_pdf() -> None:
    data = canonical_photo_jpeg(photo_bytes())
    with pytest.raises(InvalidPhoto):
        drawable_photo(data[: len(data) // 2])


# --- sealing -----------------------------------------------------------------------------


@pytest.fixture
def photos() -> tuple[StoredPhoto, ...]:
    return stored((PhotoKind.BEFORE, canonical_photo_jpeg(photo_bytes(shade=10))),
                  (PhotoKind.ERROR_PANEL, canonical_photo_jpeg(photo_bytes(shade=200))))


@pytest.fixture
def with_photos(report: WorkReport, photos: tuple[StoredPhoto, ...]) -> WorkReport:
    return replace(report, photos=tuple(sealed_photo(PhotoKind(p.kind), p.data) for p in photos))


@pytest.fixture
def sealed(with_photos: WorkReport, photos: tuple[StoredPhoto, ...], signature_png: bytes,
           signing_key: SigningKey, sealed_at: datetime) -> tuple[SignedContent, Any]:
    content, seal = seal_report(with_photos, SIGNER, signature_png, signing_key, GENESIS_HASH,
                                sealed_at)
    return replace(content, photos=photos), seal


@pytest.fixture
def keyring(signing_key: SigningKey) -> Keyring:
    return Keyring([signing_key.public_key])


def _verify(content: SignedContent, seal: Any, signature_png: bytes, keyring: Keyring) -> Any:
    return verify_seal(content, signature_png, seal, keyring, GENESIS_HASH)


def test_photo_hashes_are_part_of_the_sealed_content(sealed: Any, photos: Any) -> None:
    content, _ = sealed
    assert content_dict(content)["photos"] == [
        {"kind": "before", "sha256": sealed_photo(PhotoKind.BEFORE, photos[0].data).sha256},
        {"kind": "error_panel",
         "sha256": sealed_photo(PhotoKind.ERROR_PANEL, photos[1].data).sha256},
    ]


def test_a_report_without_photos_hashes_as_before_photos_existed(report: WorkReport) -> None:
    # Reports sealed before photos existed keep their content hash: no "photos" key at all.
    assert "photos" not in content_dict(SignedContent(report, SIGNER))


def test_a_report_with_photos_verifies(sealed: Any, signature_png: bytes,
                                       keyring: Keyring) -> None:
    content, seal = sealed
    result = _verify(content, seal, signature_png, keyring)
    assert (result.valid, result.problems) == (True, ())


def test_a_replaced_photo_is_detected(sealed: Any, signature_png: bytes,
                                      keyring: Keyring) -> None:
    content, seal = sealed
    other = canonical_photo_jpeg(photo_bytes(shade=120))
    swapped = (content.photos[0], replace(content.photos[1], data=other))
    result = _verify(replace(content, photos=swapped), seal, signature_png, keyring)
    assert result.problems == ("photo_altered:2",)


def test_a_removed_photo_is_detected(sealed: Any, signature_png: bytes,
                                     keyring: Keyring) -> None:
    content, seal = sealed
    result = _verify(replace(content, photos=content.photos[1:]), seal, signature_png, keyring)
    assert result.problems == ("photo_missing:1",)


def test_a_photo_added_after_signing_is_detected(sealed: Any, signature_png: bytes,
                                                 keyring: Keyring) -> None:
    content, seal = sealed
    extra = StoredPhoto(3, PhotoKind.AFTER, canonical_photo_jpeg(photo_bytes()))
    result = _verify(replace(content, photos=(*content.photos, extra)), seal, signature_png,
                     keyring)
    assert result.problems == ("photo_unsealed:3",)


def test_a_sealed_photo_list_edited_to_match_other_bytes_breaks_the_content_hash(
        sealed: Any, signature_png: bytes, keyring: Keyring) -> None:
    content, seal = sealed
    other = canonical_photo_jpeg(photo_bytes(shade=120))
    report = replace(content.report, photos=(content.report.photos[0],
                                             sealed_photo(PhotoKind.ERROR_PANEL, other)))
    edited = replace(content, report=report,
                     photos=(content.photos[0], replace(content.photos[1], data=other)))
    assert _verify(edited, seal, signature_png, keyring).problems == ("content_altered",)


@pytest.mark.parametrize(("kind", "problem"), [
    ("after", "photo_altered:1"),  # another valid kind
    ("selfie", "photo_altered:1"),  # not a kind at all: reported, never raised
])
def test_a_changed_kind_is_detected(sealed: Any, signature_png: bytes, keyring: Keyring,
                                    kind: str, problem: str) -> None:
    content, seal = sealed
    changed = (replace(content.photos[0], kind=kind), content.photos[1])
    assert _verify(replace(content, photos=changed), seal, signature_png,
                   keyring).problems == (problem,)


def test_erasure_keeps_the_photos_and_the_seal(sealed: Any, signature_png: bytes,
                                               keyring: Keyring) -> None:
    content, seal = sealed
    erased = erase_personal(content)
    assert erased.photos == content.photos
    assert _verify(erased, seal, signature_png, keyring).valid


def test_photo_order_is_sealed(with_photos: WorkReport) -> None:
    reordered = replace(with_photos, photos=with_photos.photos[::-1])
    assert content_hash(SignedContent(reordered, SIGNER)) != content_hash(
        SignedContent(with_photos, SIGNER))


def test_check_photos_is_empty_when_everything_matches(photos: Any) -> None:
    sealed = [sealed_photo(PhotoKind(p.kind), p.data) for p in photos]
    assert check_photos(sealed, photos) == []


# --- the PDF -----------------------------------------------------------------------------


def _images_and_text(pdf: bytes) -> tuple[int, str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    images = sum(len(page.images) for page in reader.pages)
    text = "".join(page.extract_text() for page in reader.pages)
    return images, "".join(text.split())  # the ideographic space extracts as a plain one


def test_the_pdf_prints_every_photo_with_its_kind_in_japanese(
        sealed: Any, signature_png: bytes) -> None:
    from reports.pdf import render_pdf

    content, seal = sealed
    pdf = render_pdf(content.report, seal, signature_png, None, signer_name=SIGNER,
                     photos=content.photos)
    images, text = _images_and_text(pdf)
    assert images == 3  # two photos and the signature
    assert "写真1撮影区分：作業前" in text and "写真2撮影区分：エラー表示" in text


def test_six_photos_fill_two_rows_and_a_missing_one_prints_a_note(
        report: WorkReport, signature_png: bytes) -> None:
    from reports.pdf import render_pdf

    kinds = [PhotoKind.BEFORE, PhotoKind.AFTER, PhotoKind.ERROR_PANEL] * 2
    datas = [canonical_photo_jpeg(photo_bytes(320, 240, shade=30 * i)) for i in range(6)]
    pairs = list(zip(kinds, datas, strict=True))
    value = replace(report, photos=tuple(sealed_photo(k, d) for k, d in pairs))
    kept = stored(*pairs)[:5]  # the sixth was removed from the database
    images, text = _images_and_text(render_pdf(value, None, None, None, photos=kept))
    assert images == 5
    assert "写真6撮影区分：エラー表示" in text and "写真を表示できません" in text


def test_a_report_without_photos_has_no_photo_section(report: WorkReport) -> None:
    from reports.pdf import render_pdf

    images, text = _images_and_text(render_pdf(report, None, None, None))
    assert images == 0 and "撮影区分" not in text
