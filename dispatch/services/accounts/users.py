"""Accounts: users, password checks with throttling, and bearer tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import ColumnElement, func, select, text
from werkzeug.security import check_password_hash, generate_password_hash

from dispatch import clock
from dispatch.errors import Conflict, InvalidInput, NotFound, TooManyRequests
from dispatch.extensions import db
from dispatch.models import ApiToken, LoginAttempt, User
from dispatch.models.account import ROLES
from dispatch.services.trust.audit import Actor, record

MIN_PASSWORD_LENGTH = 10
TOKEN_PREFIX = "dsp_"


def normalise_email(email: str) -> str:
    """E-mails tie accounts to technicians and site managers (rules.md §9), case-insensitively."""
    return email.strip().lower()


def add_user(email: str, role: str, password: str, actor: Actor, name: str | None = None) -> User:
    """Create a user with a hashed password."""
    email = normalise_email(email)
    if role not in ROLES:
        raise InvalidInput(f"unknown role '{role}' (one of {', '.join(ROLES)})")
    if "@" not in email:
        raise InvalidInput(f"'{email}' is not an e-mail address")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(f"a user with e-mail {email} already exists")
    user = User(
        email=email,
        role=role,
        display_name=name,
        password_hash=generate_password_hash(password),
        created_at=clock.now(),
    )
    db.session.add(user)
    db.session.flush()
    record(actor, "user.create", "user", user.id, after={"email": email, "role": role})
    db.session.flush()
    return user


def create_token(email: str, actor: Actor) -> str:
    """Issue a bearer token for a user; the plain token is returned once and never stored."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise NotFound(f"no user with e-mail {normalise_email(email)}")
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id, token_hash=hash_token(plain), prefix=plain[:12], created_at=clock.now()
    )
    db.session.add(token)
    db.session.flush()
    record(actor, "token.create", "api_token", token.id, after={"user": user.email})
    db.session.flush()
    return plain


def revoke_token(token_id: int, actor: Actor) -> None:
    """Revoke a token at once; later requests with it get 401."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(f"no token {token_id}")
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        record(actor, "token.revoke", "api_token", token.id)
    db.session.flush()


def hash_token(plain: str) -> str:
    """Tokens are long random strings, so a plain SHA-256 is enough (no salt needed)."""
    return hashlib.sha256(plain.encode()).hexdigest()


def user_for_token(plain: str) -> User | None:
    """The enabled user a live token belongs to, or None."""
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == hash_token(plain))
    )
    if token is None or token.revoked_at is not None or not token.user.is_enabled:
        return None
    return token.user


@dataclass(frozen=True)
class LoginLimits:
    """Failed logins allowed within the window, per account and per client address."""

    per_account: int
    per_address: int
    window_minutes: int


def _failures(where: ColumnElement[bool], since: datetime) -> int:
    return db.session.scalar(select(func.count(LoginAttempt.id)).where(
        where, LoginAttempt.at >= since, LoginAttempt.succeeded.is_(False))) or 0


def _lock_login_keys(email: str, remote_addr: str | None) -> None:
    """Serialise attempts on one account and on one address until the unit ends.

    PostgreSQL: transaction-level advisory locks, always the account's first, so two
    attempts never wait on each other crosswise. SQLite: the unit of work began with
    BEGIN IMMEDIATE, which already serialises every writer.
    """
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for key in (f"login-account:{email}", f"login-address:{remote_addr or ''}"):
        db.session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
                           {"key": key})


def begin_login(email: str, remote_addr: str | None, limits: LoginLimits) -> int:
    """Count a login attempt as failed before its password is checked → its id.

    The check and the count happen under one lock, so parallel guesses (several workers
    or processes) are never evaluated against a count that has not grown yet: at most
    `per_account` wrong passwords per window, however many arrive at once. Run it in its
    own unit of work, check the password after it (outside the lock: hashing is slow) and
    call finish_login on success. TooManyRequests when the account or address is locked.
    """
    email = normalise_email(email)
    _lock_login_keys(email, remote_addr)
    since = clock.now() - timedelta(minutes=limits.window_minutes)
    if _failures(LoginAttempt.email == email, since) >= limits.per_account or (
            remote_addr and _failures(LoginAttempt.remote_addr == remote_addr, since)
            >= limits.per_address):
        raise TooManyRequests("too many failed logins; try again later")
    attempt = LoginAttempt(email=email, remote_addr=remote_addr, at=clock.now(),
                           succeeded=False)
    db.session.add(attempt)
    db.session.flush()
    return attempt.id


@cache
def _dummy_hash() -> str:
    # Hashed with the same default method and cost as real passwords.
    return generate_password_hash(secrets.token_urlsafe(16))


def check_password(email: str, password: str) -> User | None:
    """The enabled user with this e-mail and password, or None.

    An unknown e-mail checks the password against a dummy hash, so it takes as long as a
    known one and the answer's timing does not reveal which e-mails have accounts.
    """
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    ok = check_password_hash(user.password_hash if user is not None else _dummy_hash(),
                             password)
    return user if ok and user is not None and user.is_enabled else None


def finish_login(attempt_id: int) -> None:
    """Mark a reserved attempt as succeeded (it no longer counts as a failure)."""
    attempt = db.session.get(LoginAttempt, attempt_id)
    if attempt is not None:
        attempt.succeeded = True
        db.session.flush()
