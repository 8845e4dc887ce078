"""application/problem+json (RFC 9457) responses with the rule `codes` of rules.md §9."""

from __future__ import annotations

from typing import Any

from flask import Response, json
from werkzeug.exceptions import HTTPException

from dispatch.errors import DispatchError

PROBLEM_TYPE = "application/problem+json"


def problem(
    status: int,
    title: str,
    detail: str | None = None,
    *,
    codes: list[str] | None = None,
    errors: dict[str, Any] | None = None,
) -> Response:
    """A problem document; `codes` is always present so clients can test it."""
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status,
                            "codes": codes or []}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    return Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_TYPE)


def from_dispatch_error(error: DispatchError) -> Response:
    """Service errors carry their own status, codes and per-field messages."""
    return problem(error.status, error.title, error.detail, codes=error.codes,
                   errors=error.errors or None)


def from_http_exception(error: HTTPException) -> Response:
    """Werkzeug and webargs errors; validation messages are flattened to field → messages."""
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    messages = data.get("messages") if isinstance(data, dict) else None
    errors = _flatten(messages) if messages else None
    detail = error.description if not errors else "the request does not match the schema"
    if errors:
        detail = f"{detail}: " + "; ".join(f"{k}: {' '.join(v)}" for k, v in sorted(errors.items()))
    return problem(status, error.name, detail, errors=errors)


def _flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    # webargs nests by location ("json", "query") and then by field; callers want fields.
    out: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = str(key) if key not in ("json", "query", "form", "headers") or prefix else ""
            path = f"{prefix}.{name}" if prefix and name else (name or prefix)
            out.update(_flatten(value, path))
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        out[prefix or "_schema"] = list(messages)
    elif isinstance(messages, list):
        for i, item in enumerate(messages):
            out.update(_flatten(item, f"{prefix}.{i}" if prefix else str(i)))
    else:
        out[prefix or "_schema"] = [str(messages)]
    return out
