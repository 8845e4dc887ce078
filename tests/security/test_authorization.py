"""Every endpoint and page has an explicit role rule, and each role is refused where it
must be (rules.md §8 roles). The table is read from app.url_map when the test runs, so the
endpoints other areas add are checked too."""

from __future__ import annotations

import logging
import threading
import urllib.request
from datetime import timedelta

import pytest
from conftest import PASSWORD
from flask import Flask
from sqlalchemy import select
from trust_rows import make_world
from werkzeug.routing import Rule
from werkzeug.routing.converters import NumberConverter
from werkzeug.serving import make_server

from dispatch import clock
from dispatch.extensions import db
from dispatch.models import LoginAttempt
from dispatch.models.account import ROLES
from dispatch.services.accounts import users as accounts
from dispatch.services.trust.audit import Actor

# Reachable without a role rule, each for a reason.
PUBLIC = {
    "static": "CSS, JS and vendored libraries",
    "api-docs.openapi_json": "the API contract is public (rules.md §9)",
    "pages.login": "the way in",
    "pages.logout": "ending a session needs no role",
    "pages.set_language": "language switch",
    "offline.service_worker": "the offline start's script holds no data (rules.md §7)",
}
# A one-time link carries its own secret: the site manager signing remotely has no account.
# The verification page is keyed by the seal hash printed on the PDF (rules.md §7).
PUBLIC_PREFIXES = ("/sign/", "/verify/")
# Any logged-in user: the landing page dispatches on the role itself.
AUTHENTICATED = {"pages.home": "one landing page per role"}
METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _is_public(rule: Rule) -> bool:
    return rule.endpoint in PUBLIC or rule.rule.startswith(PUBLIC_PREFIXES)


def _rules(app: Flask) -> list[Rule]:
    return sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint))


def _path(rule: Rule) -> str:
    values = {name: 1 if isinstance(conv, NumberConverter) else "x1"
              for name, conv in rule._converters.items()}
    return rule.build(values, append_unknown=False)[1]


def _method(rule: Rule) -> str:
    return next(m for m in METHOD_ORDER if m in (rule.methods or ()))


def table(app: Flask) -> list[tuple[str, str, str, tuple[str, ...] | None]]:
    """(endpoint, method, path, allowed roles or None when public/authenticated-only)."""
    rows = []
    for rule in _rules(app):
        view = app.view_functions[rule.endpoint]
        rows.append((rule.endpoint, _method(rule), _path(rule),
                     getattr(view, "allowed_roles", None)))
    return rows


def test_every_view_has_an_explicit_role_rule(app) -> None:
    missing = [endpoint for endpoint, _, path, allowed in table(app)
               if allowed is None and endpoint not in PUBLIC and endpoint not in AUTHENTICATED
               and not path.startswith(PUBLIC_PREFIXES)]
    assert missing == [], f"views without roles(...)/role_required(...): {missing}"
    ruled = [set(allowed) for _, _, _, allowed in table(app) if allowed is not None]
    assert len(ruled) > 50  # the table reaches the views (a rename would empty it)
    assert all(allowed <= set(ROLES) for allowed in ruled)


def _send(client, method: str, path: str, headers: dict[str, str] | None = None):
    return client.open(path, method=method, headers=headers or {},
                       json={} if method != "GET" else None)


def test_each_role_is_refused_where_its_rule_does_not_allow_it(app, make_user) -> None:
    tokens = {role: make_user(role)[1] for role in ROLES}
    pages = {}
    for role in ROLES:
        email, _ = make_user(role)
        pages[role] = app.test_client()
        pages[role].post("/login", data={"email": email, "password": PASSWORD})
    wrong, checked = [], 0
    for endpoint, method, path, allowed in table(app):
        if allowed is None:
            continue
        for role in set(ROLES) - set(allowed):
            checked += 1
            if path.startswith("/api/"):
                status = _send(app.test_client(), method, path,
                               {"Authorization": f"Bearer {tokens[role]}"}).status_code
            else:
                status = _send(pages[role], method, path).status_code
            if status != 403:
                wrong.append((endpoint, role, status))
    assert wrong == []
    assert checked > 100  # the refusals were really tried


def test_anonymous_requests_get_401_on_the_api_and_the_login_page_elsewhere(app) -> None:
    client = app.test_client()
    wrong, checked = [], 0
    for endpoint, method, path, allowed in table(app):
        if allowed is None and endpoint not in AUTHENTICATED:
            continue
        checked += 1
        response = _send(client, method, path)
        expected = 401 if path.startswith("/api/") else 302
        ok = response.status_code == expected and (
            expected == 401 or "/login" in response.headers.get("Location", ""))
        if not ok:
            wrong.append((endpoint, response.status_code))
    assert wrong == []
    assert checked > 50  # every endpoint with a rule was requested anonymously


