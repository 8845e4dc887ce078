"""Photos attached to a work report (rules.md §7): kinds, the stored JPEG, and the seal check.

A photo is decoded in full with Pillow, bounded, turned upright from its EXIF orientation,
scaled to at most MAX_STORED_SIDE a side and stored as a fresh JPEG: no EXIF (a phone puts
the GPS position and the device's serial number there), no trailing bytes. What is sealed is
each photo's kind and the SHA-256 of those stored bytes, in order; the bytes stay beside the
report, so verification recomputes their hashes (`check_photos`).
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from PIL import Image, ImageOps, UnidentifiedImageError

from reports.canonical import sha256_hex

MAX_PHOTOS = 6
# What a client may send for one photo: a phone's full-size JPEG (12 MP is about 3–5 MB)
# fits; the tablet resizes before sending, so it sends far less.
MAX_PHOTO_BYTES = 4_000_000
MAX_SIDE = 4096
MAX_PIXELS = 4096 * 4096
# What is kept: enough to read an error panel on an A4 page, small enough for six per report.
MAX_STORED_SIDE = 1600
JPEG_QUALITY = 85
PHOTO_FORMATS = ["JPEG", "PNG", "WEBP"]
CONTENT_TYPE = "image/jpeg"


class PhotoKind(StrEnum):
    """What a photo shows (rules.md §7: before/after, error panel)."""

    BEFORE = "before"
    AFTER = "after"
    ERROR_PANEL = "error_panel"

    @property
    def label(self) -> str:
        """Japanese label printed on the report."""
        return PHOTO_KIND_LABELS[self]


PHOTO_KIND_LABELS: Mapping[PhotoKind, str] = {
    PhotoKind.BEFORE: "作業前",
    PhotoKind.AFTER: "作業後",
    PhotoKind.ERROR_PANEL: "エラー表示",
}


@dataclass(frozen=True)
class SealedPhoto:
    """What the seal covers of one photo: its kind and the hash of its stored bytes."""

    kind: PhotoKind
    sha256: str


@dataclass(frozen=True)
class StoredPhoto:
    """A photo as kept beside the report, at its 1-based position."""

    position: int
    kind: str  # as read back; a value outside PhotoKind is an alteration, not a crash
    data: bytes


class InvalidPhoto(ValueError):
    """The bytes are not a drawable image of a sensible size."""


def canonical_photo_jpeg(data: bytes) -> bytes:
    """Decode `data` fully; return it upright, ≤ MAX_STORED_SIDE a side, as a bare JPEG."""
    if not data or len(data) > MAX_PHOTO_BYTES:
        raise InvalidPhoto("the photo is empty or larger than 4 MB")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=PHOTO_FORMATS) as image:
                width, height = image.size
                if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE
                        and width * height <= MAX_PIXELS):
                    raise InvalidPhoto("the photo is more than 4096 pixels a side")
                image.load()  # decodes every row: a truncated or corrupt stream fails here
                upright = ImageOps.exif_transpose(image)
                rgb = upright.convert("RGB")
    except InvalidPhoto:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError,
            Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InvalidPhoto("the photo is not a readable JPEG, PNG or WebP image") from None
    rgb.thumbnail((MAX_STORED_SIDE, MAX_STORED_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    rgb.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


def drawable_photo(data: bytes) -> bytes:
    """Bytes a PDF can embed: stored JPEGs as they are once they decode in full within
    MAX_STORED_SIDE (re-encoding them again costs ~0.3 s each), anything else made canonical;
    InvalidPhoto when neither works."""
    try:
        with Image.open(io.BytesIO(data), formats=["JPEG"]) as image:
            if max(image.size) <= MAX_STORED_SIDE and image.mode == "RGB" and not image.info.get(
                    "progressive"):
                image.load()
                return data
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError,
            Image.DecompressionBombError):
        pass
    return canonical_photo_jpeg(data)


def sealed_photo(kind: PhotoKind, jpeg: bytes) -> SealedPhoto:
    """The sealed record of stored bytes."""
    return SealedPhoto(kind, sha256_hex(jpeg))


class PhotoProblem(StrEnum):
    """Why the stored photos do not match the sealed ones; written `code:position`."""

    MISSING = "photo_missing"
    ALTERED = "photo_altered"
    UNSEALED = "photo_unsealed"


def check_photos(sealed: Sequence[SealedPhoto], stored: Sequence[StoredPhoto]) -> list[str]:
    """Compare the stored photos with the sealed list; [] when every one matches."""
    by_position = {photo.position: photo for photo in stored}
    problems = []
    for position, expected in enumerate(sealed, start=1):
        photo = by_position.pop(position, None)
        if photo is None:
            problems.append(f"{PhotoProblem.MISSING}:{position}")
        elif photo.kind != expected.kind or sha256_hex(photo.data) != expected.sha256:
            problems.append(f"{PhotoProblem.ALTERED}:{position}")
    problems += [f"{PhotoProblem.UNSEALED}:{position}" for position in sorted(by_position)]
    return problems
