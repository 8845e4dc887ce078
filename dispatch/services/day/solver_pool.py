"""Where a solve runs: in the calling process, or in this process's pool of solver processes.

A solve is CPU-bound and holds the GIL, so two solves in threads of one process take turns.
Code that runs in threads and must solve in parallel (the embedded task consumer of
`dispatch serve`, `dispatch worker --worker-type thread`, a synchronous national plan)
hands the solve to a pool of spawned processes instead; a `dispatch worker` process (or a
test in immediate mode) solves in place. The pool is started on first use and kept, so its
processes load the solver's kernels once, not for every plan.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager

from routing import RoutePlan, RoutingProblem, SolveOptions, TravelTimeSource, solve
from routing.regions import load_kernels

_lock = threading.Lock()
_state: dict[str, object] = {"in_threads": False}
_pools: dict[str, ProcessPoolExecutor] = {}


def solve_in_threads(flag: bool) -> None:
    """Say whether this process's tasks run in threads (then their solves use the pool)."""
    _state["in_threads"] = flag


def runs_in_threads() -> bool:
    """True when tasks of this process hand their solve to the pool."""
    return bool(_state["in_threads"])


def solve_here(problem: RoutingProblem,
               options: SolveOptions) -> tuple[RoutePlan, TravelTimeSource]:
    """One region's solve for a task, in place or in the pool when tasks run in threads; with
    the problem's travel source as the solve left it (a recording source holds the pairs it
    was asked for, which a pool process would otherwise keep to itself)."""
    if not runs_in_threads():
        return _solve_with_travel(problem, options)
    with _renewed_when_broken():
        return _pool().submit(_solve_with_travel, problem, options).result()


def _solve_with_travel(problem: RoutingProblem,
                       options: SolveOptions) -> tuple[RoutePlan, TravelTimeSource]:
    return solve(problem, options), problem.travel


def solve_all(problems: Sequence[RoutingProblem], options: SolveOptions) -> list[RoutePlan]:
    """Solve independent problems at once on every core (a synchronous national plan)."""
    with _renewed_when_broken():
        return list(_pool().map(solve, problems, [options] * len(problems)))


@contextmanager
def _renewed_when_broken() -> Iterator[None]:
    # A pool process that died (killed, out of memory) breaks the whole pool: this solve
    # fails, and the next one starts a fresh pool.
    try:
        yield
    except BrokenProcessPool:
        with _lock:
            _pools.pop("pool", None)
        raise


def _pool() -> ProcessPoolExecutor:
    with _lock:
        pool = _pools.get("pool")
        if pool is None:
            workers = max(1, min(os.cpu_count() or 1, 8))
            # spawn, not fork: the caller is a threaded web process or consumer.
            pool = ProcessPoolExecutor(max_workers=workers,
                                       mp_context=multiprocessing.get_context("spawn"),
                                       # Kernels loaded before the first solve.
                                       initializer=load_kernels)
            _pools["pool"] = pool
        return pool


def shutdown() -> None:
    """Stop the pool's processes (they are started again on the next solve)."""
    with _lock:
        pool = _pools.pop("pool", None)
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)

