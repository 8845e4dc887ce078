"""VRPTW benchmark: our solver against PyVRP and VROOM, all checked by one checker.

    PYTHONPATH=. python benchmarks/routing_bench.py FOLDER [FOLDER ...] --time-limit 10 \
        --solvers ours,pyvrp --instances R101,C101 --out benchmarks/out/results.md

FOLDER is a benchmark folder holding Solomon-format *.txt files (searched recursively) and
optionally a bks.csv (instance,vehicles,distance,objective,...); the hierarchical row is used
as best-known. Benchmark files are read in place and never copied.
"""

from __future__ import annotations

import argparse
import csv
import math
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from vrptw_check import _rows, check  # noqa: E402

# Same convention for every solver: durations rounded up, costs rounded, ×1000.
SCALE = 1000


def find_instances(folders: list[str], names: set[str] | None) -> list[Path]:
    """All instance files in the folders, optionally only the named ones."""
    found = []
    for folder in folders:
        for path in sorted(Path(folder).rglob("*.txt")):
            if "solution" in path.parent.name.lower():
                continue
            if names is None or path.stem.upper() in names:
                found.append(path)
    return found


def read_bks(folders: list[str]) -> dict[str, tuple[int, float]]:
    """Best-known (vehicles, distance) per instance name (upper case), hierarchical rows."""
    bks: dict[str, tuple[int, float]] = {}
    for folder in folders:
        for path in Path(folder).rglob("bks.csv"):
            with path.open(encoding="utf-8") as handle:
                for row in csv.DictReader(handle):
                    if row.get("objective", "hierarchical") == "hierarchical":
                        key = row["instance"].upper()
                        bks[key] = (int(row["vehicles"]), float(row["distance"]))
    return bks


def run_ours(path: Path, limit: float) -> list[list[int]]:
    from routing.nodes import SolveOptions
    from routing.vrptw import read_instance, solve_instance

    result = solve_instance(read_instance(path), SolveOptions(time_limit_s=limit, parallel=True))
    return result["routes"]


def run_pyvrp(path: Path, limit: float) -> list[list[int]]:
    from pyvrp import Model
    from pyvrp.stop import MaxRuntime

    fleet, capacity, rows = _rows(str(path))
    model = Model()
    depot_row = rows[0]
    places = [model.add_location(x=int(r[1]), y=int(r[2])) for r in rows]
    depot = model.add_depot(places[0])
    model.add_vehicle_type(num_available=fleet, capacity=[capacity], start_depot=depot,
                           end_depot=depot, tw_early=int(depot_row[4] * SCALE),
                           tw_late=int(depot_row[5] * SCALE))
    for place, r in zip(places[1:], rows[1:], strict=True):
        model.add_client(place, delivery=[int(r[3])], service_duration=int(r[6] * SCALE),
                         tw_early=int(r[4] * SCALE), tw_late=int(r[5] * SCALE))
    for a, ra in zip(places, rows, strict=True):
        for b, rb in zip(places, rows, strict=True):
            d = math.dist((ra[1], ra[2]), (rb[1], rb[2])) * SCALE
            model.add_edge(a, b, distance=round(d), duration=math.ceil(d - 1e-6))
    result = model.solve(stop=MaxRuntime(limit), seed=1, display=False)
    # PyVRP 0.14 routes are sequences of activities; client idx counts clients from 0.
    return [
        [int(rows[a.idx + 1][0]) for a in route if _is_client(a)] for route in result.best.routes()
    ]


def _is_client(activity) -> bool:
    flag = activity.is_client
    return bool(flag() if callable(flag) else flag)


