"""Which search a solve runs, and for how long.

Where routing.ruin_recreate supports the model (at most one break per vehicle), OR-Tools
(routing.solver) builds and polishes a first solution in a share of the budget and
ruin-and-recreate improves it for the rest: on Solomon and Homberger instances that closes
the gap OR-Tools' own search leaves (benchmarks/RESULTS-routing.md). Otherwise, or while the
compiled kernels are not loaded in this process, OR-Tools runs alone. With
options.parallel a spawned helper process races a differently started search.
"""

from __future__ import annotations

import multiprocessing
import sys
import time
from dataclasses import replace
from multiprocessing.connection import Connection
from typing import Any

from routing.nodes import NodeModel, NodeSolution, SolveOptions
from routing.solver import (
    ALTERNATIVE_FIRST_SOLUTION,
    HELPER_STARTS,
    MAIN_STARTS,
    Start,
    better,
    solve_once,
    solve_starts,
)

# Process start-up (spawn + importing ortools) eats into the helper's budget.
_HELPER_STARTUP_S = 1.5


def solve_nodes(model: NodeModel, options: SolveOptions) -> NodeSolution:
    """Solve; with options.parallel, race a second configuration in another process."""
    if not options.is_parallel(len(model.nodes)) or options.time_limit_s < 2 * _HELPER_STARTUP_S:
        return _search(model, options, None, seed=1)
    helper_options = replace(
        options,
        first_solution=ALTERNATIVE_FIRST_SOLUTION.get(options.first_solution, "SAVINGS"),
        time_limit_s=options.time_limit_s - _HELPER_STARTUP_S,
    )
    # spawn, not fork: the caller may be a threaded web app or scheduler. A bare Process and
    # pipe, not a pool: a pool feeds its workers from a parent thread, which cannot run while
    # OR-Tools holds the GIL in this process's own search.
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    helper = context.Process(target=_helper, args=(model, helper_options, sender), daemon=True)
    helper.start()
    sender.close()
    mine = _search(model, options, MAIN_STARTS, seed=1)
    try:
        theirs = receiver.recv()
    except EOFError:  # the helper died (e.g. out of memory): keep our own answer
        theirs = mine
    helper.join()
    return better(mine, theirs)


# Share of the budget OR-Tools gets to build the start of ruin-and-recreate.
# On 7 Solomon and Homberger instances, 1 s of OR-Tools then 8 s of ruin-and-recreate in one
# process matched or beat PyVRP's 10 s distance on 4, where OR-Tools alone for 10 s
# reached it on none; its own gains after the first second are small.
_CONSTRUCTION_SHARE = 0.1
# Short budgets: OR-Tools gets at least this per node, up to _CONSTRUCTION_MAX_SHARE of the
# budget. A national day's over-full regions (100 visits, 10 technicians), each solved alone
# as benchmarks/region_budget_bench.py does: OR-Tools' first 0.05 s routes 1,599 of the
# 2,000 visits, its first 0.25 s 1,667, and ruin-and-recreate, which only re-inserts what it
# removes, wins few of them back. At 0.5 s a region, 0.3 s of OR-Tools ended with 1,712
# visits routed and 7,698 km, 0.05 s with 1,682 and 8,560 km.
_CONSTRUCTION_SECONDS_PER_NODE = 0.0025
_CONSTRUCTION_MAX_SHARE = 0.6


def construction_seconds(time_limit_s: float, nodes: int) -> float:
    """OR-Tools' part of a solve of `nodes` nodes in time_limit_s, before ruin-and-recreate."""
    wanted = max(_CONSTRUCTION_SHARE * time_limit_s, _CONSTRUCTION_SECONDS_PER_NODE * nodes)
    return max(0.05, min(_CONSTRUCTION_MAX_SHARE * time_limit_s, wanted))


def _search(
    model: NodeModel, options: SolveOptions, others: tuple[Start, ...] | None, seed: int
) -> NodeSolution:
    """One process's search: OR-Tools then ruin-and-recreate where the model allows,
    else OR-Tools alone (multi-start when `others` are given)."""
    started = time.monotonic()
    # Kernels not loaded in this process would compile (tens of seconds from a cold numba
    # cache) or load (seconds under load) inside the budget: OR-Tools alone for this call
    # instead. Processes that solve load them when they start (dispatch worker, the region
    # pool's initializer).
    if not _kernels_loaded() or not _improvable(model, options):
        alone = replace(options, time_limit_s=max(
            0.05, options.time_limit_s - (time.monotonic() - started)))
        return solve_once(model, alone) if others is None else solve_starts(
            model, alone, others
        )
    share = construction_seconds(options.time_limit_s, len(model.nodes))
    first = solve_once(model, replace(options, time_limit_s=share))
    remaining = options.time_limit_s - (time.monotonic() - started)
    if remaining <= 0:
        return first
    from routing import ruin_recreate

    return ruin_recreate.improve(model, first, remaining, seed=seed)


def _kernels_loaded() -> bool:
    # Not imported yet means not loaded either; importing numba here would cost seconds of
    # the budget under load.
    # A worker's warm-up thread may be importing it at this moment: a module still
    # initialising sits in sys.modules without its functions yet, so it counts as not loaded.
    loaded = getattr(sys.modules.get("routing.ruin_recreate"), "kernels_loaded", None)
    return loaded is not None and bool(loaded())


def _improvable(model: NodeModel, options: SolveOptions) -> bool:
    # Imported here: numba costs a fifth of a second, and most commands never route.
    from routing import ruin_recreate

    # A solution limit asks for OR-Tools' repeatable run; soft windows let OR-Tools be late,
    # which ruin-and-recreate never is.
    return (
        options.ruin_recreate
        and options.solution_limit is None
        and options.soft_window_cost is None
        and ruin_recreate.supports(model)
    )


def _helper(
    model: NodeModel, options: SolveOptions, connection: Connection[NodeSolution, Any]
) -> None:
    connection.send(_search(model, options, HELPER_STARTS, seed=2))
    connection.close()
