"""One vocabulary: one label per rule code in both languages, one word per concept."""

import ast
import re
from pathlib import Path

import pytest

from dispatch import i18n
from dispatch.domain.codes import RuleCode
from dispatch.messages_codes import CODE_LABELS

ROOT = Path(__file__).resolve().parents[2]
CODE_NAMES = {code.value for code in RuleCode}
# The Japanese term chosen for each concept, and patterns of variants that must not come back.
TERMS = {
    "技術者": "技術員",  # technician
    "作業報告票": "作業報告(?!票)",  # work report (the seed's word), not 作業報告書 / 作業報告
    "シリアル番号": "製造番号|シリアル(?!番号)",  # serial number
    "サービス提供期間": "サービス期間",  # coverage period (the seed's word)
    "翌営業日": "翌対応日",  # the next business (support) day of a moved call
    "製品": "機器",  # device (the seed's 対象ハードウェア製品)
}


def _is_japanese(text: str) -> bool:
    return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.mark.parametrize("code", list(RuleCode))
def test_every_rule_code_has_one_japanese_and_one_english_label(code):
    ja, en = CODE_LABELS[code]
    assert _is_japanese(ja) and en.isascii() and en.strip()


def test_the_catalogue_labels_nothing_but_rule_codes():
    assert set(CODE_LABELS) == set(RuleCode)


def test_no_message_key_outside_code_labels_a_rule_code(app):
    # e.g. a page's own "intake.code.EXPIRED" would be a second label for the same code.
    stray = [key for key in i18n.MESSAGES
             if key.rsplit(".", 1)[-1] in CODE_NAMES and not key.startswith("code.")]
    assert stray == []


def _labels_rule_codes(node: ast.Dict) -> bool:
    """A dict literal whose keys name rule codes and whose values are text."""
    def names_code(key: ast.expr | None) -> bool:
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            return key.value.rsplit(".", 1)[-1] in CODE_NAMES
        return (isinstance(key, ast.Attribute) and isinstance(key.value, ast.Name)
                and key.value.id == "RuleCode")

    def is_text(value: ast.expr) -> bool:
        if isinstance(value, ast.Constant):
            return isinstance(value.value, str)
        return isinstance(value, ast.Tuple) and all(is_text(v) for v in value.elts)

    return any(names_code(k) and is_text(v) for k, v in zip(node.keys, node.values, strict=True))


def test_no_second_label_table_for_rule_codes():
    tables = []
    for path in [*(ROOT / "dispatch").rglob("*.py"), *(ROOT / "reports").rglob("*.py")]:
        if path.name == "messages_codes.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        tables += [f"{path.relative_to(ROOT)}:{node.lineno}" for node in ast.walk(tree)
                   if isinstance(node, ast.Dict) and _labels_rule_codes(node)]
    assert tables == []


@pytest.mark.parametrize(("term", "variants"), TERMS.items())
def test_one_japanese_word_per_concept(term, variants):
    files = [p for folder in ("dispatch", "templates", "reports")
             for p in (ROOT / folder).rglob("*") if p.suffix in {".py", ".html", ".js"}]
    found = [f"{p.relative_to(ROOT)}: {m.group()}" for p in files
             for m in re.finditer(variants, p.read_text(encoding="utf-8"))]
    assert found == [], f"use {term}"
