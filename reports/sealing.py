"""Sealing signed work reports so that any later change is detectable (SPEC §7, §8).

What is sealed, when the site manager signs:

1. content_hash = SHA-256 of the report's canonical JSON (`reports.canonical`): every
   WorkReport field, where each person's name (technician, attendee, signer) appears
   only as a salted digest (`reports.personal`), never as plaintext;
2. image_hash = SHA-256 of the signature image bytes (PNG);
3. seal_hash = SHA-256 of the canonical JSON of {algorithm, content_hash, image_hash,
   key_id, prev_hash, sealed_at}; prev_hash is the seal_hash of the previously sealed
   report (GENESIS_HASH for the first), which chains reports in signing order;
4. signature = Ed25519 over the 32 raw bytes of seal_hash, with the service key
   `key_id` (`reports.keys`; old public keys stay in the keyring after rotation).

Privacy by design: personal names live *beside* the sealed content together with their
16-byte salts (`SignedContent.commitments`). `erase_personal` drops plaintext and salt
and keeps the digest, so the content hash, hence the seal, is unchanged: an erased
report still verifies, and `VerifyResult.erased` says which fields were erased. While
the plaintext is present, verification checks it against its digest, so a changed name
is caught too. The signature image is personal as well; pass `image_bytes=None` once it
has been erased and the rest of the seal still verifies.

No clock is read here: the caller passes `sealed_at`.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from reports.canonical import canonical_json, format_datetime, sha256_hex
from reports.document import WorkReport
from reports.keys import SigningKey
from reports.personal import PERSONAL_FIELDS, Commitment, commit

GENESIS_HASH = "0" * 64
ALGORITHM = "ed25519+sha256/v1"
CONTENT_SCHEMA = "oki-work-report/1"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SIGNATURE_IMAGE = "signature_image"


@dataclass(frozen=True)
class SignedContent:
    """A signed report as stored: the report, the signer and the personal commitments."""

    report: WorkReport
    signer_name: str | None
    commitments: Mapping[str, Commitment] = field(default_factory=dict)

    def personal_value(self, name: str) -> str | None:
        """Plaintext of one personal field, None once erased."""
        if name == "signer_name":
            return self.signer_name
        return getattr(self.report, name)


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


class Problem(StrEnum):
    """Why a seal does not verify; per-field problems are written `code:field`."""

    UNSUPPORTED_ALGORITHM = "unsupported_algorithm"
    CONTENT_ALTERED = "content_altered"
    PERSONAL_ALTERED = "personal_altered"
    PERSONAL_UNVERIFIABLE = "personal_unverifiable"
    IMAGE_ALTERED = "image_altered"
    CHAIN_BROKEN = "chain_broken"
    SEAL_ALTERED = "seal_altered"
    UNKNOWN_KEY = "unknown_key"
    BAD_SIGNATURE = "bad_signature"


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of `verify_seal`: valid only when `problems` is empty."""

    valid: bool
    problems: tuple[str, ...] = ()
    erased: tuple[str, ...] = ()


def _parts(report: WorkReport) -> list[dict[str, object]]:
    return [
        {
            "part_no": part.part_no,
            "qty": part.qty,
            "condition": part.condition.value,
            "removed_returned": part.removed_returned,
        }
        for part in report.parts
    ]


def content_dict(content: SignedContent) -> dict[str, object]:
    """The sealed form of a signed report (schema v1; names only as salted digests)."""
    report = content.report
    # Listed field by field, not dataclasses.asdict: a field added to WorkReport later
    # must not silently change the hash of every report sealed before it.
    sealed: dict[str, object] = {
        "schema": CONTENT_SCHEMA,
        "report_id": report.report_id,
        "visit_id": report.visit_id,
        "call_id": report.call_id,
        "device_serial": report.device_serial,
        "device_model": report.device_model,
        "site_name": report.site_name,
        "site_address": report.site_address,
        "customer_name": report.customer_name,
        "support_pack_id": report.support_pack_id,
        "arrived_at": format_datetime(report.arrived_at),
        "departed_at": format_datetime(report.departed_at),
        "work_done": report.work_done,
        "result": report.result.value,
        "parts": _parts(report),
        "technical_changes": list(report.technical_changes),
        "data_initialized": report.data_initialized,
        "counter_reading": report.counter_reading,
        "exclusion_cause": report.exclusion_cause and report.exclusion_cause.value,
    }
    for name in PERSONAL_FIELDS:
        commitment = content.commitments.get(name)
        sealed[name] = {"salted_sha256": commitment.digest if commitment else None}
    return sealed


