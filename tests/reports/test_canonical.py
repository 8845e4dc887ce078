"""Canonical JSON, the bytes under every seal."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from reports.canonical import canonical_json, format_datetime


def test_keys_are_sorted_without_whitespace_and_text_is_utf8() -> None:
    assert canonical_json({"b": 1, "a": ["解決", None]}) == '{"a":["解決",null],"b":1}'.encode()


def test_datetimes_are_iso_8601_in_japan_time_with_offset() -> None:
    instant = datetime(2026, 11, 26, 1, 5, 0, 999_999, tzinfo=UTC)
    assert format_datetime(instant) == "2026-11-26T10:05:00+09:00"
    assert canonical_json({"t": instant}) == b'{"t":"2026-11-26T10:05:00+09:00"}'


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError):
        format_datetime(datetime(2026, 11, 26, 10, 5))


def test_values_without_a_canonical_form_are_refused() -> None:
    with pytest.raises(TypeError):
        canonical_json({"x": {1, 2}})
