"""Signing links: built from DISPATCH_EXTERNAL_URL, one live per report, never in the log."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from served import serve_and_get

from dispatch.access_log import RedactingLogger, redact

ROOT = Path(__file__).resolve().parents[3]


def test_the_link_uses_the_configured_address_whatever_the_host_header(app, tech, draft,
                                                                        monkeypatch):
    monkeypatch.setitem(app.config, "DISPATCH_EXTERNAL_URL", "https://dispatch.oxt.example.jp/")
    response = tech.post(f"/reports/{draft}/signing-link", headers={"Host": "evil.example"})
    assert response.status_code == 201
    url = response.get_json()["url"]
    assert url.startswith("https://dispatch.oxt.example.jp/sign/") and "evil" not in url


def test_production_without_an_external_url_sends_no_link(app, tech, draft, monkeypatch):
    monkeypatch.setitem(app.config, "DISPATCH_ENV", "production")
    monkeypatch.delitem(app.config, "DISPATCH_EXTERNAL_URL", raising=False)
    response = tech.post(f"/reports/{draft}/signing-link")
    assert response.status_code == 503
    assert "DISPATCH_EXTERNAL_URL" in response.get_json()["detail"]


def test_a_new_link_ends_the_earlier_one(client, tech, draft):
    first = tech.post(f"/reports/{draft}/signing-link").get_json()["url"]
    second = tech.post(f"/reports/{draft}/signing-link").get_json()["url"]
    path = first.split("localhost", 1)[1]
    # The earlier link has expired; its page says so and what to do (410, issue 17).
    assert client.get(path).status_code == 410
    assert client.get(second.split("localhost", 1)[1]).status_code == 200


def test_tokens_are_redacted_from_every_access_log_atom():
    assert redact("GET /sign/AbC-12_x/signature HTTP/1.1") == (
        "GET /sign/[redacted]/signature HTTP/1.1")
    assert redact("https://d.example/sign/AbC-12_x?x=1") == "https://d.example/sign/[redacted]?x=1"
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/sign/tok3n", "SERVER_PROTOCOL": "HTTP/1.1",
               "PATH_INFO": "/sign/tok3n", "HTTP_REFERER": "https://d.example/sign/tok3n"}
    logger = RedactingLogger.__new__(RedactingLogger)
    atoms = logger.atoms(SimpleNamespace(status="200 OK", sent=10, headers=[]),
                         SimpleNamespace(headers=[("REFERER", "https://d.example/sign/tok3n")]),
                         environ, timedelta(milliseconds=5))
    assert "tok3n" not in repr(atoms)
    assert atoms["r"] == "GET /sign/[redacted] HTTP/1.1"


def test_the_served_access_log_holds_no_token(tmp_path):
    """`dispatch serve` (gunicorn) writes its access log through the redacting logger."""
    # No tables: a 500 whose error log names the path, and an access-log line.
    _, log = serve_and_get(tmp_path, "/sign/SECRETtoken123")
    assert "/sign/[redacted]" in log and "SECRETtoken123" not in log
