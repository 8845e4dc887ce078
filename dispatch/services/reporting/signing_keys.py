"""The service's Ed25519 sealing key and the public keys trusted to verify its seals.

The private key comes from DISPATCH_SIGNING_KEY (PKCS#8 PEM or raw base64). In development
and tests a key file is generated in the instance folder instead. Every public key is also
listed in `signing_keys`, for the record only: that table lives in the same database as the
reports, so whoever can alter a report can add a key there. Verification trusts only
`trusted_keys()`, read from configuration outside the database (rules.md §7):
DISPATCH_TRUSTED_KEYS (a directory of PEM files, one PEM file, or the PEM text itself, each
key optionally preceded by `retired: <ISO 8601>`), the public half of DISPATCH_SIGNING_KEY,
and in development/test the key files of the instance folder.
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
    TrustedKey,
    generate_signing_key,
    parse_trusted_keys,
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
    """Every public key listed in the database: for `keys list`, never for verification."""
    rows = db.session.scalars(select(SigningKeyRow)).all()
    return Keyring(public_key_from_b64(row.public_key_b64) for row in rows)


def _development() -> bool:
    return current_app.config.get("DISPATCH_ENV") in ("development", "test") or bool(
        current_app.config.get("TESTING"))


def _configured_trust(value: str) -> list[TrustedKey]:
    # A value naming an existing path is read from there; anything else is the PEM text.
    looks_like_pem = "-----BEGIN" in value
    path = Path(value) if not looks_like_pem and len(value) < 4096 else None
    try:
        if path is not None and path.is_dir():
            return [key for file in sorted(path.glob("*.pem"))
                    for key in parse_trusted_keys(file.read_text(encoding="utf-8"))]
        if path is not None and path.is_file():
            return parse_trusted_keys(path.read_text(encoding="utf-8"))
        if not looks_like_pem:
            raise ConfigError(f"DISPATCH_TRUSTED_KEYS: no such file or directory: {value}")
        return parse_trusted_keys(value)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"DISPATCH_TRUSTED_KEYS: {exc}") from None


def _instance_keys() -> list[TrustedKey]:
    # The generated development key, and the ones `keys rotate` set aside beside it.
    folder = Path(current_app.instance_path)
    files = [folder / KEY_FILE, *sorted(folder.glob("signing_key.*.pem"))]
    return [TrustedKey(private_key_from_pem(f.read_bytes()).public_key)
            for f in files if f.is_file()]


def trusted_keys() -> dict[str, TrustedKey]:
    """Key id → trusted key, from configuration outside the database (never the table).

    Where a key appears twice, the entry with a retirement date wins: retiring a key in
    DISPATCH_TRUSTED_KEYS must hold even while it is still the configured signing key.
    """
    found: list[TrustedKey] = []
    if _development():
        found += _instance_keys()
    configured = current_app.config.get("DISPATCH_SIGNING_KEY")
    if configured:
        found.append(TrustedKey(_parse(configured).public_key))
    listed = current_app.config.get("DISPATCH_TRUSTED_KEYS")
    if listed:
        found += _configured_trust(str(listed).strip())
    trusted: dict[str, TrustedKey] = {}
    for key in found:
        if key.key_id not in trusted or key.retired_at is not None:
            trusted[key.key_id] = key
    return trusted


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
