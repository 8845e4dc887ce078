"""Support pack IDs (サポートパックID): short, readable over the phone, self-checking.

Format `SP-` + 7 random characters + 1 check character from a 32-character alphabet without
the look-alikes 0/O and 1/I. The check character is Damm's algorithm over the quasigroup
x∘y = 2·x + y in GF(32): a totally anti-symmetric quasigroup, so every single mistyped
character and every transposition of two adjacent characters is detected.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
PREFIX = "SP-"
BODY_LENGTH = 7
_INDEX = {c: i for i, c in enumerate(ALPHABET)}
_POLY = 0b100101  # x^5 + x^2 + 1, irreducible over GF(2)


def _times_two(x: int) -> int:
    x <<= 1
    return x ^ _POLY if x & 0b100000 else x


def _step(interim: int, digit: int) -> int:
    # The Damm quasigroup operation: 2·interim + digit in GF(32) (addition is XOR).
    return _times_two(interim) ^ digit


def _interim(chars: str) -> int:
    value = 0
    for c in chars:
        value = _step(value, _INDEX[c])
    return value


def check_character(body: str) -> str:
    """The character that makes `body` + it validate (Damm: the final interim is 0)."""
    # 2·i ⊕ c = 0 ⇔ c = 2·i in characteristic 2.
    return ALPHABET[_times_two(_interim(body))]


def normalise(raw: str) -> str:
    """Upper-case, without spaces and hyphens after the prefix: what a caller reads out.

    NFKC first, so full-width letters and digits typed with a Japanese input method, the
    ideographic space and the long-vowel or dash marks used for hyphens compare as ASCII.
    """
    text = _fold(raw)
    if text.startswith("SP"):
        text = text[2:]
    return PREFIX + text.replace("-", "")


# Characters Japanese input methods produce where a caller says "hyphen" (after NFKC).
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\uff70"


def _fold(raw: str) -> str:
    text = unicodedata.normalize("NFKC", raw).upper()
    return "".join("-" if c in _DASHES else c for c in text if not c.isspace())


def normalise_serial(raw: str) -> str:
    """A serial as compared: NFKC, upper case, no spaces or hyphens (rules.md §5)."""
    return _fold(raw).replace("-", "")


def is_valid(raw: str) -> bool:
    """True for a well-formed ID whose check character matches."""
    text = normalise(raw)[len(PREFIX):]
    if len(text) != BODY_LENGTH + 1 or any(c not in _INDEX for c in text):
        return False
    return _interim(text) == 0


def make_id(random_choice: Callable[[str], str]) -> str:
    """A new ID; `random_choice` picks one character (pass `secrets.choice`)."""
    body = "".join(random_choice(ALPHABET) for _ in range(BODY_LENGTH))
    return PREFIX + body + check_character(body)
