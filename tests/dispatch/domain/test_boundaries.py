"""dispatch/domain/ is pure: no Flask, no SQLAlchemy, nothing of the app outside domain/.

Imports are read with `ast`, so an import inside a function counts as much as one at the top,
and relative imports are resolved before they are judged.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[3] / "dispatch" / "domain"
MODULES = sorted(PACKAGE.rglob("*.py"))
# Top-level names the domain may not import (flask_* are matched by prefix).
FORBIDDEN_ROOTS = ("flask", "sqlalchemy", "werkzeug")


def module_name(path: Path) -> str:
    """dispatch/domain/coverage.py → dispatch.domain.coverage (a package → its own name)."""
    parts = path.relative_to(PACKAGE.parents[1]).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(source: str, module: str, is_package: bool = False) -> set[str]:
    """Every module `source` imports, absolute; `from a import b` yields a.b (b may be a module)."""
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names if alias.name != "*"}
    return found


def forbidden(name: str) -> bool:
    root = name.split(".")[0]
    if root in FORBIDDEN_ROOTS or root.startswith("flask_"):
        return True
    # `from dispatch import x` names dispatch.x; the bare `dispatch` package itself (its
    # __init__ builds the Flask app) is only allowed as the parent of dispatch.domain.
    if root == "dispatch":
        return not (name.startswith("dispatch.domain") or name == "dispatch")
    return False


def offending_imports(source: str, module: str, is_package: bool = False) -> list[str]:
    return sorted(n for n in imported_modules(source, module, is_package) if forbidden(n))


def module_id(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


@pytest.mark.parametrize("path", MODULES, ids=module_id)
def test_domain_module_imports_no_framework_database_or_app_module(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert offending_imports(source, module_name(path), path.name == "__init__.py") == []


def test_every_domain_module_is_checked() -> None:
    assert len(MODULES) > 10 and all(p.suffix == ".py" for p in MODULES)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # Top-level framework and database imports.
        ("import flask", ["flask"]),
        ("from flask_login import current_user", ["flask_login", "flask_login.current_user"]),
        ("import sqlalchemy.orm", ["sqlalchemy.orm"]),
        ("from werkzeug.exceptions import NotFound", ["werkzeug.exceptions",
                                                     "werkzeug.exceptions.NotFound"]),
        # An import hidden inside a function body.
        ("def f():\n    from sqlalchemy import select\n", ["sqlalchemy", "sqlalchemy.select"]),
        # The app outside domain/, absolute and relative.
        ("from dispatch.models import Pack", ["dispatch.models", "dispatch.models.Pack"]),
        ("from dispatch import clock", ["dispatch.clock"]),
        ("from .. import extensions", ["dispatch.extensions"]),
        ("from ..services.day import board", ["dispatch.services.day",
                                               "dispatch.services.day.board"]),
        # Allowed: the standard library, small pure libraries, domain/ itself.
        ("from datetime import date\nimport holidays", []),
        ("from dispatch.domain.codes import RuleCode", []),
        ("from . import codes\nfrom .periods import day_after", []),
    ],
)
def test_the_check_catches_what_it_must_and_only_that(source: str, expected: list[str]) -> None:
    assert offending_imports(source, "dispatch.domain.example") == expected
