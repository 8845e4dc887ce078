"""Bearer-token authentication and the role rule of every API endpoint."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import g, request
from werkzeug.exceptions import Forbidden, Unauthorized

from dispatch.models import User
from dispatch.services.accounts.users import user_for_token
from dispatch.services.trust.audit import Actor
from dispatch.services.unit_of_work import unit_of_work

F = TypeVar("F", bound=Callable[..., Any])


def load_api_user() -> None:
    """before_request of the API blueprints: every API call needs a live bearer token."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    user = None
    if scheme.lower() == "bearer" and token:
        with unit_of_work():  # the token's last_used_at
            user = user_for_token(token.strip())
    if user is None:
        raise Unauthorized("a valid bearer token is required (Authorization: Bearer …)")
    g.api_user = user


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
