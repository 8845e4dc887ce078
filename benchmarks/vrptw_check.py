"""Independent VRPTW feasibility checker (shares no code with the routing package).

Usage as a module: `check(instance_path, routes) -> (feasible, distance, problems)`.
Usage as a script: `python benchmarks/vrptw_check.py INSTANCE SOLUTION.json`, where the JSON
holds {"routes": [[customer numbers], ...]} as printed by `python -m routing solve-vrptw`.
"""

from __future__ import annotations

import json
import math
import sys

# Float slack for comparing sums of square roots against integer due dates.
EPSILON = 1e-7


def _rows(path: str) -> tuple[int, int, list[list[float]]]:
    with open(path, encoding="utf-8", errors="replace") as handle:
        tokens = [line.split() for line in handle]
    tokens = [t for t in tokens if t]
    fleet = capacity = None
    table: list[list[float]] = []
    for k, fields in enumerate(tokens):
        if fields[0].upper() == "NUMBER" and fleet is None:
            fleet, capacity = int(tokens[k + 1][0]), int(tokens[k + 1][1])
        if len(fields) == 7 and all(_is_number(f) for f in fields):
            table.append([float(f) for f in fields])
    if fleet is None or capacity is None or not table:
        raise ValueError(f"{path}: no fleet line or customer table")
    return fleet, capacity, table


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def check(instance_path: str, routes: list[list[int]]) -> tuple[bool, float, list[str]]:
    """Return (feasible, exact total distance, list of violations)."""
    fleet, capacity, table = _rows(instance_path)
    by_number = {int(row[0]): row for row in table}
    depot = by_number[0]
    problems: list[str] = []
    used = [r for r in routes if r]
    if len(used) > fleet:
        problems.append(f"{len(used)} routes > fleet {fleet}")
    seen = [c for r in used for c in r]
    customers = set(by_number) - {0}
    if sorted(seen) != sorted(customers):
        missing = customers - set(seen)
        extra = len(seen) - len(set(seen))
        problems.append(f"coverage: {len(missing)} missing, {extra} duplicates")
    total = 0.0
    for n, route in enumerate(used):
        load = 0.0
        clock = depot[4]
        here = depot
        for number in [*route, 0]:
            there = by_number.get(number)
            if there is None:
                problems.append(f"route {n}: unknown customer {number}")
                break
            leg = math.dist((here[1], here[2]), (there[1], there[2]))
            total += leg
            clock = max(clock + leg, there[4])
            if clock > there[5] + EPSILON:
                problems.append(f"route {n}: customer {number} starts {clock:.4f} > {there[5]}")
            load += there[3]
            clock += there[6]
            here = there
        if load > capacity:
            problems.append(f"route {n}: load {load} > capacity {capacity}")
    return not problems, total, problems


if __name__ == "__main__":
    with open(sys.argv[2], encoding="utf-8") as solution:
        ok, dist, issues = check(sys.argv[1], json.load(solution)["routes"])
    print(json.dumps({"feasible": ok, "distance": round(dist, 4), "problems": issues}))
    sys.exit(0 if ok else 1)
