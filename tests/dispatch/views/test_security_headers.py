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


def test_development_sends_no_hsts_over_plain_http(client):
    # HSTS on http://127.0.0.1 would make the browser refuse the dev server afterwards.
    resp = client.get("/login")
    assert "Strict-Transport-Security" not in resp.headers
    assert "payment=()" in resp.headers["Permissions-Policy"]


def test_the_server_header_names_no_version(tmp_path):
    """`dispatch serve` runs gunicorn, whose Server header carries no version to fingerprint."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root),
           "DISPATCH_INSTANCE_PATH": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}"}
    proc = subprocess.Popen([sys.executable, "-c", "from dispatch.cli import main; main()",
                             "serve", "--port", str(port), "--workers", "1"], env=env, cwd=root,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as resp:
                    server = resp.headers.get_all("Server")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert server == ["gunicorn"]
