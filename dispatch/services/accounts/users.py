"""Accounts: users, password checks with throttling, and bearer tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from dispatch import clock
from dispatch.errors import Conflict, InvalidInput, NotFound
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
        raise InvalidInput(f"unknown role '{role}' (one of {', '.join(ROLES)})",
                           errors={"role": ["unknown"]})
    if "@" not in email:
        raise InvalidInput(f"'{email}' is not an e-mail address", errors={"email": ["invalid"]})
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"password must have at least {MIN_PASSWORD_LENGTH} characters",
                           errors={"password": ["too_short"]})
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(f"a user with e-mail {email} already exists", errors={"email": ["taken"]})
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


def is_throttled(email: str, max_failures: int, window_minutes: int) -> bool:
    """Too many failed logins for this e-mail within the window."""
    since = clock.now() - timedelta(minutes=window_minutes)
    failures = db.session.scalar(
        select(func.count(LoginAttempt.id)).where(
            LoginAttempt.email == normalise_email(email),
            LoginAttempt.at >= since,
            LoginAttempt.succeeded.is_(False),
        )
    )
    return (failures or 0) >= max_failures


def authenticate(
    email: str, password: str, remote_addr: str | None, max_failures: int, window_minutes: int
) -> User | None:
    """Check a password, recording the attempt; None when wrong or throttled."""
    email = normalise_email(email)
    if is_throttled(email, max_failures, window_minutes):
        return None
    user = db.session.scalar(select(User).where(User.email == email))
    ok = user is not None and user.is_enabled and check_password_hash(user.password_hash, password)
    db.session.add(
        LoginAttempt(email=email, remote_addr=remote_addr, at=clock.now(), succeeded=ok)
    )
    db.session.flush()
    return user if ok else None
