"""Sealing signed work reports so that any later change is detectable (rules.md §7, §8).

What is sealed when the site manager signs:

1. content_hash = SHA-256 of the canonical JSON (`reports.canonical`: sorted keys, no
   whitespace, UTF-8, datetimes ISO 8601 with offset) of `reports.content.content_dict`:
   every WorkReport field, with each person's name (technician, attendee, signer) present
   only as a salted digest, never as plaintext;
   The report's photos are in it as their kinds and the SHA-256 of their stored JPEGs
   (`reports.photos`), so their bytes are checked against those hashes when verifying;
2. image_hash = SHA-256 of the signature image bytes (PNG);
3. seal_hash = SHA-256 of the canonical JSON of {algorithm, content_hash, image_hash,
   key_id, prev_hash, sealed_at}. prev_hash is the seal_hash of the report sealed just
   before (GENESIS_HASH, 64 zeros, for the first), chaining reports in signing order so
   that removing, inserting or reordering sealed reports is detected;
4. signature = Ed25519 over the 32 raw bytes of seal_hash with the service key named by
   key_id (`reports.keys`: old public keys stay in the keyring after a rotation).

Privacy (rules.md §8: erasure of personal information must not break seals). A name is
committed as digest = SHA-256(salt || UTF-8 name), with a random 16-byte salt per field
(`reports.personal`). Only the digest is inside the sealed content. The plaintext name
and its salt are stored beside the report (`SignedContent`: the WorkReport name fields,
`signer_name`, and `commitments[field].salt`), never inside the sealed bytes.

- While a name and its salt are present, `verify_seal` checks the name against its
  digest, so a changed name is detected (`personal_altered:<field>`).
- `erase_personal` removes the plaintext and the salt and keeps the digest. The content
  hash is unchanged, so the seal still verifies, and `VerifyResult.erased` lists the
  erased fields. Without the salt, the digest cannot be matched against guessed names.
- The handwritten signature image is personal data too: once it is deleted, pass
  `image_bytes=None`; the seal still verifies and lists `signature_image` as erased.

What the app stores per signed report: the WorkReport fields, `signer_name`, per
personal field its digest (permanent) and salt (erasable), the PNG (erasable) and the
Seal (`Seal.to_dict`). No clock is read here: the caller passes `sealed_at`.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from reports.canonical import canonical_json, format_datetime, sha256_hex
from reports.content import SignedContent, commit_personal, content_hash
from reports.document import WorkReport
from reports.keys import SigningKey
from reports.personal import PERSONAL_FIELDS
from reports.photos import check_photos
from reports.signature_image import canonical_signature_png

GENESIS_HASH = "0" * 64
ALGORITHM = "ed25519+sha256/v1"
SIGNATURE_IMAGE = "signature_image"


@dataclass(frozen=True)
class Seal:
    """The public proof printed on the report and returned by the verify endpoint."""

    content_hash: str
    image_hash: str
    prev_hash: str
    seal_hash: str
    signature: str  # base64 Ed25519 signature over bytes.fromhex(seal_hash)
    key_id: str
    sealed_at: datetime
    algorithm: str = ALGORITHM

    def to_dict(self) -> dict[str, str]:
        """JSON form for storage and the verify endpoint (sealed_at in ISO 8601)."""
        return {
            "algorithm": self.algorithm,
            "content_hash": self.content_hash,
            "image_hash": self.image_hash,
            "prev_hash": self.prev_hash,
            "seal_hash": self.seal_hash,
            "signature": self.signature,
            "key_id": self.key_id,
            "sealed_at": format_datetime(self.sealed_at),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, str]) -> Seal:
        """Read the form written by `to_dict`."""
        values: dict[str, Any] = {name: data[name] for name in cls.__dataclass_fields__}
        return cls(**{**values, "sealed_at": datetime.fromisoformat(data["sealed_at"])})


class Problem(StrEnum):
    """Why a seal does not verify; per-field problems are written `code:field`."""

    UNSUPPORTED_ALGORITHM = "unsupported_algorithm"
    CONTENT_ALTERED = "content_altered"
    CONTENT_INVALID = "content_invalid"
    PERSONAL_ALTERED = "personal_altered"
    PERSONAL_UNVERIFIABLE = "personal_unverifiable"
    IMAGE_ALTERED = "image_altered"
    CHAIN_BROKEN = "chain_broken"
    SEAL_ALTERED = "seal_altered"
    UNKNOWN_KEY = "unknown_key"
    KEY_RETIRED = "key_retired"
    BAD_SIGNATURE = "bad_signature"


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of `verify_seal`: valid only when `problems` is empty."""

    valid: bool
    problems: tuple[str, ...] = ()
    erased: tuple[str, ...] = ()


def _seal_hash(seal: Seal) -> str:
    # Raises ValueError for a naive sealed_at; verify_seal reports that as seal_altered.
    fields = {
        "algorithm": seal.algorithm,
        "content_hash": seal.content_hash,
        "image_hash": seal.image_hash,
        "key_id": seal.key_id,
        "prev_hash": seal.prev_hash,
        "sealed_at": format_datetime(seal.sealed_at),
    }
    return sha256_hex(canonical_json(fields))


