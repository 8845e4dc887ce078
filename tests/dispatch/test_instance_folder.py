"""The instance folder: where the app writes, chosen by the environment, never the package."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from dispatch.config import instance_folder

ROOT = Path(__file__).resolve().parents[2]

# A fresh process, so that create_app sees only the environment given to it.
CREATE_APP = """
import json
from flask_migrate import upgrade
from dispatch import create_app
from dispatch.services.reporting import signing_keys

app = create_app()
with app.app_context():
    upgrade()
    signing_keys.current_key()
print(json.dumps({"instance": app.instance_path, "db": app.config["SQLALCHEMY_DATABASE_URI"]}))
"""


def _create_app(cwd: Path, **env: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("DATABASE_URL", "DISPATCH_INSTANCE_PATH", "DISPATCH_SIGNING_KEY",
                          "DISPATCH_ENV")}
    done = subprocess.run([sys.executable, "-c", CREATE_APP], capture_output=True, text=True,
                          env={**clean, "PYTHONPATH": str(ROOT), **env}, cwd=cwd, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_database_and_development_key_go_to_dispatch_instance_path(tmp_path):
    folder = tmp_path / "var" / "dispatch"
    created = _create_app(tmp_path, DISPATCH_INSTANCE_PATH=str(folder))
    assert created == {"instance": str(folder), "db": f"sqlite:///{folder / 'dispatch.sqlite3'}"}
    assert (folder / "dispatch.sqlite3").is_file()
    assert (folder / "signing_key.pem").is_file()


def test_without_dispatch_instance_path_the_instance_folder_is_under_the_working_directory(
    tmp_path,
):
    created = _create_app(tmp_path)
    assert created["instance"] == str(tmp_path / "instance")
    assert (tmp_path / "instance" / "dispatch.sqlite3").is_file()
    assert (tmp_path / "instance" / "signing_key.pem").is_file()


def test_a_relative_dispatch_instance_path_is_taken_from_the_working_directory(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DISPATCH_INSTANCE_PATH", "data/instance")
    assert instance_folder() == str(tmp_path / "data" / "instance")
    monkeypatch.delenv("DISPATCH_INSTANCE_PATH")
    assert instance_folder() == str(tmp_path / "instance")
