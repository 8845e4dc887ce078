"""Report photos over HTTP (rules.md §7): a larger body to send them, a response to read one.

The app refuses bodies over MAX_CONTENT_LENGTH (4 MB) with 413. A work report with six
photos may be larger, so its two save endpoints carry a larger limit. It is applied before
any hook reads the body (refuse_nul reads every JSON body), and only to a request that
carries a live bearer token or a logged-in session: an anonymous client still gets 413
past 4 MB. The role and object checks follow as usual.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, request
from flask_login import current_user

from dispatch.models import ReportPhoto
from dispatch.services.accounts.users import live_token
from dispatch.services.reporting.photos import MAX_DATA_URL
from reports.photos import MAX_PHOTOS

F = TypeVar("F", bound=Callable[..., Any])

# Six photos at their largest as data URLs, and the rest of the report.
REPORT_BODY_LIMIT = MAX_PHOTOS * MAX_DATA_URL + 1024 * 1024


def body_limit(limit: int) -> Callable[[F], F]:
    """Mark an endpoint whose request body may be up to `limit` bytes."""

    def decorate(view: F) -> F:
        view.max_body_bytes = limit  # type: ignore[attr-defined]
        return view

    return decorate


def _has_credentials() -> bool:
    if request.path.startswith("/api/"):
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        return scheme.lower() == "bearer" and bool(token) and live_token(token.strip()) is not None
    return bool(current_user.is_authenticated)


def init_body_limits(app: Flask) -> None:
    """Apply the marked endpoints' limits; register before any hook that reads a body."""

    @app.before_request
    def _larger_body() -> None:
        view = app.view_functions.get(request.endpoint or "")
        limit = getattr(view, "max_body_bytes", None)
        if limit is not None and _has_credentials():
            request.max_content_length = limit


def photo_response(photo: ReportPhoto) -> Response:
    """The stored JPEG; its hash is the ETag, so a tablet reloading the form gets a 304."""
    response = Response(photo.data, mimetype=photo.content_type)
    response.set_etag(photo.sha256)
    # Customer photos: kept by the browser only, and revalidated each time.
    response.headers["Cache-Control"] = "private, no-cache"
    response.make_conditional(request)  # turns it into a 304 in place when the tag matches
    return response
