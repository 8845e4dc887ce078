"""Bearer-token authentication and the role rule of every API endpoint."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import g, request
from werkzeug.exceptions import Forbidden, Unauthorized

from dispatch import clock
from dispatch.models import User
from dispatch.services.accounts.users import live_token, needs_use_recorded, record_token_use
from dispatch.services.trust.audit import Actor
from dispatch.services.unit_of_work import end_reads, unit_of_work

F = TypeVar("F", bound=Callable[..., Any])


def load_api_user() -> None:
    """before_request of the API blueprints: every API call needs a live bearer token."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    live = live_token(token.strip()) if scheme.lower() == "bearer" and token else None
    if live is None:
        raise Unauthorized("a valid bearer token is required (Authorization: Bearer …)")
    g.api_user = live.user
    now = clock.now()
    if needs_use_recorded(live, now):
        token_id = live.id
        with unit_of_work():
            end_reads()  # the write opens its own transaction (see record_token_use)
            record_token_use(token_id, now)


def api_user() -> User:
    """The user of the current API request."""
    return g.api_user


def api_actor() -> Actor:
    """The audit actor of the current API request."""
    user = api_user()
    return Actor(label=user.email, user_id=user.id, role=user.role)


def roles(*allowed: str) -> Callable[[F], F]:
    """The explicit role rule of an endpoint; object-level checks follow in the view."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if api_user().role not in allowed:
                raise Forbidden(f"role '{api_user().role}' may not do this")
            return view(*args, **kwargs)

        wrapper.allowed_roles = allowed  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate
