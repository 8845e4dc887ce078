"""Tasks that check the queue itself: `ping` proves a round trip through a worker."""

from __future__ import annotations

from sqlalchemy import text

from dispatch.extensions import db
from dispatch.tasks.queue import task


@task()
def ping(value: str) -> str:
    """Echo VALUE after a query, proving the worker has an app context and a database."""
    db.session.execute(text("SELECT 1"))
    return value
