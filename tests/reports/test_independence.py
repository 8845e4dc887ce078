"""reports/ stands on its own: no dispatch app, no web framework, no database."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import reports

FORBIDDEN = ("dispatch", "flask", "sqlalchemy", "werkzeug", "jinja2")
MODULES = sorted(Path(reports.__file__).parent.glob("*.py"))


def _imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("path", MODULES, ids=[p.name for p in MODULES])
def test_module_imports_no_app_framework_or_database(path: Path) -> None:
    assert not _imported_roots(path) & set(FORBIDDEN)


def test_vendored_font_and_its_licence_ship_with_the_package() -> None:
    fonts = Path(reports.__file__).parent / "fonts"
    assert (fonts / "ipaexg.ttf").stat().st_size > 1_000_000
    licence = (fonts / "IPA_Font_License_Agreement_v1.0.txt").read_text(encoding="utf-8")
    assert "IPA Font License Agreement v1.0" in licence and "IPAフォントライセンスv1.0" in licence
