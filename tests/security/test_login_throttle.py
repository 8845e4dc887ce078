"""The login throttle (rules.md §8 Safeguards): per account and per client address, counted
before the password is checked, and an unknown e-mail costs a password hash like a known one.
The parallel case (twenty guesses at once) is in test_concurrency.py."""

from __future__ import annotations

from conftest import PASSWORD
from sqlalchemy import select

from dispatch.models import LoginAttempt
from dispatch.services.accounts import users


def test_failures_from_one_address_lock_it_for_every_account(app, client, make_user,
                                                             monkeypatch):
    # One address guessing across many e-mails is refused once it reached its own limit,
    # although no single account reached five failures.
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES_PER_ADDRESS", 3)
    email, _ = make_user("coordinator")
    for n in range(3):
        wrong = client.post("/login", data={"email": f"guess{n}@example.jp", "password": "x"})
        assert wrong.status_code == 401
    locked = client.post("/login", data={"email": email, "password": PASSWORD})
    assert locked.status_code == 429
    # Another address is not affected.
    elsewhere = client.post("/login", data={"email": email, "password": PASSWORD},
                            environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert elsewhere.status_code == 302


def test_an_unknown_email_checks_a_password_hash_like_a_known_one(app, client, make_user,
                                                                  monkeypatch):
    # The time a login takes must not tell which e-mails have accounts: both paths hash.
    email, _ = make_user("coordinator")
    checked: list[str] = []
    real = users.check_password_hash

    def counting(pwhash: str, password: str) -> bool:
        checked.append(pwhash.split("$", 1)[0])
        return real(pwhash, password)

    monkeypatch.setattr(users, "check_password_hash", counting)
    client.post("/login", data={"email": "nobody@example.jp", "password": "wrong-password"})
    client.post("/login", data={"email": email, "password": "wrong-password"})
    assert len(checked) == 2
    assert checked[0] == checked[1]  # the same method and cost (e.g. scrypt:32768:8:1)


def test_a_successful_login_does_not_count_as_a_failure(app, client, make_user):
    email, _ = make_user("coordinator")
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    attempt = app.extensions["sqlalchemy"].session.scalar(
        select(LoginAttempt).where(LoginAttempt.email == email))
    assert attempt is not None and attempt.succeeded is True
