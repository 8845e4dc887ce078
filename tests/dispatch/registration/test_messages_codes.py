"""Every rule code has Japanese and English text."""

from dispatch.domain.codes import RuleCode
from dispatch.messages_codes import CODE_MESSAGES


def test_every_rule_code_has_a_message():
    assert {f"code.{c.value}" for c in RuleCode} == set(CODE_MESSAGES)


def test_messages_are_japanese_first():
    for ja, en in CODE_MESSAGES.values():
        assert ja and en and any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff"
                                 for ch in ja)