def run_vroom(path: Path, limit: float) -> list[list[int]]:
    import vroom

    fleet, capacity, rows = _rows(str(path))
    scale = 100  # VROOM matrices are 32-bit.
    matrix = [[math.ceil(math.dist((a[1], a[2]), (b[1], b[2])) * scale - 1e-6) for b in rows]
              for a in rows]
    problem = vroom.Input()
    problem.set_durations_matrix("car", matrix)
    depot = rows[0]
    for v in range(fleet):
        problem.add_vehicle(vroom.Vehicle(v + 1, start=0, end=0, capacity=[capacity],
                                          time_window=vroom.TimeWindow(int(depot[4] * scale),
                                                                       int(depot[5] * scale))))
    for i, r in enumerate(rows[1:], start=1):
        problem.add_job(vroom.Job(int(r[0]), location=i, default_service=int(r[6] * scale),
                                  delivery=[int(r[3])],
                                  time_windows=[vroom.TimeWindow(int(r[4] * scale),
                                                                 int(r[5] * scale))]))
    solution = problem.solve(exploration_level=5, nb_threads=2)
    routes: dict[int, list[int]] = {}
    for row in solution.routes.itertuples():
        if row.type == "job":
            routes.setdefault(row.vehicle_id, []).append(int(row.id))
    return list(routes.values())


SOLVERS = {"ours": run_ours, "pyvrp": run_pyvrp, "vroom": run_vroom}
SOLVER_MODULES = {"pyvrp": "pyvrp", "vroom": "vroom"}


def available(names: list[str]) -> list[str]:
    """Drop solvers whose optional package is not installed, saying so."""
    keep = []
    for name in names:
        module = SOLVER_MODULES.get(name)
        if module:
            try:
                __import__(module)
            except ImportError:
                print(f"skipping {name}: package {module!r} is not installed", file=sys.stderr)
                continue
        keep.append(name)
    return keep


def gap(value: float | None, reference: float | None) -> float | None:
    """Percentage gap, or None when either side is missing."""
    if value is None or not reference:
        return None
    return 100.0 * (value - reference) / reference


def run_all(paths, solvers, limit, bks, sets=None) -> list[dict]:
    """Solve every instance with every solver; check each solution independently."""
    rows = []
    for path in paths:
        name = path.stem.upper()
        set_name = (sets or {}).get(path, "")
        for solver in solvers:
            started = time.monotonic()
            try:
                routes = SOLVERS[solver](path, limit)
                feasible, distance, problems = check(str(path), routes)
            except Exception as exc:  # a crashing solver is a result, not a stop
                routes, feasible, distance, problems = [], False, math.nan, [repr(exc)]
            row = {
                "set": set_name, "instance": name, "solver": solver, "feasible": feasible,
                "vehicles": len([r for r in routes if r]), "distance": round(distance, 2),
                "seconds": round(time.monotonic() - started, 1),
                "bks_vehicles": bks.get(name, (None, None))[0],
                "gap_bks_pct": gap(distance, bks.get(name, (None, None))[1]),
                "problems": "; ".join(problems[:3]),
            }
            rows.append(row)
            print(f"{name:10} {solver:6} feasible={feasible} veh={row['vehicles']} "
                  f"dist={distance:.2f} t={row['seconds']}s {row['problems']}", flush=True)
    return add_pyvrp_gaps(rows)


def add_pyvrp_gaps(rows: list[dict]) -> list[dict]:
    """Each row's distance gap to PyVRP's feasible solution of the same instance."""
    by_key = {(r["instance"], r["solver"]): r for r in rows}
    for r in rows:
        ref = by_key.get((r["instance"], "pyvrp"))
        usable = ref is not None and ref["feasible"]
        r["gap_pyvrp_pct"] = gap(r["distance"], ref["distance"]) if usable else None
    return rows


