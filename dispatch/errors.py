"""Errors the services raise; the API turns them into application/problem+json."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


class DispatchError(Exception):
    """Base of the errors a caller can act on; carries an HTTP status for the views."""

    status = 400
    title = "Bad request"

    def __init__(
        self,
        detail: str,
        *,
        codes: Iterable[str] = (),
        errors: Mapping[str, list[str]] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.codes = [str(c) for c in codes]
        self.errors = dict(errors or {})


class RuleViolation(DispatchError):
    """A rule of rules.md §4–§5 refuses the request; `codes` says which."""

    status = 422
    title = "Rule violation"


class BadInput(DispatchError):
    """The request itself cannot be read (malformed beyond any field's validation)."""

    status = 400
    title = "Bad request"


class InvalidInput(DispatchError):
    status = 422
    title = "Invalid input"


class NotFound(DispatchError):
    status = 404
    title = "Not found"


class Conflict(DispatchError):
    """The request collides with the current state (a duplicate, a stale version, a seal)."""

    status = 409
    title = "Conflict"


class Forbidden(DispatchError):
    status = 403
    title = "Forbidden"


class TooManyRequests(DispatchError):
    """A throttle refuses the request for now (failed logins, rules.md §8)."""

    status = 429
    title = "Too many requests"
