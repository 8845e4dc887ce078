"""The service's Ed25519 sealing key and the keyring of every public key it ever used.

The private key comes from DISPATCH_SIGNING_KEY (PKCS#8 PEM or raw base64). In development
and tests a key file is generated in the instance folder instead. Every public key is
stored in `signing_keys`, so a rotation keeps old reports verifiable (rules.md §8: 5+ years).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from dispatch.config import ConfigError
from dispatch.extensions import db
from dispatch.models import SigningKey as SigningKeyRow
from reports.keys import (
    Keyring,
    SigningKey,
    generate_signing_key,
    private_key_from_b64,
    private_key_from_pem,
    private_key_to_pem,
    public_key_from_b64,
    public_key_to_b64,
)

KEY_FILE = "signing_key.pem"


def _key_file() -> Path:
    return Path(current_app.instance_path) / KEY_FILE


def _parse(text: str) -> SigningKey:
    text = text.strip()
    if text.startswith("-----BEGIN"):
        return private_key_from_pem(text.replace("\\n", "\n").encode())
    return private_key_from_b64(text)


def current_key() -> SigningKey:
    """The key that seals new reports: from the environment, else the instance key file."""
    configured = current_app.config.get("DISPATCH_SIGNING_KEY")
    if configured:
        return _parse(configured)
    path = _key_file()
    if path.exists():
        return private_key_from_pem(path.read_bytes())
    if current_app.config.get("DISPATCH_ENV") not in ("development", "test") and not (
        current_app.config.get("TESTING")
    ):
        raise ConfigError("DISPATCH_SIGNING_KEY is required outside development")
    key = generate_signing_key()
    _write_key_file(path, key)
    return key


def _write_key_file(path: Path, key: SigningKey) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(private_key_to_pem(key))
    tmp.chmod(0o600)
    tmp.replace(path)


def ensure_registered(key: SigningKey, now: datetime) -> None:
    """Store the key's public half if it is new (inside the caller's transaction)."""
    exists = db.session.scalar(select(SigningKeyRow).where(SigningKeyRow.key_id == key.key_id))
    if exists is None:
        db.session.add(SigningKeyRow(key_id=key.key_id, created_at=now,
                                     public_key_b64=public_key_to_b64(key.public_key)))
        db.session.flush()


def keyring() -> Keyring:
    """Every stored public key; ids are recomputed from the keys, never trusted."""
    rows = db.session.scalars(select(SigningKeyRow)).all()
    return Keyring(public_key_from_b64(row.public_key_b64) for row in rows)


def rotate(now: datetime) -> tuple[SigningKey, bool]:
    """Make a new sealing key, retire the old public key row and register the new one.

    Returns the key and whether it was written to the instance key file; when the key
    comes from DISPATCH_SIGNING_KEY the operator must put the new key there.
    """
    old = current_key()
    ensure_registered(old, now)
    new = generate_signing_key()
    for row in db.session.scalars(select(SigningKeyRow).where(SigningKeyRow.retired_at.is_(None))):
        row.retired_at = now
    ensure_registered(new, now)
    written = not current_app.config.get("DISPATCH_SIGNING_KEY")
    if written:
        path = _key_file()
        if path.exists():  # keep the old private key beside it, for the record
            path.replace(path.with_name(f"signing_key.{old.key_id}.pem"))
        _write_key_file(path, new)
    db.session.flush()
    return new, written
