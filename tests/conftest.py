"""Shared fixtures: one schema per session built by the migrations, one rolled-back
transaction per test, and API clients logged in as each role.

Set TEST_DATABASE_URL (as CI does) to run the same suite on PostgreSQL.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask, g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import delete, text
from sqlalchemy.orm import scoped_session, sessionmaker

from dispatch import create_app
from dispatch.extensions import db
from dispatch.services.accounts import users
from dispatch.services.trust.audit import Actor
from dispatch.services.unit_of_work import unit_of_work

TEST_ACTOR = Actor(label="test")
PASSWORD = "correct horse battery"


class IsolatedClient(FlaskClient):
    """A test client whose requests never see another client's logged-in user.

    The per-test transaction keeps an app context pushed, and Flask then runs requests
    inside it instead of a fresh one, so flask-login's user cache in `g` would leak from
    one client's request to another's.
    """

    def open(self, *args: Any, **kwargs: Any):
        if has_app_context():
            g.pop("_login_user", None)
        return super().open(*args, **kwargs)


def _database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    url = _database_url(tmp_path_factory)
    app = create_app({
        "TESTING": True,
        "DISPATCH_ENV": "test",
        # Tasks run at once in the caller; tests/dispatch/tasks test the real queue.
        "DISPATCH_QUEUE_IMMEDIATE": "1",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-123",
    })
    app.test_client_class = IsolatedClient
    with app.app_context():
        _reset_schema()
        from flask_migrate import upgrade

        upgrade()  # the schema comes from the migrations, so they are tested every run
    yield app
    with app.app_context():
        db.engine.dispose()


def _reset_schema() -> None:
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))


@pytest.fixture(autouse=True)
def _rollback(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each test runs inside a transaction that is rolled back afterwards.

    Units of work commit; with join_transaction_mode="create_savepoint" their commits only
    release savepoints of the outer transaction.
    """
    if "app" not in request.fixturenames or "committing" in request.keywords:
        yield
        return
    app: Flask = request.getfixturevalue("app")
    with app.app_context():
        conn = db.engine.connect()
        outer = conn.begin()
        original = db.session
        db.session = scoped_session(
            sessionmaker(bind=conn, join_transaction_mode="create_savepoint")
        )
        try:
            yield
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            conn.close()


@pytest.fixture
def clean(app: Flask) -> Iterator[None]:
    """For `committing` tests: empty every table once the test is done."""
    yield
    with app.app_context():
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(delete(table))
        db.session.commit()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class ApiClient:
    """A test client that sends a bearer token and JSON."""

    def __init__(self, client: FlaskClient, token: str) -> None:
        self.client = client
        self.token = token

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **(extra or {})}

    def get(self, path: str, **kw: Any):
        return self.client.get("/api/v1" + path, headers=self._headers(kw.pop("headers", None)),
                               **kw)

    def post(self, path: str, json: Any = None, **kw: Any):
        return self.client.post("/api/v1" + path, json=json,
                                headers=self._headers(kw.pop("headers", None)), **kw)

    def put(self, path: str, json: Any = None, **kw: Any):
        return self.client.put("/api/v1" + path, json=json,
                               headers=self._headers(kw.pop("headers", None)), **kw)

    def patch(self, path: str, json: Any = None, **kw: Any):
        return self.client.patch("/api/v1" + path, json=json,
                                 headers=self._headers(kw.pop("headers", None)), **kw)


@pytest.fixture
def make_user(app: Flask):
    def make(role: str, email: str | None = None) -> tuple[str, str]:
        email = email or f"{role}{make.counter}@example.jp"
        make.counter += 1
        with unit_of_work():  # stays for the test, whatever its requests roll back
            users.add_user(email, role, PASSWORD, TEST_ACTOR)
            token = users.create_token(email, TEST_ACTOR)
        return email, token

    make.counter = 0
    return make


@pytest.fixture
def api_as(client: FlaskClient, make_user):
    """api_as("coordinator") → an ApiClient with a fresh user of that role."""

    def login(role: str, email: str | None = None) -> ApiClient:
        _, token = make_user(role, email)
        return ApiClient(client, token)

    return login


@pytest.fixture
def coordinator(api_as) -> ApiClient:
    return api_as("coordinator")


def browser_login(page: Any, email: str) -> None:
    """Log a Playwright page in through the login form (browser tests)."""
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
