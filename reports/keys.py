"""Ed25519 keys that seal work reports, their ids, and the keyring used to verify them.

Rotation: the service signs with one current key; every public key it ever used stays in
the keyring, so reports sealed years ago (rules.md §8 keeps records for 5+ years) still verify.
A key's id is derived from the key itself, so nobody can attach a wrong id to a key.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

_RAW = serialization.Encoding.Raw, serialization.PublicFormat.Raw


def key_id_for(public_key: Ed25519PublicKey) -> str:
    """Key id: the first 16 hex digits of SHA-256 over the raw 32-byte public key."""
    return hashlib.sha256(public_key.public_bytes(*_RAW)).hexdigest()[:16]


@dataclass(frozen=True)
class SigningKey:
    """The service's private sealing key together with its key id."""

    private_key: Ed25519PrivateKey

    @property
    def public_key(self) -> Ed25519PublicKey:
        """The matching public key, for the keyring."""
        return self.private_key.public_key()

    @property
    def key_id(self) -> str:
        """Id printed on every report this key seals."""
        return key_id_for(self.public_key)


def generate_signing_key() -> SigningKey:
    """Make a fresh Ed25519 sealing key."""
    return SigningKey(Ed25519PrivateKey.generate())


def private_key_to_pem(key: SigningKey, password: bytes | None = None) -> bytes:
    """PKCS#8 PEM, encrypted when a password is given."""
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    return key.private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


def private_key_from_pem(data: bytes, password: bytes | None = None) -> SigningKey:
    """Load a PKCS#8 PEM Ed25519 private key."""
    key = serialization.load_pem_private_key(data, password=password)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("not an Ed25519 private key")
    return SigningKey(key)


def private_key_to_b64(key: SigningKey) -> str:
    """The raw 32-byte private key in base64 (fits one environment variable)."""
    raw = key.private_key.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    return base64.b64encode(raw).decode("ascii")


def private_key_from_b64(text: str) -> SigningKey:
    """Load a raw base64 Ed25519 private key."""
    return SigningKey(Ed25519PrivateKey.from_private_bytes(base64.b64decode(text, validate=True)))


def public_key_to_pem(public_key: Ed25519PublicKey) -> bytes:
    """SubjectPublicKeyInfo PEM."""
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def public_key_from_pem(data: bytes) -> Ed25519PublicKey:
    """Load a PEM Ed25519 public key."""
    key = serialization.load_pem_public_key(data)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def public_key_to_b64(public_key: Ed25519PublicKey) -> str:
    """The raw 32-byte public key in base64."""
    return base64.b64encode(public_key.public_bytes(*_RAW)).decode("ascii")


def public_key_from_b64(text: str) -> Ed25519PublicKey:
    """Load a raw base64 Ed25519 public key."""
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))


class Keyring(Mapping[str, Ed25519PublicKey]):
    """Immutable key id → public key map holding every sealing key ever used."""

    def __init__(self, public_keys: Iterable[Ed25519PublicKey] = ()) -> None:
        self._keys = {key_id_for(key): key for key in public_keys}

    def __getitem__(self, key_id: str) -> Ed25519PublicKey:
        return self._keys[key_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def with_key(self, public_key: Ed25519PublicKey) -> Keyring:
        """A keyring that also holds `public_key`; rotation adds, never removes."""
        return Keyring([*self._keys.values(), public_key])

    def to_b64(self) -> dict[str, str]:
        """Key id → raw base64 public key, for configuration files."""
        return {key_id: public_key_to_b64(key) for key_id, key in self._keys.items()}

    @classmethod
    def from_b64(cls, encoded: Iterable[str]) -> Keyring:
        """Build a keyring from raw base64 public keys (ids are recomputed, not trusted)."""
        return cls(public_key_from_b64(text) for text in encoded)


def rotate(keyring: Keyring) -> tuple[SigningKey, Keyring]:
    """Make the next sealing key and a keyring that still holds all the old ones."""
    new_key = generate_signing_key()
    return new_key, keyring.with_key(new_key.public_key)


@dataclass(frozen=True)
class TrustedKey:
    """A public key trusted to verify seals, with the moment it stopped sealing (if any)."""

    public_key: Ed25519PublicKey
    retired_at: datetime | None = None

    @property
    def key_id(self) -> str:
        """Recomputed from the key, never read from configuration."""
        return key_id_for(self.public_key)


_PEM_BEGIN = "-----BEGIN PUBLIC KEY-----"
_PEM_END = "-----END PUBLIC KEY-----"
_RETIRED = "retired:"


def parse_trusted_keys(text: str) -> list[TrustedKey]:
    """Read PEM public keys, each optionally preceded by a line `retired: <ISO 8601>`.

    The format of DISPATCH_TRUSTED_KEYS and of the key files in a trusted-keys directory;
    `#` lines are comments. Raises ValueError for a malformed key or date, because a trust
    configuration that is silently half-read would make valid seals look forged.
    """
    keys: list[TrustedKey] = []
    retired: datetime | None = None
    block: list[str] | None = None
    for raw_line in text.replace("\\n", "\n").splitlines():
        line = raw_line.strip()
        if block is not None:
            block.append(line)
            if line == _PEM_END:
                keys.append(TrustedKey(public_key_from_pem("\n".join(block).encode()), retired))
                block, retired = None, None
        elif line == _PEM_BEGIN:
            block = [line]
        elif line.lower().startswith(_RETIRED):
            retired = datetime.fromisoformat(line[len(_RETIRED):].strip())
            if retired.tzinfo is None:
                raise ValueError("a retirement date needs its UTC offset")
        elif line and not line.startswith("#"):
            raise ValueError(f"unexpected line in trusted keys: {line[:40]!r}")
    if block is not None:
        raise ValueError("a public key PEM block is not closed")
    return keys


def format_trusted_key(public_key: Ed25519PublicKey, retired_at: datetime | None = None) -> str:
    """One entry of the trusted-keys format read by `parse_trusted_keys`."""
    head = f"# key id {key_id_for(public_key)}\n"
    if retired_at is not None:
        head += f"{_RETIRED} {retired_at.isoformat()}\n"
    return head + public_key_to_pem(public_key).decode()