def with_reference(rows: list[dict], reference: Path, instances: set[str]) -> list[dict]:
    """Add the reference run's rows of solvers not run now, then recompute PyVRP gaps."""
    ran = {r["solver"] for r in rows}
    with reference.open(encoding="utf-8") as handle:
        for old in csv.DictReader(handle):
            if old["solver"] in ran or old["instance"] not in instances:
                continue
            rows.append({
                **old, "feasible": old["feasible"] == "True", "vehicles": int(old["vehicles"]),
                "distance": float(old["distance"]), "seconds": float(old["seconds"]),
                "gap_bks_pct": float(old["gap_bks_pct"]) if old["gap_bks_pct"] else None,
            })
    order = {name: k for k, name in enumerate(dict.fromkeys(r["instance"] for r in rows))}
    rows.sort(key=lambda r: (order[r["instance"]], r["solver"] != "ours", r["solver"]))
    return add_pyvrp_gaps(rows)


def _fmt(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def write_tables(rows: list[dict], out: Path, limit: float, command: str) -> None:
    """Markdown table per instance and mean per solver; CSV next to it."""
    out.parent.mkdir(parents=True, exist_ok=True)
    columns = ["set", "instance", "solver", "feasible", "vehicles", "bks_vehicles", "distance",
               "gap_bks_pct", "gap_pyvrp_pct", "seconds"]
    lines = [f"Time limit {limit} s. Command: `{command}`", "",
             "| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_fmt(r[c]) for c in columns) + " |" for r in rows]
    lines += ["", "| set | solver | feasible | mean vehicles | mean gap to BKS % "
              "| mean gap to PyVRP % |", "|---|---|---|---|---|---|"]
    sets = list(dict.fromkeys(r["set"] for r in rows))
    groups = [(name, [r for r in rows if r["set"] == name]) for name in sets]
    if len(sets) > 1:
        groups.append(("all", rows))
    for set_name, members in groups:
        for solver in dict.fromkeys(r["solver"] for r in members):
            mine = [r for r in members if r["solver"] == solver]
            gaps = [r["gap_bks_pct"] for r in mine
                    if r["gap_bks_pct"] is not None and r["feasible"]]
            pgaps = [r["gap_pyvrp_pct"] for r in mine if r["gap_pyvrp_pct"] is not None]
            lines.append(
                f"| {set_name or '-'} | {solver} | {sum(r['feasible'] for r in mine)}/{len(mine)}"
                f" | {statistics.mean(r['vehicles'] for r in mine):.2f} | "
                f"{_fmt(statistics.mean(gaps) if gaps else None)} | "
                f"{_fmt(statistics.mean(pgaps) if pgaps else None)} |"
            )
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with out.with_suffix(".csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*columns, "problems"])
        writer.writeheader()
        writer.writerows({k: r[k] for k in [*columns, "problems"]} for r in rows)


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run, write the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+")
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--solvers", default="ours,pyvrp")
    parser.add_argument("--instances", default=None, help="comma-separated names")
    parser.add_argument("--out", default="benchmarks/out/routing-bench.md")
    parser.add_argument("--reference", default=None,
                        help="CSV of an earlier run whose other solvers' rows are reused "
                             "(e.g. PyVRP and VROOM when only our solver changed)")
    args = parser.parse_args(argv)
    names = {n.strip().upper() for n in args.instances.split(",")} if args.instances else None
    paths = find_instances(args.folders, names)
    # The set an instance belongs to is the folder argument it was found under.
    sets = {path: Path(folder).name for folder in args.folders
            for path in find_instances([folder], names)}
    if not paths:
        print("error: no instance files found", file=sys.stderr)
        return 1
    solvers = available([s.strip() for s in args.solvers.split(",") if s.strip()])
    if "ours" in solvers:
        # Compile the ruin-and-recreate kernels (or load numba's cache) before any clock
        # starts, as PyVRP and VROOM are compiled ahead of time.
        from routing.ruin_recreate import warm_up

        warm_up()
    rows = run_all(paths, solvers, args.time_limit, read_bks(args.folders), sets)
    if args.reference:
        rows = with_reference(rows, Path(args.reference), {p.stem.upper() for p in paths})
    write_tables(rows, Path(args.out), args.time_limit, " ".join(sys.argv))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
