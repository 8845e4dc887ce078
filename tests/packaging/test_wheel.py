"""The wheel carries everything the installed app reads: code, templates, migrations, static
files, data and the report font (.ci/wheel-check runs the installed copy end to end)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Repository folder → where setup.py and pyproject.toml put it in the wheel.
SHIPPED = {
    "templates": "dispatch/templates",
    "migrations": "dispatch/migrations",
    "dispatch": "dispatch",
    "routing": "routing",
    "reports": "reports",
}


def _repository_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode()
    return [name for name in listed.split("\0") if name and (ROOT / name).is_file()]


@pytest.fixture(scope="module")
def wheel_files(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    # Built from a copy: an old build/ folder in the checkout would leak into the wheel.
    source = tmp_path_factory.mktemp("source")
    for name in _repository_files():
        target = source / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((ROOT / name).read_bytes())
    dist = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist),
         str(source)], capture_output=True, text=True, timeout=600,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = dist.glob("oki_dispatch-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def _expected(files: list[str], suffixes: tuple[str, ...]) -> set[str]:
    expected = set()
    for name in files:
        top, _, rest = name.partition("/")
        if top in SHIPPED and rest and name.endswith(suffixes) and "__pycache__" not in name:
            expected.add(f"{SHIPPED[top]}/{rest}")
    return expected


def test_wheel_has_every_module_template_and_migration(wheel_files):
    expected = _expected(_repository_files(), (".py", ".html", ".ini", ".mako"))
    assert expected, "no source files found"
    assert expected - wheel_files == set()
    assert any(f.startswith("dispatch/migrations/versions/") for f in expected)


def test_wheel_has_static_files_data_and_the_report_font(wheel_files):
    files = _repository_files()
    static = {f for f in files if f.startswith(("dispatch/static/", "dispatch/data/"))}
    assert static - wheel_files == set()
    assert {"dispatch/static/app.css", "dispatch/data/remote_islands.json",
            "reports/fonts/ipaexg.ttf"} <= wheel_files


def test_wheel_keeps_repository_folders_inside_the_packages(wheel_files):
    top_levels = {name.split("/")[0] for name in wheel_files}
    assert {t for t in top_levels if not t.endswith(".dist-info")} == {
        "dispatch", "routing", "reports"}
