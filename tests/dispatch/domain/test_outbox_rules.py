"""The outbox's retry schedule and the arrival window told to site managers (rules.md §11)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dispatch.domain.notices_text import arrival_window
from dispatch.domain.outbox import MAX_ATTEMPTS, next_attempt

T0 = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(("attempts", "delay"), [
    (1, timedelta(minutes=1)),  # rules.md §11: the first retry after a minute
    (2, timedelta(minutes=2)),  # then doubling
    (3, timedelta(minutes=4)),
    (5, timedelta(minutes=16)),
    (MAX_ATTEMPTS, None),  # out of attempts: failed, an administrator retries
])
def test_retry_backoff_doubles_until_the_attempts_run_out(attempts, delay):
    expected = None if delay is None else T0 + delay
    assert next_attempt(attempts, T0) == expected


@pytest.mark.parametrize(("eta", "window"), [
    ((10, 0), ((10, 0), (12, 0))),  # on the hour
    ((10, 29), ((10, 0), (12, 0))),  # rules.md §11: from the half hour at or before the ETA
    ((10, 30), ((10, 30), (12, 30))),
    ((16, 45), ((16, 30), (18, 30))),
])
def test_arrival_window_is_two_hours_from_the_half_hour(eta, window):
    at = datetime(2026, 11, 26, *eta, 13, tzinfo=UTC)
    start, end = arrival_window(at)
    assert ((start.hour, start.minute), (end.hour, end.minute)) == window
    assert start.second == 0
