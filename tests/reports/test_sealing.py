"""Sealing: round trip, tamper detection, chaining, key rotation and erasure."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import fields, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from reports.content import (
    LATER_FIELDS,
    SignedContent,
    content_dict,
    content_hash,
    erase_personal,
)
from reports.document import (
    ChecklistItem,
    ExclusionCause,
    Part,
    PartCondition,
    Result,
    WorkReport,
)
from reports.keys import Keyring, SigningKey, rotate
from reports.personal import PERSONAL_FIELDS, commit
from reports.sealing import (
    ALGORITHM,
    GENESIS_HASH,
    Seal,
    seal_report,
    verify_chain,
    verify_seal,
)

SIGNER = "鈴木 花子"


@pytest.fixture
def sealed(
    report: WorkReport, signature_png: bytes, signing_key: SigningKey, sealed_at: datetime
) -> tuple[SignedContent, Any]:
    return seal_report(report, SIGNER, signature_png, signing_key, GENESIS_HASH, sealed_at)


@pytest.fixture
def keyring(signing_key: SigningKey) -> Keyring:
    return Keyring([signing_key.public_key])


def test_sealed_report_verifies(sealed: Any, signature_png: bytes, keyring: Keyring) -> None:
    content, seal = sealed
    result = verify_seal(content, signature_png, seal, keyring, GENESIS_HASH)
    assert result.valid, result.problems
    assert result.problems == () and result.erased == ()


def test_seal_records_hashes_key_and_algorithm(sealed: Any, signing_key: SigningKey) -> None:
    _, seal = sealed
    assert seal.prev_hash == GENESIS_HASH == "0" * 64
    assert all(len(h) == 64 for h in (seal.content_hash, seal.image_hash, seal.seal_hash))
    assert seal.key_id == signing_key.key_id and len(seal.key_id) == 16
    assert seal.algorithm == ALGORITHM


def test_sealed_content_holds_no_personal_plaintext(sealed: Any) -> None:
    content, _ = sealed
    sealed_text = repr(content_dict(content))
    for name in PERSONAL_FIELDS:
        assert content.personal_value(name) not in sealed_text
    assert set(content.commitments) == set(PERSONAL_FIELDS)  # every name is committed
    assert all(len(c.salt) == 16 for c in content.commitments.values())


def test_every_report_field_is_sealed(sealed: Any) -> None:
    # Guards against adding a WorkReport field and forgetting to put it under the seal.
    content, _ = sealed
    assert {f.name for f in fields(WorkReport)} - set(LATER_FIELDS) <= set(content_dict(content))


def test_later_fields_are_sealed_when_recorded_and_leave_older_seals_alone(sealed: Any) -> None:
    # rules.md §7: the seed §13 checklist and the subcontractor (seed §11) are sealed with the
    # report; a report without them hashes exactly as before they existed.
    content, _ = sealed
    assert not set(LATER_FIELDS) & set(content_dict(content))
    checklist = dict.fromkeys(ChecklistItem, True) | {ChecklistItem.BACKUP_KEPT: False}
    later = replace(content, report=replace(content.report, checklist=checklist,
                                            company_name="株式会社サンプル保守"))
    sealed_later = content_dict(later)
    assert sealed_later["checklist"] == {"attendant_present": True, "environment_ok": True,
                                         "backup_kept": False, "software_licensed": True}
    assert sealed_later["company_name"] == "株式会社サンプル保守"
    assert content_hash(later) != content_hash(content)


def test_sealing_refuses_an_image_that_is_not_png(
    report: WorkReport, signing_key: SigningKey, sealed_at: datetime
) -> None:
    with pytest.raises(ValueError, match="PNG"):
        seal_report(report, SIGNER, b"GIF89a...", signing_key, GENESIS_HASH, sealed_at)


def test_sealing_refuses_a_huge_png(
    report: WorkReport, signing_key: SigningKey, sealed_at: datetime
) -> None:
    # IHDR of a 100000 x 100000 image: a decompression bomb for the PDF renderer.
    header = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + (100_000).to_bytes(4, "big") * 2
    with pytest.raises(ValueError, match="too large"):
        seal_report(report, SIGNER, header, signing_key, GENESIS_HASH, sealed_at)


def test_sealing_refuses_a_report_without_attendee(
    make_report: Callable[..., WorkReport],
    signature_png: bytes,
    signing_key: SigningKey,
    sealed_at: datetime,
) -> None:
    report = make_report(attendee_name=None)
    with pytest.raises(ValueError, match="attendee_name"):
        seal_report(report, SIGNER, signature_png, signing_key, GENESIS_HASH, sealed_at)


LATER = timedelta(minutes=1)

# One row per sealed field: changing it after signing must break the content hash.
FIELD_TAMPERING: list[tuple[str, Any]] = [
    ("report_id", "R-2026-000124"),
    ("visit_id", "V-4712"),
    ("call_id", "C-0816"),
    ("device_serial", "AK12345679"),
    ("device_model", "COREFIDO C835dnw"),
    ("site_name", "別会社"),
    ("site_address", "大阪府大阪市"),
    ("customer_name", "別会社株式会社"),
    ("support_pack_id", "SP-7Y-0042-9999"),
    ("arrived_at", datetime(2026, 11, 26, 0, 5, tzinfo=UTC)),
    ("departed_at", datetime(2026, 11, 26, 6, 0, tzinfo=UTC)),
    ("work_done", "作業なし"),
    ("result", Result.FOLLOW_UP),
    ("parts", (Part("44472603", 2, PartCondition.NEW, True),)),  # quantity raised
    ("technical_changes", ()),  # a technical change dropped
    ("data_initialized", False),
    ("counter_reading", 100),
    ("exclusion_cause", ExclusionCause.NATURAL_DISASTER),  # makes the work chargeable
]


@pytest.mark.parametrize(("field", "value"), FIELD_TAMPERING, ids=[f for f, _ in FIELD_TAMPERING])
def test_changing_a_sealed_field_is_detected(
    sealed: Any, signature_png: bytes, keyring: Keyring, field: str, value: Any
) -> None:
    content, seal = sealed
    tampered = replace(content, report=replace(content.report, **{field: value}))
    result = verify_seal(tampered, signature_png, seal, keyring, GENESIS_HASH)
    assert not result.valid
    assert result.problems == ("content_altered",)


def test_same_instant_in_another_offset_is_not_tampering(
    sealed: Any, signature_png: bytes, keyring: Keyring
) -> None:
    # A database may hand the time back in UTC; the canonical form is Japan time.
    content, seal = sealed
    utc = content.report.arrived_at.astimezone(UTC)
    moved = replace(content, report=replace(content.report, arrived_at=utc))
    assert verify_seal(moved, signature_png, seal, keyring, GENESIS_HASH).valid


@pytest.mark.parametrize("name", PERSONAL_FIELDS)
def test_changing_a_personal_name_is_detected(
    sealed: Any, signature_png: bytes, keyring: Keyring, name: str
) -> None:
    content, seal = sealed
    if name == "signer_name":
        tampered = replace(content, signer_name="田中 一郎")
    else:
        tampered = replace(content, report=replace(content.report, **{name: "田中 一郎"}))
    result = verify_seal(tampered, signature_png, seal, keyring, GENESIS_HASH)
    assert result.problems == (f"personal_altered:{name}",)


def test_replacing_a_name_with_a_matching_new_digest_is_detected(
    sealed: Any, signature_png: bytes, keyring: Keyring
) -> None:
    # A forger who also rewrites salt and digest still changes the sealed content.
    content, seal = sealed
    forged = replace(
        content,
        signer_name="田中 一郎",
        commitments={**content.commitments, "signer_name": commit("田中 一郎")},
    )
    result = verify_seal(forged, signature_png, seal, keyring, GENESIS_HASH)
    assert result.problems == ("content_altered",)


def test_changing_the_signature_image_is_detected(
    sealed: Any, keyring: Keyring, make_signature: Callable[[int], bytes]
) -> None:
    content, seal = sealed
    result = verify_seal(content, make_signature(7), seal, keyring, GENESIS_HASH)
    assert result.problems == ("image_altered",)


# One row per field of the seal itself that someone might edit in the database.
SEAL_TAMPERING: list[tuple[str, Any, tuple[str, ...]]] = [
    # backdating the signature time breaks the seal hash and the signature over it
    ("sealed_at", datetime(2026, 1, 1, tzinfo=UTC), ("seal_altered", "bad_signature")),
    # swapping the seal hash for another one
    ("seal_hash", "f" * 64, ("seal_altered",)),
    # a signature made by nobody
    ("signature", "AAAA", ("bad_signature",)),
    # a stored content hash rewritten to match edited content
    ("content_hash", "e" * 64, ("content_altered", "seal_altered", "bad_signature")),
    # an algorithm this code does not know
    ("algorithm", "rsa", ("unsupported_algorithm", "seal_altered", "bad_signature")),
]


@pytest.mark.parametrize(("field", "value", "problems"), SEAL_TAMPERING)
def test_changing_the_seal_is_detected(
    sealed: Any, signature_png: bytes, keyring: Keyring, field: str, value: Any, problems: Any
) -> None:
    content, seal = sealed
    result = verify_seal(
        content, signature_png, replace(seal, **{field: value}), keyring, GENESIS_HASH
    )
    assert result.problems == problems


def _seal_two(
    make_report: Callable[..., WorkReport],
    key: SigningKey,
    sealed_at: datetime,
    signature: Callable[[int], bytes],
) -> list[tuple[SignedContent, Any, bytes]]:
    chain, prev = [], GENESIS_HASH
    for index in range(2):
        image = signature(index)
        report = make_report(report_id=f"R-{index}")
        content, seal = seal_report(report, SIGNER, image, key, prev, sealed_at + index * LATER)
        chain.append((content, seal, image))
        prev = seal.seal_hash
    return chain


def test_reports_verify_in_chain_order(
    make_report: Callable[..., WorkReport],
    signing_key: SigningKey,
    keyring: Keyring,
    sealed_at: datetime,
    make_signature: Callable[[int], bytes],
) -> None:
    (a_content, a_seal, a_png), (b_content, b_seal, b_png) = _seal_two(
        make_report, signing_key, sealed_at, make_signature
    )
    assert b_seal.prev_hash == a_seal.seal_hash
    assert verify_seal(a_content, a_png, a_seal, keyring, GENESIS_HASH).valid
    assert verify_seal(b_content, b_png, b_seal, keyring, a_seal.seal_hash).valid


def test_swapping_two_reports_in_the_chain_is_detected(
    make_report: Callable[..., WorkReport],
    signing_key: SigningKey,
    keyring: Keyring,
    sealed_at: datetime,
    make_signature: Callable[[int], bytes],
) -> None:
    (a_content, a_seal, a_png), (b_content, b_seal, b_png) = _seal_two(
        make_report, signing_key, sealed_at, make_signature
    )
    # B placed first, then A after B
    first = verify_seal(b_content, b_png, b_seal, keyring, GENESIS_HASH)
    second = verify_seal(a_content, a_png, a_seal, keyring, b_seal.seal_hash)
    assert first.problems == ("chain_broken",)
    assert second.problems == ("chain_broken",)


def test_old_reports_verify_after_key_rotation(
    sealed: Any, signature_png: bytes, keyring: Keyring, report: WorkReport, sealed_at: datetime
) -> None:
    old_content, old_seal = sealed
    new_key, rotated = rotate(keyring)
    new_content, new_seal = seal_report(
        replace(report, report_id="R-new"),
        SIGNER,
        signature_png,
        new_key,
        old_seal.seal_hash,
        sealed_at + LATER,
    )
    assert new_seal.key_id != old_seal.key_id and len(rotated) == 2
    assert verify_seal(old_content, signature_png, old_seal, rotated, GENESIS_HASH).valid
    assert verify_seal(new_content, signature_png, new_seal, rotated, old_seal.seal_hash).valid


def test_report_sealed_with_an_unknown_key_is_invalid(
    sealed: Any, signature_png: bytes, keyring: Keyring
) -> None:
    content, seal = sealed
    stranger, _ = rotate(Keyring())
    result = verify_seal(content, signature_png, seal, Keyring([stranger.public_key]), GENESIS_HASH)
    assert result.problems == ("unknown_key",)


def test_seal_claiming_another_known_key_id_fails_the_signature(
    sealed: Any, signature_png: bytes, keyring: Keyring
) -> None:
    content, seal = sealed
    other, rotated = rotate(keyring)
    result = verify_seal(
        content, signature_png, replace(seal, key_id=other.key_id), rotated, GENESIS_HASH
    )
    assert result.problems == ("seal_altered", "bad_signature")


@pytest.mark.parametrize(
    "erased",
    [
        PERSONAL_FIELDS,  # full erasure request of everyone named
        ("attendee_name",),  # the site manager alone asks for erasure
        ("signer_name",),  # only the signer's name
    ],
)
def test_erasure_keeps_the_seal_valid(
    sealed: Any, signature_png: bytes, keyring: Keyring, erased: tuple[str, ...]
) -> None:
    content, seal = sealed
    after = erase_personal(content, erased)
    assert all(after.personal_value(name) is None for name in erased)
    assert all(after.commitments[name].salt is None for name in erased)
    result = verify_seal(after, signature_png, seal, keyring, GENESIS_HASH)
    assert result.valid, result.problems
    assert result.erased == erased


def test_erased_signature_image_keeps_the_seal_valid(sealed: Any, keyring: Keyring) -> None:
    content, seal = sealed
    result = verify_seal(erase_personal(content), None, seal, keyring, GENESIS_HASH)
    assert result.valid
    assert result.erased == (*PERSONAL_FIELDS, "signature_image")


def test_erased_report_still_detects_tampering(
    sealed: Any, signature_png: bytes, keyring: Keyring
) -> None:
    content, seal = sealed
    after = erase_personal(content)
    tampered = replace(after, report=replace(after.report, counter_reading=1))
    result = verify_seal(tampered, signature_png, seal, keyring, GENESIS_HASH)
    assert result.problems == ("content_altered",)


def test_name_put_back_without_its_salt_is_unverifiable(
    sealed: Any, signature_png: bytes, keyring: Keyring
) -> None:
    content, seal = sealed
    after = erase_personal(content, ("attendee_name",))
    restored = replace(after, report=replace(after.report, attendee_name="誰か"))
    result = verify_seal(restored, signature_png, seal, keyring, GENESIS_HASH)
    assert result.problems == ("personal_unverifiable:attendee_name",)


def test_erasing_an_unknown_field_is_refused(sealed: Any) -> None:
    content, _ = sealed
    with pytest.raises(ValueError):
        erase_personal(content, ("site_name",))


def test_seal_survives_its_json_form(sealed: Any, signature_png: bytes, keyring: Keyring) -> None:
    content, seal = sealed
    restored = Seal.from_dict(json.loads(json.dumps(seal.to_dict())))
    assert restored == seal
    assert verify_seal(content, signature_png, restored, keyring, GENESIS_HASH).valid


def test_verify_chain_flags_the_reports_out_of_order(
    make_report: Callable[..., WorkReport],
    signing_key: SigningKey,
    keyring: Keyring,
    sealed_at: datetime,
    make_signature: Callable[[int], bytes],
) -> None:
    chain = _seal_two(make_report, signing_key, sealed_at, make_signature)
    entries = [(content, image, seal) for content, seal, image in chain]
    assert [r.valid for r in verify_chain(entries, keyring)] == [True, True]
    assert [r.valid for r in verify_chain(entries[::-1], keyring)] == [False, False]


def test_naive_datetime_read_back_is_reported_not_raised(
    sealed: Any, signature_png: bytes, keyring: Keyring
) -> None:
    # SQLite drops the offset; verification must say so instead of crashing.
    content, seal = sealed
    naive = content.report.arrived_at.replace(tzinfo=None)
    broken = replace(content, report=replace(content.report, arrived_at=naive))
    result = verify_seal(broken, signature_png, seal, keyring, GENESIS_HASH)
    assert result.problems == ("content_invalid",)


def test_sealing_refuses_a_malformed_previous_hash(
    report: WorkReport, signature_png: bytes, signing_key: SigningKey, sealed_at: datetime
) -> None:
    with pytest.raises(ValueError, match="prev_seal_hash"):
        seal_report(report, SIGNER, signature_png, signing_key, "abc", sealed_at)


def test_content_hash_of_schema_v1_is_pinned(report: WorkReport) -> None:
    # Old seals must keep verifying: any change to the sealed form needs a new schema.
    salt = bytes(range(16))
    names = {"technician_name": "佐藤 健一", "attendee_name": "鈴木 花子", "signer_name": SIGNER}
    content = SignedContent(report, SIGNER, {k: commit(v, salt) for k, v in names.items()})
    assert content_hash(content) == PINNED_CONTENT_HASH


PINNED_CONTENT_HASH = "1aa2ddf9e0d9b386aa1f794b2eafce9fbcd4e5df171ce5f6b7609008474bfbf2"
