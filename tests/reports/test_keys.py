"""Sealing keys: ids, serialization and the keyring."""

from __future__ import annotations

import hashlib

import pytest
from cryptography.hazmat.primitives import serialization

from reports.keys import (
    Keyring,
    SigningKey,
    key_id_for,
    private_key_from_b64,
    private_key_from_pem,
    private_key_to_b64,
    private_key_to_pem,
    public_key_from_b64,
    public_key_from_pem,
    public_key_to_b64,
    public_key_to_pem,
    rotate,
)


def test_key_id_is_first_16_hex_of_sha256_of_raw_public_key(signing_key: SigningKey) -> None:
    raw = signing_key.public_key.public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    assert signing_key.key_id == hashlib.sha256(raw).hexdigest()[:16]
    assert key_id_for(signing_key.public_key) == signing_key.key_id


@pytest.mark.parametrize(
    "round_trip",
    [
        lambda k: private_key_from_pem(private_key_to_pem(k)),  # plain PKCS#8 PEM
        lambda k: private_key_from_pem(private_key_to_pem(k, b"pw"), b"pw"),  # encrypted PEM
        lambda k: private_key_from_b64(private_key_to_b64(k)),  # raw base64
    ],
)
def test_private_key_survives_serialization(signing_key: SigningKey, round_trip) -> None:
    assert round_trip(signing_key).key_id == signing_key.key_id


@pytest.mark.parametrize(
    "round_trip",
    [
        lambda p: public_key_from_pem(public_key_to_pem(p)),  # SubjectPublicKeyInfo PEM
        lambda p: public_key_from_b64(public_key_to_b64(p)),  # raw base64
    ],
)
def test_public_key_survives_serialization(signing_key: SigningKey, round_trip) -> None:
    assert key_id_for(round_trip(signing_key.public_key)) == signing_key.key_id


def test_rotation_keeps_old_keys_in_the_keyring(signing_key: SigningKey) -> None:
    ring = Keyring([signing_key.public_key])
    new_key, rotated = rotate(ring)
    assert set(rotated) == {signing_key.key_id, new_key.key_id}
    assert len(ring) == 1  # the old keyring value is unchanged


def test_keyring_round_trips_through_base64_and_recomputes_ids(signing_key: SigningKey) -> None:
    ring = Keyring([signing_key.public_key])
    encoded = ring.to_b64()
    assert Keyring.from_b64(encoded.values()).to_b64() == encoded
