"""docs/rules.md keeps up with the code: every rule code, every citation of it, every path."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dispatch.domain.codes import RuleCode

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "docs" / "rules.md"
# Everything that may cite the document as "rules.md §<number>".
CITING = ("dispatch", "routing", "reports", "tests", "templates", "migrations", "benchmarks",
          "docs", "dev", "README.md", "CONTRIBUTING.md")
TEXT_SUFFIXES = {".py", ".html", ".js", ".md", ".txt", ".toml", ".cfg", ".ini", ".sh", ""}
SKIPPED_DIRS = {"__pycache__", ".venv", "node_modules", "vendor", "results"}

HEADING = re.compile(r"^#{2,6}\s+§(\d+(?:\.\d+)*)\b", re.MULTILINE)
# "rules.md §4.3)" cites 4.3 and "rules.md §4." cites 4: a dot only counts before a digit.
CITATION = re.compile(r"rules\.md\s*§\s*(\d+(?:\.\d+)*)")
INDEX_ROW = re.compile(r"^\| `([A-Z][A-Z0-9_]*)` \|", re.MULTILINE)
# A backticked repository path, optionally naming a test: `tests/x/test_y.py::test_z`.
PATH = re.compile(r"`([A-Za-z_][\w./-]*\.(?:py|json|html|md))(?:::([A-Za-z_]\w*))?`")


def _rules_text() -> str:
    return RULES.read_text(encoding="utf-8")


def _citing_files() -> list[Path]:
    found: list[Path] = []
    for name in CITING:
        top = ROOT / name
        if top.is_file():
            found.append(top)
            continue
        for path in sorted(top.rglob("*")) if top.is_dir() else []:
            if (path.is_file() and path.suffix in TEXT_SUFFIXES
                    and not SKIPPED_DIRS.intersection(path.relative_to(ROOT).parts)):
                found.append(path)
    return found


def _citations() -> list[tuple[str, int, str]]:
    """(file, line number, cited section) for every citation of the document in the tree."""
    cited = []
    for path in _citing_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            for section in CITATION.findall(line):
                cited.append((str(path.relative_to(ROOT)), number, section))
    return cited


@pytest.mark.parametrize("code", list(RuleCode), ids=str)
def test_every_rule_code_is_explained_in_the_rules_document(code):
    assert re.search(rf"(?<![A-Z0-9_]){code.value}(?![A-Z0-9_])", _rules_text()), (
        f"{code.value} (dispatch/domain/codes.py) is not in docs/rules.md"
    )


def test_rule_code_index_lists_exactly_the_rule_codes():
    index = _rules_text().split("## Rule code index", 1)[1].split("\n## ", 1)[0]
    assert sorted(INDEX_ROW.findall(index)) == sorted(code.value for code in RuleCode)


def test_every_citation_of_the_rules_document_names_an_existing_section():
    sections = set(HEADING.findall(_rules_text()))
    cited = _citations()
    assert len(cited) > 50, "the scan found almost no citations: is it still looking in the tree?"
    missing = [f"{file}:{line} cites §{section}" for file, line, section in cited
               if section not in sections]
    assert not missing, "no such section in docs/rules.md:\n" + "\n".join(missing)


def test_every_path_and_test_named_in_the_rules_document_exists():
    problems = []
    for relative, test_name in PATH.findall(_rules_text()):
        path = ROOT / relative
        if not path.is_file():
            problems.append(f"{relative} does not exist")
        elif test_name and not re.search(rf"^def {test_name}\(", path.read_text("utf-8"),
                                         re.MULTILINE):
            problems.append(f"{relative} has no {test_name}")
    assert not problems, "docs/rules.md names:\n" + "\n".join(problems)
