"""routing/ stands alone: no dispatch, Flask or database imports; only solver.py uses ortools."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "routing"


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            roots.add(node.module.split(".")[0])
    return roots


# Every module, those of subpackages (routing/ruin_recreate/) included.
MODULES = sorted(PACKAGE.rglob("*.py"))


def module_id(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


@pytest.mark.parametrize("path", MODULES, ids=module_id)
def test_routing_module_imports_nothing_from_the_app_or_a_database(path):
    forbidden = {"dispatch", "flask", "flask_sqlalchemy", "sqlalchemy", "psycopg"}
    assert not imported_roots(path) & forbidden


@pytest.mark.parametrize("path", MODULES, ids=module_id)
def test_only_the_solver_module_imports_ortools(path):
    assert ("ortools" in imported_roots(path)) == (path.name == "solver.py")
