"""Reliability fixtures: a PostgreSQL database of a test's own, for work done by other
processes (which cannot see the suite's rolled-back transaction)."""

from __future__ import annotations

import os
import uuid

import pytest

TEST_URL = os.environ.get("TEST_DATABASE_URL", "")


@pytest.fixture
def scratch_url():
    """A fresh database beside the suite's, dropped afterwards."""
    import psycopg
    from sqlalchemy.engine import make_url

    base = make_url(TEST_URL)
    name = f"scratch_{uuid.uuid4().hex[:10]}"
    admin = base.set(drivername="postgresql", database="postgres").render_as_string(False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield base.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
