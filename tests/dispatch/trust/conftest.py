"""Fixtures for the trust tests."""

from trust_rows import login_as  # noqa: F401  (a browser-like client logged in with a role)
