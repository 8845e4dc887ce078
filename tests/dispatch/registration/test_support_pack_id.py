"""Support pack IDs catch every single typo and every adjacent transposition."""

from __future__ import annotations

import random
import secrets

import pytest

from dispatch.domain.support_pack_id import (
    ALPHABET,
    PREFIX,
    check_character,
    is_valid,
    make_id,
    normalise,
)

SAMPLE_IDS = [make_id(random.Random(seed).choice) for seed in range(40)]


def test_alphabet_has_no_ambiguous_characters():
    assert not set("01OI") & set(ALPHABET)
    assert len(set(ALPHABET)) == 32


@pytest.mark.parametrize("sp_id", SAMPLE_IDS)
def test_generated_ids_validate_and_are_readable(sp_id):
    assert sp_id.startswith(PREFIX) and len(sp_id) == len(PREFIX) + 8
    assert is_valid(sp_id)


@pytest.mark.parametrize("sp_id", SAMPLE_IDS)
def test_every_single_character_error_is_detected(sp_id):
    # Exhaustive: every position, every other character of the alphabet.
    body = sp_id[len(PREFIX):]
    for pos, original in enumerate(body):
        for c in ALPHABET:
            if c != original:
                assert not is_valid(PREFIX + body[:pos] + c + body[pos + 1:])


@pytest.mark.parametrize("sp_id", SAMPLE_IDS)
def test_every_adjacent_transposition_is_detected(sp_id):
    body = sp_id[len(PREFIX):]
    for pos in range(len(body) - 1):
        a, b = body[pos], body[pos + 1]
        if a != b:
            assert not is_valid(PREFIX + body[:pos] + b + a + body[pos + 2:])


def test_all_single_errors_over_every_two_character_body_are_detected():
    # Exhaustive over the whole alphabet: the check of body "xy" catches any change of x or y.
    for x in ALPHABET:
        for y in ALPHABET:
            check = check_character(x + y)
            for z in ALPHABET:
                if z != x:
                    assert check_character(z + y) != check
                if z != y:
                    assert check_character(x + z) != check


@pytest.mark.parametrize("raw", [
    "sp-{b}",  # lower case as typed
    "SP {b}",  # a space instead of the hyphen
    " SP-{b} ",  # surrounding blanks
])
def test_normalise_accepts_what_people_type(raw):
    sp_id = make_id(secrets.choice)
    body = sp_id[len(PREFIX):]
    assert normalise(raw.format(b=body.lower())) == sp_id


@pytest.mark.parametrize("bad", ["", "SP-", "SP-2345678", "SP-23456789A", "SP-2345678O"])
def test_malformed_ids_are_invalid(bad):
    assert not is_valid(bad)
