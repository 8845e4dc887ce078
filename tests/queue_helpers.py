"""Whether the Redis of the production queue is reachable (CI runs one)."""

from __future__ import annotations

import os
import socket

import pytest

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


# CI runs Redis (the production queue), so there a missing server fails instead of skipping.
needs_redis = pytest.mark.skipif(not redis_up() and not os.environ.get("CI"),
                                 reason="no Redis at 127.0.0.1:6379")
