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


def _production_app(tmp_path):
    from dispatch import create_app

    return create_app({
        "DISPATCH_ENV": "production", "TESTING": False,
        "SECRET_KEY": "production-secret-that-is-long-enough-0123456789",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
    })


def test_production_sends_hsts_and_a_permissions_policy(tmp_path):
    resp = _production_app(tmp_path).test_client().get("/login")
    assert resp.headers["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains"
    policy = resp.headers["Permissions-Policy"]
    assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy


def test_only_the_scanning_pages_may_use_the_camera_and_only_from_the_app(client, make_user):
    from conftest import PASSWORD

    email, _ = make_user("coordinator")
    client.post("/login", data={"email": email, "password": PASSWORD})
    # the call screen reads the sticker's QR code (js/scan.js): camera for the app itself
    intake = client.get("/intake/").headers["Permissions-Policy"]
    assert "camera=(self)" in intake and "microphone=()" in intake
    # every other page denies it outright
    for path in ("/", "/board", "/login"):
        assert "camera=()" in client.get(path).headers["Permissions-Policy"], path


def test_development_sends_no_hsts_over_plain_http(client):
    # HSTS on http://127.0.0.1 would make the browser refuse the dev server afterwards.
    resp = client.get("/login")
    assert "Strict-Transport-Security" not in resp.headers
    assert "payment=()" in resp.headers["Permissions-Policy"]


def test_the_server_header_names_no_version(tmp_path):
    """`dispatch serve` runs gunicorn, whose Server header carries no version to fingerprint."""
    from served import serve_and_get

    (headers,), _ = serve_and_get(tmp_path, "/login")
    assert headers is not None and headers.get_all("Server") == ["gunicorn"]
