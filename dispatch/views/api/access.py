"""Object-level access checks shared by the API views (rules.md §8 roles)."""

from __future__ import annotations

from typing import Any, TypeVar

from werkzeug.exceptions import Forbidden

from dispatch.domain.ownership import manages_site
from dispatch.domain.roles import Role
from dispatch.errors import NotFound
from dispatch.extensions import db
from dispatch.models import Site
from dispatch.views.api.auth import api_user

T = TypeVar("T")


def get_or_404(model: type[T], ident: Any) -> T:
    """Load by primary key or raise a 404 problem."""
    obj = db.session.get(model, ident)
    if obj is None:
        raise NotFound(f"no {model.__name__.lower()} {ident}")
    return obj


def require_site_access(site: Site) -> None:
    """A site manager sees only the sites whose manager_email is theirs."""
    user = api_user()
    if user.role == Role.SITE_MANAGER and not manages_site(site.manager_email, user.email):
        raise Forbidden("this site is managed by someone else")
