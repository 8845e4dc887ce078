"""Intake fixtures: the world of tests/intake_world.py, rolled back or committed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from intake_world import World
from sqlalchemy import delete

from dispatch.extensions import db


@pytest.fixture
def world(app) -> World:
    return World()


@pytest.fixture
def committed_world(app) -> Iterator[World]:
    """A world committed for real, emptied afterwards (other threads need committed rows)."""
    with app.app_context():
        world = World()
        world.covered()
    yield world
    with app.app_context():
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(delete(table))
        db.session.commit()
