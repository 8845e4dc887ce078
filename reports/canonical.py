"""Canonical JSON: the exact bytes that get hashed when a work report is sealed.

Sorted keys, no whitespace, UTF-8 (not \\u escapes), no NaN. Datetimes are written as
ISO 8601 in Japan time with the offset (`2026-11-26T10:05:00+09:00`) and whole seconds,
so a report read back from a database that returns UTC or drops microseconds still
hashes to the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, timezone
from typing import Any

# Japan has had no daylight saving time since 1951: a fixed offset needs no tz database.
JST = timezone(timedelta(hours=9), "JST")


def format_datetime(value: datetime) -> str:
    """ISO 8601 with a +09:00 offset, whole seconds; refuses naive datetimes."""
    if value.utcoffset() is None:
        raise ValueError("naive datetime cannot be sealed: the instant is ambiguous")
    return value.astimezone(JST).isoformat(timespec="seconds")


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return format_datetime(value)
    raise TypeError(f"{type(value).__name__} has no canonical JSON form")


def canonical_json(value: Any) -> bytes:
    """Encode `value` as canonical JSON bytes."""
    text = json.dumps(
        value,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
        default=_default,
    )
    return text.encode("utf-8")


def sha256_hex(data: bytes) -> str:
    """Lower-case hex SHA-256 of `data`."""
    return hashlib.sha256(data).hexdigest()
