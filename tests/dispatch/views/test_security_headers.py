"""Security headers of rules.md §8 on pages and the API."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("path", ["/login", "/api/v1/openapi.json"])
def test_responses_carry_a_csp_without_inline_scripts(client, path):
    resp = client.get(path)
    csp = resp.headers["Content-Security-Policy"]
    script = next(d for d in csp.split("; ") if d.startswith("script-src"))
    assert script == "script-src 'self'"
    assert "frame-ancestors 'none'" in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_are_not_cached(client):
    assert client.get("/login").headers["Cache-Control"] == "no-store"


def test_session_cookie_is_httponly_and_samesite(app):
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
