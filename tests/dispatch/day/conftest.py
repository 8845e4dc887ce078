"""Dispatch-day fixtures (rows built by tests/day_rows.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from day_rows import Day


@pytest.fixture
def day(app, monkeypatch) -> Day:
    # Small days converge long before the time limit; stop there to keep tests quick.
    monkeypatch.setitem(app.config, "DISPATCH_SOLUTION_LIMIT", 40)
    monkeypatch.setitem(app.config, "DISPATCH_PLAN_SECONDS", 1)
    # 10:00 in Tokyo on the service day: arrivals reported "now" fit in the shift.
    monkeypatch.setattr("dispatch.clock.now", lambda: datetime(2026, 11, 26, 1, 0, tzinfo=UTC))
    return Day()
