"""The `dispatch` package has no import cycles, counting imports inside functions too.

A deferred (function-level) import hides a cycle from the interpreter but not from the
reader: views → services → domain and models is meant to flow one way. The graph is read
from the source with `ast`, so nothing is imported to build it. An edge goes to the module
named in the statement (`from dispatch.x import y` goes to `dispatch.x.y` when y is a
submodule); the parent packages Python initialises on the way are not edges, or every
module would meet `dispatch/__init__.py` (the app factory) in a cycle. Imports under
`if TYPE_CHECKING:` never run and are left out.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

PACKAGE = "dispatch"
ROOT = Path(__file__).resolve().parents[2]


def module_files(root: Path, package: str) -> dict[str, Path]:
    """Every module of `package` under `root`, by dotted name."""
    modules = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _is_type_checking_block(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and ast.unparse(node.test) in {
        "TYPE_CHECKING", "typing.TYPE_CHECKING"}


def _import_nodes(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Import statements anywhere in the tree (functions included), minus TYPE_CHECKING."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        if _is_type_checking_block(node):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".")
    if not is_package:
        base.pop()
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imported_modules(
    module: str, path: Path, known: Mapping[str, Path]
) -> set[str]:
    """Modules of the package that `module` imports, resolved to the deepest known module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    targets: set[str] = set()
    for node in _import_nodes(tree):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
            continue
        source = _absolute(node, module, is_package)
        for alias in node.names:
            submodule = f"{source}.{alias.name}"
            targets.add(submodule if submodule in known else source)
    return {t for t in targets if t in known and t != module}


def import_graph(root: Path, package: str) -> dict[str, set[str]]:
    """module → modules of the same package it imports."""
    known = module_files(root, package)
    return {name: imported_modules(name, path, known) for name, path in known.items()}


def find_cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """One cycle (a → … → a) per strongly connected component with more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []

    def connect(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return [_cycle_through(graph, set(c), c[0]) for c in components]


def _cycle_through(graph: Mapping[str, set[str]], members: set[str], start: str) -> list[str]:
    """A shortest path start → … → start inside one component (breadth first)."""
    parent: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for nxt in sorted(graph[node] & members):
                if nxt == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(parent[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if nxt not in parent:
                    parent[nxt] = node
                    following.append(nxt)
        frontier = following
    raise AssertionError(f"{start} is in a component but on no cycle")


def test_dispatch_has_no_import_cycles():
    graph = import_graph(ROOT, PACKAGE)
    assert len(graph) > 50 and sum(map(len, graph.values())) > 100  # the walk found the code
    cycles = find_cycles(graph)
    assert cycles == [], "import cycles:\n" + "\n".join(" → ".join(c) for c in cycles)


def _write(root: Path, files: Mapping[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("files", "cycle"),
    [
        # module level, absolute
        ({"a.py": "import pkg.b\n", "b.py": "from pkg import a\n"},
         ["pkg.a", "pkg.b", "pkg.a"]),
        # function level: deferred imports still count
        ({"a.py": "def f():\n    from pkg.b import g\n", "b.py": "import pkg.a\n"},
         ["pkg.a", "pkg.b", "pkg.a"]),
        # `from pkg.views import pages` where pages is a submodule, through a package
        ({"views/__init__.py": "", "views/pages.py": "from pkg.area import x\n",
          "area.py": "from pkg.views import pages\n"},
         ["pkg.area", "pkg.views.pages", "pkg.area"]),
        # relative imports, three modules
        ({"a.py": "from . import b\n", "b.py": "from .c import x\n", "c.py": "from .a import y\n"},
         ["pkg.a", "pkg.b", "pkg.c", "pkg.a"]),
    ],
)
def test_cycles_are_found_and_printed(tmp_path, files, cycle):
    _write(tmp_path / "pkg", {"__init__.py": "", **files})
    assert find_cycles(import_graph(tmp_path, "pkg")) == [cycle]


@pytest.mark.parametrize(
    "files",
    [
        # one-way imports
        {"a.py": "import pkg.b\n", "b.py": "import os\n"},
        # typing-only imports never run
        {"a.py": "import pkg.b\n",
         "b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pkg.a\n"},
        # a module importing a package's name is not the package importing the module
        {"sub/__init__.py": "", "sub/m.py": "from pkg.sub import other\n", "sub/other.py": ""},
    ],
)
def test_one_way_imports_are_no_cycle(tmp_path, files):
    _write(tmp_path / "pkg", {"__init__.py": "", **files})
    assert find_cycles(import_graph(tmp_path, "pkg")) == []
