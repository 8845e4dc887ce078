"""Handwritten signature images: decoded in full, bounded, and stored as a canonical PNG.

A PNG header alone (33 bytes) looks like a PNG to a prefix check but cannot be drawn, and a
sealed report can never change afterwards: its PDF would fail forever. So the image is
decoded completely with Pillow before sealing, its bytes and dimensions are bounded (a
decompression bomb must not reach the PDF renderer) and what is stored and sealed is a
fresh PNG written by Pillow, not the bytes the client sent (no trailing data, no ancillary
chunks, no metadata).
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, UnidentifiedImageError

MAX_SIGNATURE_BYTES = 2_000_000
# A tablet canvas at DPR 3 is about 2,400 × 900; these leave room and stop bombs.
MAX_SIDE = 4096
MAX_PIXELS = 4096 * 4096


class InvalidSignatureImage(ValueError):
    """The bytes are not a drawable PNG of a sensible size."""


def canonical_signature_png(data: bytes) -> bytes:
    """Decode `data` fully and return it re-encoded as an RGBA PNG; InvalidSignatureImage else."""
    if not data or len(data) > MAX_SIGNATURE_BYTES:
        raise InvalidSignatureImage("the signature image is empty or too large")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
                width, height = image.size
                if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE
                        and width * height <= MAX_PIXELS):
                    raise InvalidSignatureImage("the signature image dimensions are out of range")
                image.load()  # decodes every row: a truncated or corrupt stream fails here
                rgba = image.convert("RGBA")
    except InvalidSignatureImage:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError,
            Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InvalidSignatureImage("the signature image is not a readable PNG") from None
    out = io.BytesIO()
    rgba.save(out, format="PNG")
    return out.getvalue()