def content_hash(content: SignedContent) -> str:
    """SHA-256 of the canonical JSON of `content_dict(content)`."""
    return sha256_hex(canonical_json(content_dict(content)))


def _seal_hash(seal: Seal) -> str:
    fields = {
        "algorithm": seal.algorithm,
        "content_hash": seal.content_hash,
        "image_hash": seal.image_hash,
        "key_id": seal.key_id,
        "prev_hash": seal.prev_hash,
        "sealed_at": format_datetime(seal.sealed_at),
    }
    return sha256_hex(canonical_json(fields))


def commit_personal(report: WorkReport, signer_name: str) -> SignedContent:
    """Salt and digest every personal name of a report about to be sealed."""
    content = SignedContent(report, signer_name)
    commitments = {}
    for name in PERSONAL_FIELDS:
        value = content.personal_value(name)
        if value is None or not value.strip():
            raise ValueError(f"{name} is required to seal a report")
        commitments[name] = commit(value)
    return replace(content, commitments=commitments)


def seal_report(
    report: WorkReport,
    signer_name: str,
    signature_png: bytes,
    key: SigningKey,
    prev_seal_hash: str,
    sealed_at: datetime,
) -> tuple[SignedContent, Seal]:
    """Seal a report at signing; returns what to store beside it and the seal."""
    if not signature_png.startswith(PNG_MAGIC):
        raise ValueError("the signature image must be a PNG")
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


def erase_personal(
    content: SignedContent, fields: tuple[str, ...] = PERSONAL_FIELDS
) -> SignedContent:
    """Drop plaintext and salt of personal fields; the digests, hence the seal, stay."""
    unknown = set(fields) - set(PERSONAL_FIELDS)
    if unknown:
        raise ValueError(f"not personal fields: {sorted(unknown)}")
    report_changes = {name: None for name in fields if name != "signer_name"}
    commitments = {
        name: (commitment.erased() if name in fields else commitment)
        for name, commitment in content.commitments.items()
    }
    return SignedContent(
        report=replace(content.report, **report_changes),
        signer_name=None if "signer_name" in fields else content.signer_name,
        commitments=commitments,
    )


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
) -> VerifyResult:
    """Recompute every hash and check the signature; `image_bytes=None` means erased."""
    problems, erased = _check_personal(report_content)
    if seal.algorithm != ALGORITHM:
        problems.append(Problem.UNSUPPORTED_ALGORITHM)
    if content_hash(report_content) != seal.content_hash:
        problems.append(Problem.CONTENT_ALTERED)
    if image_bytes is None:
        erased.append(SIGNATURE_IMAGE)
    elif sha256_hex(image_bytes) != seal.image_hash:
        problems.append(Problem.IMAGE_ALTERED)
    if seal.prev_hash != prev_seal_hash:
        problems.append(Problem.CHAIN_BROKEN)
    seal_hash = _seal_hash(seal)
    if seal_hash != seal.seal_hash:
        problems.append(Problem.SEAL_ALTERED)
    public_key = public_keys.get(seal.key_id)
    if public_key is None:
        problems.append(Problem.UNKNOWN_KEY)
    elif not _check_signature(seal, seal_hash, public_key):
        problems.append(Problem.BAD_SIGNATURE)
    return VerifyResult(not problems, tuple(str(p) for p in problems), tuple(erased))