@pytest.mark.parametrize("path", [
    "/api/v1/privacy/customers/1/export",  # a technician never reads personal data exports
    "/api/v1/technicians",                 # staff list
    "/admin/audit",                        # admin pages
    "/admin/users",
])
def test_technician_is_refused_admin_pages_and_apis(app, api_as, login_as, path) -> None:
    if path.startswith("/api/"):
        api = api_as("technician")
        response = api.client.get(path, headers={"Authorization": f"Bearer {api.token}"})
    else:
        response = login_as("technician").get(path)
    assert response.status_code == 403


def test_site_manager_sees_only_their_own_sites_and_devices(app, api_as) -> None:
    mine = make_world(serial="AK10000001", manager_email="mine@example.jp")
    other = make_world(serial="AK20000002", manager_email="other@example.jp")
    api = api_as("site_manager", "mine@example.jp")
    assert api.get(f"/sites/{mine.site.id}").status_code == 200
    assert api.get(f"/devices/{mine.device.serial}").status_code == 200
    assert api.get(f"/sites/{other.site.id}").status_code == 403
    assert api.get(f"/devices/{other.device.serial}").status_code == 403


@pytest.mark.parametrize("role", ["coordinator", "technician", "site_manager"])
def test_nobody_but_an_administrator_reaches_admin_pages(app, login_as, role) -> None:
    client = login_as(role)
    for path in ("/admin/audit", "/admin/users", "/admin/tokens", "/admin/islands",
                 "/admin/customers", "/admin/audit.csv"):
        assert client.get(path).status_code == 403, path


def test_five_failed_logins_lock_the_account_for_the_window(app, client, make_user) -> None:
    email, _ = make_user("coordinator")
    for _ in range(5):
        assert client.post("/login", data={"email": email, "password": "wrong"}).status_code == 401
    locked = client.post("/login", data={"email": email, "password": PASSWORD})
    assert locked.status_code == 429
    # Once the window has passed (attempts older than 15 minutes), the right password works.
    for attempt in db.session.scalars(select(LoginAttempt).where(LoginAttempt.email == email)):
        attempt.at = clock.now() - timedelta(minutes=16)
    db.session.commit()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302


def test_a_revoked_token_is_refused_with_401(app, client, make_user) -> None:
    email, token = make_user("coordinator")
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/technicians", headers=headers).status_code == 200
    token_id = accounts.user_for_token(token).tokens[0].id
    accounts.revoke_token(token_id, Actor(label="test"))
    assert client.get("/api/v1/technicians", headers=headers).status_code == 401


def test_tokens_and_passwords_never_reach_the_logs(app, client, make_user, caplog) -> None:
    email, token = make_user("coordinator")
    caplog.set_level(logging.DEBUG)
    client.get("/api/v1/technicians", headers={"Authorization": f"Bearer {token}"})
    client.get("/api/v1/technicians", headers={"Authorization": "Bearer dsp_not-a-real-token"})
    client.post("/login", data={"email": email, "password": "a-wrong-secret-password"})
    client.post("/login", data={"email": email, "password": PASSWORD})
    text = caplog.text
    for secret in (token, "dsp_not-a-real-token", "a-wrong-secret-password", PASSWORD):
        assert secret not in text


def test_access_log_shows_the_path_but_not_the_authorization_header(app, caplog) -> None:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    caplog.set_level(logging.INFO, logger="werkzeug")
    try:
        request = urllib.request.Request(
            f"http://127.0.0.1:{server.server_port}/static/app.css",
            headers={"Authorization": "Bearer dsp_secret-in-header", "Cookie": "session=s3cr3t"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
    finally:
        server.shutdown()
        thread.join(5)
    assert "/static/app.css" in caplog.text
    assert "dsp_secret-in-header" not in caplog.text and "s3cr3t" not in caplog.text


def test_a_number_beyond_the_database_range_is_a_422_not_a_500(app, api_as) -> None:
    admin = api_as("admin")
    # In the URL the bounded id converter answers 404; in a body the schema or the
    # out-of-range handler answers 422.
    assert admin.get(f"/customers/{2**63}").status_code == 404
    response = admin.post("/sites", json={"customer_id": 2**63, "name": "x", "address": "y",
                                          "lat": 35.0, "lon": 139.0, "manager_name": "z"})
    assert response.status_code == 422


def test_nul_characters_are_refused_before_reaching_postgresql(app, api_as) -> None:
    response = api_as("admin").post("/customers", json={"name": "a\u0000b"})
    assert response.status_code == 422


@pytest.mark.parametrize("error", [OverflowError("Python int too large")])
def test_a_driver_range_error_becomes_a_422_problem(app, api_as, monkeypatch, error) -> None:
    from dispatch.services.catalog import records as catalog

    def explode(*args, **kwargs):
        raise error

    monkeypatch.setattr(catalog, "create_customer", explode)
    response = api_as("admin").post("/customers", json={"name": "x"})
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"


def test_nul_in_a_login_form_is_refused_not_stored(app, client) -> None:
    response = client.post("/login", data={"email": "a\u0000@example.jp", "password": "x"})
    assert response.status_code == 422
    assert db.session.scalar(select(LoginAttempt.id)) is None
