"""Photos of a work report (rules.md §7): read from the payload, stored, and read back.

A draft's `photos` list replaces its photos; each entry is either a new image (a data URL,
decoded in full and stored re-encoded by `reports.photos`) or `{kind, sha256}` naming a
photo the draft already holds, so a tablet re-saving a draft need not send its photos
again. A payload without `photos` keeps the draft's photos (clients written before photos).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from dispatch.domain.codes import RuleCode
from dispatch.errors import InvalidInput, NotFound
from dispatch.extensions import db
from dispatch.models import ReportPhoto
from dispatch.models import WorkReport as ReportRow
from dispatch.services.reporting import access
from dispatch.services.trust.audit import Actor
from reports.photos import (
    CONTENT_TYPE,
    MAX_PHOTO_BYTES,
    MAX_PHOTOS,
    InvalidPhoto,
    PhotoKind,
    SealedPhoto,
    StoredPhoto,
    canonical_photo_jpeg,
    sealed_photo,
)

DATA_URL = re.compile(r"data:image/(?:jpeg|png|webp);base64,")
# base64 of MAX_PHOTO_BYTES, plus the prefix and padding: longer is refused unread.
MAX_DATA_URL = len("data:image/jpeg;base64,") + MAX_PHOTO_BYTES * 4 // 3 + 4


@dataclass(frozen=True)
class NewPhoto:
    """A photo about to be stored at its position: its kind and canonical JPEG."""

    kind: PhotoKind
    jpeg: bytes

    @property
    def sealed(self) -> SealedPhoto:
        """What the seal will cover of it."""
        return sealed_photo(self.kind, self.jpeg)


def _decode(image: Any) -> bytes:
    """The canonical JPEG of a data URL; InvalidPhoto when it is not a readable image."""
    if not isinstance(image, str) or not (match := DATA_URL.match(image)):
        raise InvalidPhoto("must be data:image/jpeg;base64,… (or png, webp)")
    if len(image) > MAX_DATA_URL:
        raise InvalidPhoto("the photo is empty or larger than 4 MB")
    try:
        data = base64.b64decode(image[match.end():], validate=True)
    except (binascii.Error, ValueError):
        raise InvalidPhoto("is not valid base64") from None
    return canonical_photo_jpeg(data)


def _entry(entry: Any, held: Mapping[str, bytes], errors: dict[str, list[str]],
           codes: set[RuleCode], prefix: str) -> NewPhoto | None:
    if not isinstance(entry, Mapping):
        errors[prefix] = ["must be an object"]
        return None
    kind = entry.get("kind")
    if not isinstance(kind, str) or kind not in tuple(PhotoKind):
        errors[f"{prefix}.kind"] = [f"must be one of: {', '.join(PhotoKind)}"]
    if ("image" in entry) == ("sha256" in entry):
        errors[prefix] = ["must give either image or sha256"]
        return None
    jpeg = held.get(entry["sha256"]) if "sha256" in entry else None
    if "sha256" in entry and jpeg is None:
        errors[f"{prefix}.sha256"] = ["is not a photo of this report"]
    if "image" in entry:
        try:
            jpeg = _decode(entry["image"])
        except InvalidPhoto as exc:
            errors[f"{prefix}.image"] = [str(exc)]
            codes.add(RuleCode.REPORT_PHOTO_UNREADABLE)
    if jpeg is None or not isinstance(kind, str) or f"{prefix}.kind" in errors:
        return None
    return NewPhoto(PhotoKind(kind), jpeg)


def photos_from_payload(raw: Any, row: ReportRow | None) -> list[NewPhoto]:
    """Read the payload's `photos` list against the draft's photos; InvalidInput else."""
    if not isinstance(raw, list):
        raise InvalidInput("bad photos", errors={"photos": ["must be a list"]})
    if len(raw) > MAX_PHOTOS:
        raise InvalidInput(f"a report holds at most {MAX_PHOTOS} photos",
                           codes=[RuleCode.REPORT_PHOTO_LIMIT],
                           errors={"photos": [f"must list at most {MAX_PHOTOS} photos"]})
    held = {photo.sha256: photo.data for photo in (row.photos if row is not None else [])}
    errors: dict[str, list[str]] = {}
    codes: set[RuleCode] = set()
    photos = [_entry(entry, held, errors, codes, f"photos.{index}")
              for index, entry in enumerate(raw)]
    if errors:
        raise InvalidInput("a photo cannot be stored", codes=sorted(codes), errors=errors)
    return [photo for photo in photos if photo is not None]


def replace_photos(row: ReportRow, photos: list[NewPhoto], now: datetime) -> None:
    """Make `photos` the draft's photos, in order (no commit)."""
    row.photos.clear()
    # Flushed before the new rows go in: the old ones hold the same (report, position) keys,
    # and one flush inserts before it deletes.
    db.session.flush()
    for position, photo in enumerate(photos, start=1):
        row.photos.append(ReportPhoto(
            position=position, kind=photo.kind, content_type=CONTENT_TYPE, data=photo.jpeg,
            sha256=photo.sealed.sha256, byte_size=len(photo.jpeg), created_at=now))


def stored_photos(row: ReportRow) -> tuple[StoredPhoto, ...]:
    """The stored bytes of the report's photos, for verifying and printing."""
    rows = db.session.execute(select(ReportPhoto.position, ReportPhoto.kind, ReportPhoto.data)
                              .where(ReportPhoto.report_id == row.id)
                              .order_by(ReportPhoto.position))
    return tuple(StoredPhoto(position, kind, data) for position, kind, data in rows)


def photo_list(row: ReportRow) -> list[dict[str, Any]]:
    """{position, kind, sha256, byte_size} of each photo, without loading the images."""
    rows = db.session.execute(select(ReportPhoto.position, ReportPhoto.kind, ReportPhoto.sha256,
                                     ReportPhoto.byte_size)
                              .where(ReportPhoto.report_id == row.id)
                              .order_by(ReportPhoto.position))
    return [{"position": position, "kind": kind, "sha256": sha256, "byte_size": size}
            for position, kind, sha256, size in rows]


def photo_of_report(row: ReportRow, position: int) -> ReportPhoto:
    """The report's photo at `position`; 404 when it has none there."""
    photo = db.session.scalar(select(ReportPhoto).where(
        ReportPhoto.report_id == row.id, ReportPhoto.position == position))
    if photo is None:
        raise NotFound(f"report {row.id} has no photo {position}")
    return photo


def photo_for_reading(report_id: int, position: int, actor: Actor) -> ReportPhoto:
    """One photo of a report the actor may read (rules.md §8 roles); 404 otherwise."""
    return photo_of_report(access.report_for_reading(report_id, actor), position)
