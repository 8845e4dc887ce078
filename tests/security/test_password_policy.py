"""Passwords: 12+ characters, not the e-mail, not guessable (zxcvbn); e-mails are e-mails."""

from __future__ import annotations

import pytest
from conftest import PASSWORD, TEST_ACTOR

from dispatch.demo import DEMO_PASSWORD
from dispatch.errors import InvalidInput
from dispatch.services.accounts import users
from dispatch.services.unit_of_work import unit_of_work


@pytest.mark.parametrize(("password", "problem"), [
    ("Tr0ub4dor&3", "must have at least 12 characters"),  # 11 characters, however mixed
    ("password1234", "is too common or too easy to guess"),  # a top-list password, 12 long
    ("qwertyuiop12", "is too common or too easy to guess"),  # a keyboard run
    ("aaaaaaaaaaaaaaaa", "is too common or too easy to guess"),  # a repeat
    ("yamada.taro@example.jp", "must not be the e-mail address"),  # the login itself
    ("Yamada.Taro@Example.JP", "must not be the e-mail address"),  # the same, other case
    ("yamadataro2026", "is too common or too easy to guess"),  # the e-mail's words + a year
])
def test_a_weak_password_is_refused(app, password, problem):
    with pytest.raises(InvalidInput) as refused:
        users.check_password_policy(password, "yamada.taro@example.jp")
    assert refused.value.errors == {"password": [problem]}


@pytest.mark.parametrize("password", [
    PASSWORD,  # the test suite's password (21 characters)
    DEMO_PASSWORD,  # the demo's logins
    "another long passphrase 42",
])
def test_the_project_passwords_comply(app, password):
    users.check_password_policy(password, "yamada.taro@example.jp")


@pytest.mark.parametrize("email", [
    "no-at-sign.example.jp", "two@@example.jp", "spaces in@example.jp", "dot.@example.jp",
    "a@b",  # no top-level domain
])
def test_an_invalid_email_is_refused(app, email):
    with pytest.raises(InvalidInput, match="is not an e-mail address"), unit_of_work():
        users.add_user(email, "coordinator", PASSWORD, TEST_ACTOR)


def test_a_new_password_follows_the_same_policy(app, make_user):
    email, _ = make_user("coordinator")
    with pytest.raises(InvalidInput, match="too common"):
        users.change_password(email, "password1234", TEST_ACTOR)
