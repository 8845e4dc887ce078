"""Cycle collection paused for the length of a short, allocation-heavy use case.

An insertion into a national day loads about ten thousand ORM objects (visits with their
calls, devices, sites and models) and drops them a moment later. Each young-generation
collection meanwhile scans the ones still alive and promotes them, and the promotions
trigger full collections that walk the whole heap: measured on the 2,000-visit day that was
more than half of the insertion's time (benchmarks/insertion_bench.py). Reference counting
still frees those objects the moment they are dropped; the few cycles among them wait for
the next collection after the use case. Pausing is process-wide, so a thread that pauses
while another has already paused leaves the resuming to the first.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Run the block with the cyclic garbage collector off (as it was, afterwards)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
