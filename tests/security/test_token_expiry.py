"""API tokens expire (DISPATCH_TOKEN_DAYS, default 90) and record when they were last used."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from dispatch import clock
from dispatch.config import ConfigError
from dispatch.extensions import db
from dispatch.models import ApiToken
from dispatch.services.accounts import users


def _token(plain: str) -> ApiToken:
    token = db.session.scalar(select(ApiToken).where(
        ApiToken.token_hash == users.hash_token(plain)))
    assert token is not None
    return token


def test_a_new_token_expires_after_90_days_by_default(make_user):
    _, plain = make_user("coordinator")
    token = _token(plain)
    assert token.expires_at - token.created_at == timedelta(days=90)


def test_the_lifetime_is_configurable(app, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "DISPATCH_TOKEN_DAYS", "7")
    _, plain = make_user("coordinator")
    token = _token(plain)
    assert token.expires_at - token.created_at == timedelta(days=7)


@pytest.mark.parametrize("value", ["0", "ninety", "100000"])
def test_an_implausible_lifetime_is_a_configuration_error(app, monkeypatch, value):
    monkeypatch.setitem(app.config, "DISPATCH_TOKEN_DAYS", value)
    with pytest.raises(ConfigError, match="DISPATCH_TOKEN_DAYS"):
        users.token_lifetime()


def test_an_expired_token_is_refused_with_401(client, make_user):
    _, plain = make_user("coordinator")
    headers = {"Authorization": f"Bearer {plain}"}
    assert client.get("/api/v1/technicians", headers=headers).status_code == 200
    db.session.execute(update(ApiToken).where(ApiToken.id == _token(plain).id)
                       .values(expires_at=clock.now() - timedelta(seconds=1)))
    db.session.flush()
    assert client.get("/api/v1/technicians", headers=headers).status_code == 401


def test_a_token_from_before_expiry_existed_counts_from_its_creation(client, make_user):
    _, plain = make_user("coordinator")
    headers = {"Authorization": f"Bearer {plain}"}
    db.session.execute(update(ApiToken).where(ApiToken.id == _token(plain).id).values(
        expires_at=None, created_at=clock.now() - timedelta(days=91)))
    db.session.flush()
    assert client.get("/api/v1/technicians", headers=headers).status_code == 401


def test_use_is_recorded_in_last_used_at(client, make_user):
    _, plain = make_user("coordinator")
    assert _token(plain).last_used_at is None
    client.get("/api/v1/technicians", headers={"Authorization": f"Bearer {plain}"})
    db.session.expire_all()
    used = _token(plain).last_used_at
    assert used is not None and clock.now() - used < timedelta(minutes=1)