def is_hash(value: str) -> bool:
    """True for a lower-case hex SHA-256 digest such as a seal hash."""
    return len(value) == 64 and all(c in "0123456789abcdef" for c in value)


def check_signature_png(data: bytes) -> None:
    """Raise ValueError unless `data` decodes in full as a PNG of a sensible size."""
    canonical_signature_png(data)  # InvalidSignatureImage is a ValueError


def seal_report(
    report: WorkReport,
    signer_name: str,
    signature_png: bytes,
    key: SigningKey,
    prev_seal_hash: str,
    sealed_at: datetime,
) -> tuple[SignedContent, Seal]:
    """Seal a report at signing; returns what to store beside it and the seal."""
    if not is_hash(prev_seal_hash):
        raise ValueError("prev_seal_hash must be 64 lower-case hex digits")
    check_signature_png(signature_png)
    content = commit_personal(report, signer_name)
    unsigned = Seal(
        content_hash=content_hash(content),
        image_hash=sha256_hex(signature_png),
        prev_hash=prev_seal_hash,
        seal_hash="",
        signature="",
        key_id=key.key_id,
        sealed_at=sealed_at,
    )
    seal_hash = _seal_hash(unsigned)
    signature = key.private_key.sign(bytes.fromhex(seal_hash))
    seal = replace(unsigned, seal_hash=seal_hash, signature=base64.b64encode(signature).decode())
    return content, seal


def _check_personal(content: SignedContent) -> tuple[list[str], list[str]]:
    problems, erased = [], []
    for name in PERSONAL_FIELDS:
        value = content.personal_value(name)
        commitment = content.commitments.get(name)
        if value is None:
            erased.append(name)
        elif commitment is None or commitment.is_erased:
            # A name without its salt cannot be checked: it was not part of what was signed.
            problems.append(f"{Problem.PERSONAL_UNVERIFIABLE}:{name}")
        elif not commitment.matches(value):
            problems.append(f"{Problem.PERSONAL_ALTERED}:{name}")
    return problems, erased


def _check_signature(seal: Seal, seal_hash: str, public_key: Ed25519PublicKey) -> bool:
    try:
        public_key.verify(base64.b64decode(seal.signature, validate=True), bytes.fromhex(seal_hash))
    except (InvalidSignature, ValueError):
        return False
    return True


def verify_seal(
    report_content: SignedContent,
    image_bytes: bytes | None,
    seal: Seal,
    public_keys: Mapping[str, Ed25519PublicKey],
    prev_seal_hash: str,
    retired_at: Mapping[str, datetime] | None = None,
) -> VerifyResult:
    """Recompute every hash and check the signature; `image_bytes=None` means erased.

    `public_keys` must be the trusted set (never keys read from the same store as the
    report); `retired_at` maps a key id to the moment it stopped sealing, so a seal it
    made later is forged with a leaked old key, however valid its signature.
    """
    problems, erased = _check_personal(report_content)
    if seal.algorithm != ALGORITHM:
        problems.append(Problem.UNSUPPORTED_ALGORITHM)
    try:
        if content_hash(report_content) != seal.content_hash:
            problems.append(Problem.CONTENT_ALTERED)
    except ValueError:  # e.g. a naive datetime read back from the database
        problems.append(Problem.CONTENT_INVALID)
    if image_bytes is None:
        erased.append(SIGNATURE_IMAGE)
    elif sha256_hex(image_bytes) != seal.image_hash:
        problems.append(Problem.IMAGE_ALTERED)
    # The photos' hashes are inside the content hash; their bytes are checked against them.
    problems += check_photos(report_content.report.photos, report_content.photos)
    if seal.prev_hash != prev_seal_hash:
        problems.append(Problem.CHAIN_BROKEN)
    try:
        seal_hash = _seal_hash(seal)
    except ValueError:
        seal_hash = ""
    if seal_hash != seal.seal_hash:
        problems.append(Problem.SEAL_ALTERED)
    public_key = public_keys.get(seal.key_id)
    if public_key is None:
        problems.append(Problem.UNKNOWN_KEY)
    elif not seal_hash or not _check_signature(seal, seal_hash, public_key):
        problems.append(Problem.BAD_SIGNATURE)
    retired = (retired_at or {}).get(seal.key_id)
    if retired is not None and _sealed_after(seal, retired):
        problems.append(Problem.KEY_RETIRED)
    return VerifyResult(not problems, tuple(str(p) for p in problems), tuple(erased))


def _sealed_after(seal: Seal, moment: datetime) -> bool:
    try:
        return seal.sealed_at > moment
    except TypeError:  # a naive sealed_at: already reported as seal_altered
        return True


def verify_chain(
    entries: Sequence[tuple[SignedContent, bytes | None, Seal]],
    public_keys: Mapping[str, Ed25519PublicKey],
    retired_at: Mapping[str, datetime] | None = None,
) -> list[VerifyResult]:
    """Verify reports in signing order, each against the previous entry's seal hash."""
    results, prev = [], GENESIS_HASH
    for content, image, seal in entries:
        results.append(verify_seal(content, image, seal, public_keys, prev, retired_at))
        prev = seal.seal_hash
    return results
