"""Accounts: users, password checks with throttling, and bearer tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import ColumnElement, func, select, text, update
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from dispatch import clock
from dispatch.config import ConfigError
from dispatch.errors import Conflict, InvalidInput, NotFound, TooManyRequests
from dispatch.extensions import db
from dispatch.models import ApiToken, LoginAttempt, User
from dispatch.models.account import ROLES
from dispatch.services.trust.audit import Actor, record

MIN_PASSWORD_LENGTH = 12
MIN_SCORE = 4
# zxcvbn's time grows with length; past this, length alone makes a password strong enough.
MAX_ESTIMATED_LENGTH = 100
TOKEN_PREFIX = "dsp_"
DEFAULT_TOKEN_DAYS = 90
# last_used_at is written at most once a minute per token: a busy tablet must not turn
# every read into a write (and take SQLite's write lock) just to move a timestamp.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def normalise_email(email: str) -> str:
    """E-mails tie accounts to technicians and site managers (rules.md §9), case-insensitively."""
    return email.strip().lower()


def check_password_policy(password: str, email: str) -> None:
    """InvalidInput unless the password is long, not the e-mail and not guessable (rules.md §8).

    Guessability is zxcvbn's estimate (common passwords, names, keyboard runs, dates, leet
    spelling, and the user's own e-mail as a dictionary word): it must say 10^10 guesses
    or more (score 4 of 0–4), which no list typed by hand here could match.
    """
    problem = None
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        problem = f"must have at least {MIN_PASSWORD_LENGTH} characters"
    elif email and normalise_email(password) in (email, email.split("@")[0]):
        problem = "must not be the e-mail address"
    elif zxcvbn(password[:MAX_ESTIMATED_LENGTH],
                user_inputs=[email, *email.replace(".", "@").split("@")])["score"] < MIN_SCORE:
        problem = "is too common or too easy to guess"
    if problem is not None:
        raise InvalidInput(f"the password {problem}", errors={"password": [problem]})


def check_email(email: str) -> str:
    """The normalised address; InvalidInput unless it is a syntactically valid e-mail."""
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidInput(f"'{email}' is not an e-mail address: {exc}",
                           errors={"email": ["is not a valid e-mail address"]}) from None
    return email


def add_user(email: str, role: str, password: str, actor: Actor, name: str | None = None) -> User:
    """Create a user with a hashed password."""
    email = normalise_email(email)
    if role not in ROLES:
        raise InvalidInput(f"unknown role '{role}' (one of {', '.join(ROLES)})",
                           errors={"role": ["unknown"]})
    check_email(email)
    check_password_policy(password, email)
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


def end_sessions(user: User, actor: Actor, action: str = "user.sessions_ended") -> None:
    """End every session of the user: their cookies carry the old session version."""
    user.session_version += 1
    record(actor, action, "user", user.id, after={"session_version": user.session_version})
    db.session.flush()


def change_password(email: str, password: str, actor: Actor) -> User:
    """Set a new password (same policy as a new account) and end every session."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise NotFound(f"no user with e-mail {normalise_email(email)}")
    check_password_policy(password, user.email)
    user.password_hash = generate_password_hash(password)
    record(actor, "user.password", "user", user.id)
    end_sessions(user, actor)
    return user


def token_lifetime() -> timedelta:
    """DISPATCH_TOKEN_DAYS (default 90): how long a new API token stays valid."""
    raw = current_app.config.get("DISPATCH_TOKEN_DAYS", DEFAULT_TOKEN_DAYS)
    try:
        days = int(raw)
    except (TypeError, ValueError):
        raise ConfigError(f"DISPATCH_TOKEN_DAYS must be whole days, got {raw!r}") from None
    if not 1 <= days <= 3660:
        raise ConfigError(f"DISPATCH_TOKEN_DAYS must be between 1 and 3660, got {days}")
    return timedelta(days=days)


def token_expiry(token: ApiToken) -> datetime:
    """When the token stops working; tokens issued before expiry existed count from creation."""
    return token.expires_at or token.created_at + token_lifetime()


def create_token(email: str, actor: Actor) -> str:
    """Issue a bearer token for a user; the plain token is returned once and never stored."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise NotFound(f"no user with e-mail {normalise_email(email)}")
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    token = ApiToken(user_id=user.id, token_hash=hash_token(plain), prefix=plain[:12],
                     created_at=now, expires_at=now + token_lifetime())
    db.session.add(token)
    db.session.flush()
    record(actor, "token.create", "api_token", token.id,
           after={"user": user.email, "expires_at": token.expires_at})
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


def live_token(plain: str) -> ApiToken | None:
    """The token if it is known, unrevoked, unexpired and its user enabled; reads only."""
    # The user comes in the same round trip: every API request asks this first.
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == hash_token(plain))
        .options(joinedload(ApiToken.user))
    )
    if token is None or token.revoked_at is not None or not token.user.is_enabled:
        return None
    if clock.now() >= token_expiry(token):
        return None
    return token


def user_for_token(plain: str) -> User | None:
    """The enabled user a live (unrevoked, unexpired) token belongs to, or None."""
    token = live_token(plain)
    return token.user if token is not None else None


def needs_use_recorded(token: ApiToken, now: datetime) -> bool:
    """last_used_at is kept to the minute: most requests need no write at all."""
    return token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION


def record_token_use(token_id: int, now: datetime) -> None:
    """Set last_used_at with one UPDATE (no read first: on SQLite a write that opens its
    transaction waits for the lock instead of failing on a stale read snapshot)."""
    db.session.execute(
        update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now),
        execution_options={"synchronize_session": False})


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
