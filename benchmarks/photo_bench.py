"""Report photos: storing a camera-sized photo, and the PDF with six photos vs none.

Run: PYTHONPATH=. python benchmarks/photo_bench.py [--repeat N]
The photos are synthetic (a gradient with Gaussian noise, like a camera's sensor texture),
4000 × 3000 as a 12 MP phone saves them; figures are medians of N runs.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from dataclasses import replace
from unittest import mock

from PIL import Image
from reportlab import rl_config

from benchmarks.report_bench import _report
from reports.pdf import render_pdf
from reports.photos import PhotoKind, StoredPhoto, canonical_photo_jpeg, sealed_photo


def camera_photo(shade: int) -> bytes:
    """A 4000 × 3000 JPEG at quality 92 with sensor-like noise."""
    noise = Image.effect_noise((4000, 3000), 24).convert("RGB")
    base = Image.linear_gradient("L").resize((4000, 3000)).convert("RGB")
    image = Image.blend(base, noise, 0.35)
    image = Image.blend(image, Image.new("RGB", image.size, (shade, 80, 160)), 0.3)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=92)
    return out.getvalue()


def median_seconds(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    upload = camera_photo(40)
    stored = canonical_photo_jpeg(upload)
    print(f"camera photo: {len(upload):,} bytes; stored JPEG: {len(stored):,} bytes "
          f"(base64 {len(stored) * 4 // 3:,} characters)")
    print(f"canonical_photo_jpeg(4000x3000): "
          f"{median_seconds(lambda: canonical_photo_jpeg(upload), args.repeat):.3f} s")
    datas = [canonical_photo_jpeg(camera_photo(40 * n)) for n in range(6)]
    kinds = [PhotoKind.BEFORE, PhotoKind.AFTER, PhotoKind.ERROR_PANEL] * 2
    plain = _report(1)
    with_photos = replace(plain, photos=tuple(sealed_photo(k, d) for k, d in zip(kinds, datas,
                                                                                 strict=True)))
    photos = tuple(StoredPhoto(i, k, d) for i, (k, d) in enumerate(zip(kinds, datas,
                                                                       strict=True), start=1))
    none = median_seconds(lambda: render_pdf(plain, None, None, None), args.repeat)
    six = median_seconds(lambda: render_pdf(with_photos, None, None, None, photos=photos),
                         args.repeat)
    size = len(render_pdf(with_photos, None, None, None, photos=photos))
    print(f"PDF without photos: {none:.3f} s; with six: {six:.3f} s "
          f"({six / none:.1f}x), {size:,} bytes")
    # The first version of the photo grid, for comparison in the same run: every stored
    # photo re-encoded for the PDF, and reportlab's ASCII85 image streams.
    with mock.patch("reports.pdf_photos.drawable_photo", canonical_photo_jpeg), \
            mock.patch.object(rl_config, "useA85", 1):
        old = median_seconds(lambda: render_pdf(with_photos, None, None, None, photos=photos),
                             args.repeat)
        old_size = len(render_pdf(with_photos, None, None, None, photos=photos))
    print(f"with six, re-encoded and ASCII85 (first version): {old:.3f} s, {old_size:,} bytes "
          f"({old / six:.1f}x the current time)")


if __name__ == "__main__":
    main()
