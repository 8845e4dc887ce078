"""Who may open a page: the role rule of every page blueprint and the acting user.

This module imports no view, so every area blueprint can import it without a cycle.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required

from dispatch.services.trust.audit import Actor


def role_required(*roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The role rule of a page; anonymous users go to the login page."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        @login_required
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        # The security tests read this to prove every page has an explicit role rule.
        wrapper.allowed_roles = roles  # type: ignore[attr-defined]
        return wrapper

    return decorate


def current_actor() -> Actor:
    """The logged-in user as the actor the services record."""
    return Actor(label=current_user.email, user_id=current_user.id, role=current_user.role)
