"""Sealing keys: configured or generated, and rotation keeps old reports verifiable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dispatch.services.reporting import signing_keys
from reports.keys import generate_signing_key, private_key_to_b64, private_key_to_pem

ROOT = Path(__file__).resolve().parents[3]


def test_configured_key_is_used_in_pem_or_base64(app):
    key = generate_signing_key()
    for text in (private_key_to_pem(key).decode(), private_key_to_b64(key)):
        app.config["DISPATCH_SIGNING_KEY"] = text
        try:
            assert signing_keys.current_key().key_id == key.key_id
        finally:
            app.config.pop("DISPATCH_SIGNING_KEY")


def test_cli_rotate_writes_the_new_key_and_registers_it(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'keys.sqlite3'}"
    out = tmp_path / "new.pem"
    env = {"DATABASE_URL": db_url, "PYTHONPATH": str(ROOT),
           "DISPATCH_SIGNING_KEY": private_key_to_b64(generate_signing_key()), "PATH": "/usr/bin"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", "from dispatch.cli import main; main()",
                               *args], capture_output=True, text=True, env=env, cwd=ROOT,
                              timeout=120)

    assert run("db", "upgrade").returncode == 0
    refused = run("keys", "rotate")
    assert refused.returncode == 1 and "--out" in refused.stderr
    rotated = run("keys", "rotate", "--out", str(out))
    assert rotated.returncode == 0, rotated.stderr
    assert out.read_bytes().startswith(b"-----BEGIN PRIVATE KEY")
    listed = run("keys", "list").stdout.splitlines()
    assert len(listed) == 2 and listed[1].endswith("current") and "current" not in listed[0]


def test_development_generates_a_private_key_file_once(app, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    first = signing_keys.current_key()
    path = tmp_path / signing_keys.KEY_FILE
    assert path.exists() and oct(path.stat().st_mode & 0o777) == "0o600"
    assert signing_keys.current_key().key_id == first.key_id


def test_production_without_a_configured_key_refuses_to_seal(app, tmp_path, monkeypatch):
    from dispatch.config import ConfigError

    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    monkeypatch.setitem(app.config, "DISPATCH_ENV", "production")
    monkeypatch.setitem(app.config, "TESTING", False)
    with pytest.raises(ConfigError, match="DISPATCH_SIGNING_KEY"):
        signing_keys.current_key()
    assert not (tmp_path / signing_keys.KEY_FILE).exists()
