"""Seals verify only against keys trusted by configuration outside the database (rules.md §7).

An attacker with SQL access can add a row to `signing_keys` and re-seal altered content
with a key of their own; that must not verify. A key retired in the configuration cannot
seal afterwards either.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from reporting_rows import data_url, make_visit, report_payload
from sqlalchemy import update

from dispatch.config import ConfigError
from dispatch.extensions import db
from dispatch.models import SigningKey
from dispatch.models import WorkReport as ReportRow
from dispatch.services.reporting import signing_keys
from dispatch.services.reporting.values import commitments_json, report_value
from reports.keys import (
    format_trusted_key,
    generate_signing_key,
    private_key_to_b64,
    public_key_to_b64,
)
from reports.sealing import GENESIS_HASH, seal_report


def _reseal_with_own_key(report_id: int) -> None:
    """What a database attacker does: register a key, alter the report, seal it again."""
    attacker = generate_signing_key()
    db.session.add(SigningKey(key_id=attacker.key_id, created_at=datetime.now(UTC),
                              public_key_b64=public_key_to_b64(attacker.public_key)))
    row = db.session.get(ReportRow, report_id)
    assert row is not None and row.signed_at is not None and row.signature_png is not None
    altered = replace(report_value(row), work_done="何もしていない")
    content, seal = seal_report(altered, "佐藤 花子", row.signature_png, attacker,
                                GENESIS_HASH, row.signed_at)
    db.session.execute(update(ReportRow).where(ReportRow.id == report_id).values(
        content={**row.content, "work_done": "何もしていない"},
        personal=commitments_json(content), seal=seal.to_dict(), seal_hash=seal.seal_hash))
    db.session.flush()
    db.session.expire_all()


def test_a_seal_by_a_key_inserted_in_the_database_is_invalid(tech, signed):
    _reseal_with_own_key(signed)
    body = tech.get(f"/reports/{signed}/verify").get_json()
    assert body == {"valid": False, "problems": ["unknown_key"], "erased": []}


def test_a_seal_dated_after_its_key_was_retired_is_invalid(app, tech, signed, monkeypatch):
    row = db.session.get(ReportRow, signed)
    assert row is not None and row.signed_at is not None
    dev_key = signing_keys.current_key()
    retired = row.signed_at.replace(year=row.signed_at.year - 1)
    monkeypatch.setitem(app.config, "DISPATCH_TRUSTED_KEYS",
                        format_trusted_key(dev_key.public_key, retired))
    body = tech.get(f"/reports/{signed}/verify").get_json()
    assert body["problems"] == ["key_retired"]
    # Retired after the seal: the report sealed before retirement still verifies.
    monkeypatch.setitem(app.config, "DISPATCH_TRUSTED_KEYS",
                        format_trusted_key(dev_key.public_key, row.signed_at))
    assert tech.get(f"/reports/{signed}/verify").get_json()["valid"] is True


def test_outside_development_only_configured_keys_are_trusted(app, tech, signed, monkeypatch):
    dev_key = signing_keys.current_key()
    monkeypatch.setitem(app.config, "DISPATCH_ENV", "production")
    monkeypatch.setitem(app.config, "TESTING", False)
    # The instance key file of development is not trusted in production …
    assert tech.get(f"/reports/{signed}/verify").get_json()["problems"] == ["unknown_key"]
    # … the public half of the configured signing key is.
    monkeypatch.setitem(app.config, "DISPATCH_SIGNING_KEY",
                        private_key_to_b64(generate_signing_key()))
    configured = signing_keys.current_key().key_id
    assert set(signing_keys.trusted_keys()) == {configured} and configured != dev_key.key_id


def test_trusted_keys_from_a_directory_of_pem_files(app, tmp_path, monkeypatch):
    keys = [generate_signing_key() for _ in range(2)]
    for key in keys:
        (tmp_path / f"{key.key_id}.pem").write_text(format_trusted_key(key.public_key))
    (tmp_path / "README").write_text("not a key")
    monkeypatch.setitem(app.config, "DISPATCH_ENV", "production")
    monkeypatch.setitem(app.config, "TESTING", False)
    monkeypatch.setitem(app.config, "DISPATCH_TRUSTED_KEYS", str(tmp_path))
    assert set(signing_keys.trusted_keys()) == {key.key_id for key in keys}


@pytest.mark.parametrize("value", [
    "/no/such/trusted/keys",  # a path that does not exist is a mistake, not "no keys"
    "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",  # not a key
    "retired: 2026-01-01T00:00:00\n-----BEGIN PUBLIC KEY-----",  # naive date, open block
])
def test_a_malformed_trust_configuration_is_refused(app, monkeypatch, value):
    monkeypatch.setitem(app.config, "DISPATCH_TRUSTED_KEYS", value)
    with pytest.raises(ConfigError, match="DISPATCH_TRUSTED_KEYS"):
        signing_keys.trusted_keys()


def test_rotation_keeps_old_reports_valid_when_both_keys_are_trusted(app, tech, signed):
    old, new = generate_signing_key(), generate_signing_key()
    app.config["DISPATCH_TRUSTED_KEYS"] = "\n".join(
        format_trusted_key(k.public_key) for k in (old, new))
    try:
        ids = []
        for key, serial in ((old, "AK10000004"), (new, "AK10000005")):
            app.config["DISPATCH_SIGNING_KEY"] = private_key_to_b64(key)
            other = make_visit(serial=serial)
            rid = tech.put(f"/visits/{other.visit_id}/report",
                           json=report_payload()).get_json()["id"]
            tech.post(f"/reports/{rid}/signature",
                      json={"signer_name": "佐藤 花子", "image": data_url()})
            ids.append(rid)
        app.config.pop("DISPATCH_SIGNING_KEY")
        for report_id in (signed, *ids):
            assert tech.get(f"/reports/{report_id}/verify").get_json()["valid"] is True
    finally:
        app.config.pop("DISPATCH_SIGNING_KEY", None)
        app.config.pop("DISPATCH_TRUSTED_KEYS")
