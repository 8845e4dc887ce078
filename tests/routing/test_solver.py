"""Solver-level behaviour on hand-made node models (matrix units, no geography)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from routing.hybrid import solve_nodes
from routing.nodes import NodeModel, NodeSpec, SolveOptions, VehicleSpec

# Depot 0; nodes 1 and 2 are 10 apart from the depot and 20 from each other.
MATRIX = ((0, 10, 10), (10, 0, 20), (10, 20, 0))


def model(windows_2=((0, 100),)) -> NodeModel:
    nodes = (
        NodeSpec(),
        NodeSpec(windows=((0, 100),), service=5, penalty=1000),
        NodeSpec(windows=windows_2, service=5, penalty=1000),
    )
    return NodeModel(MATRIX, MATRIX, nodes, (VehicleSpec(0, 0, 0, 200),))


def test_hard_windows_never_produce_a_late_stop():
    # Node 2 must start by 12: after node 1 (ends 15) it is impossible, so it goes first.
    solution = solve_nodes(model(((0, 12),)), SolveOptions(time_limit_s=2, parallel=False))
    assert solution.late == 0
    assert [node for node, _ in solution.routes[0].stops][0] == 2


def test_soft_window_ends_report_late_stops_instead_of_dropping():
    # Node 2 closes at 5 (unreachable: 10 away). Soft ends keep it, late, and say so.
    options = SolveOptions(time_limit_s=2, parallel=False, soft_window_cost=1)
    solution = solve_nodes(model(((0, 5),)), options)
    assert solution.dropped == ()
    assert solution.late == 1


def test_warm_start_routes_are_accepted_and_kept_when_optimal():
    start = replace(model(), initial_routes=((1, 2),))
    solution = solve_nodes(start, SolveOptions(time_limit_s=1, solution_limit=5, parallel=False))
    assert sorted(node for node, _ in solution.routes[0].stops) == [1, 2]
    assert solution.objective == 40


def test_multi_start_keeps_the_best_start_and_respects_windows():
    from routing.solver import MAIN_STARTS, solve_starts

    solution = solve_starts(model(((0, 12),)), SolveOptions(time_limit_s=0.6), MAIN_STARTS)
    assert solution.dropped == () and solution.late == 0
    assert solution.objective == 40


class FakeClock:
    """routing.solver's `time`, advanced only by the budgets the starts are given."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


def test_multi_start_splits_its_time_limit_across_the_starts(monkeypatch):
    # Wall-clock speed belongs to benchmarks/routing_bench.py; here the clock is injected
    # and each start "runs" for exactly its budget, so the split itself is checked.
    from routing import solver

    clock = FakeClock()
    budgets: list[tuple[str, float]] = []
    real_solve_once = solver.solve_once

    def timed_solve_once(model, options):
        budgets.append((options.first_solution, options.time_limit_s))
        result = real_solve_once(model, replace(options, time_limit_s=0.05))
        clock.now += options.time_limit_s
        return result

    monkeypatch.setattr(solver, "time", clock)
    monkeypatch.setattr(solver, "solve_once", timed_solve_once)
    solution = solver.solve_starts(model(((0, 12),)), SolveOptions(time_limit_s=0.6),
                                    solver.MAIN_STARTS)
    # 3 nodes at 0.045 s a node per start: 0.6 s holds four starts (own + the three others).
    assert [name for name, _ in budgets] == [
        "PARALLEL_CHEAPEST_INSERTION", *(name for name, _ in solver.MAIN_STARTS)]
    assert [round(seconds, 9) for _, seconds in budgets] == [0.15] * 4
    assert clock.now - 1000.0 == pytest.approx(0.6)  # the starts together spend the limit
    assert solution.dropped == () and solution.objective == 40


def test_multi_start_is_one_search_with_a_solution_limit_or_warm_start():
    from routing.solver import MAIN_STARTS, solve_starts

    options = SolveOptions(time_limit_s=0.6, solution_limit=5, first_solution="SAVINGS")
    assert solve_starts(model(), options, MAIN_STARTS).config.startswith("SAVINGS+")
    warm = replace(model(), initial_routes=((1, 2),))
    options = replace(options, solution_limit=None)
    assert solve_starts(warm, options, MAIN_STARTS).config.startswith("SAVINGS+")
