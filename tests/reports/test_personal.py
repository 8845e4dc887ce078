"""Salted commitments to personal names."""

from __future__ import annotations

import hashlib

import pytest

from reports.personal import commit, salted_digest


def test_digest_is_sha256_of_salt_then_utf8_value() -> None:
    salt = bytes(16)
    expected = hashlib.sha256(salt + "鈴木 花子".encode()).hexdigest()
    assert salted_digest("鈴木 花子", salt) == expected


def test_same_name_gets_unlinkable_digests() -> None:
    # A fresh salt per field: one person's digests cannot be matched across reports.
    first, second = commit("鈴木 花子"), commit("鈴木 花子")
    assert first.digest != second.digest
    assert first.matches("鈴木 花子") and second.matches("鈴木 花子")


def test_erased_commitment_keeps_digest_but_matches_nothing() -> None:
    commitment = commit("鈴木 花子")
    erased = commitment.erased()
    assert erased.digest == commitment.digest and erased.is_erased
    assert not erased.matches("鈴木 花子")


def test_salt_must_be_16_bytes() -> None:
    with pytest.raises(ValueError):
        commit("鈴木 花子", b"short")
