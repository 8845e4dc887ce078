"""Fixtures for the trust tests: a browser-like client logged in with a role."""

from __future__ import annotations

import pytest
from conftest import PASSWORD


@pytest.fixture
def login_as(app, make_user):
    """login_as(role) → a fresh test client with a session of a new user of that role."""

    def login(role: str, email: str | None = None):
        email, _ = make_user(role, email)
        client = app.test_client()
        response = client.post("/login", data={"email": email, "password": PASSWORD})
        assert response.status_code == 302, response.status_code
        return client

    return login
