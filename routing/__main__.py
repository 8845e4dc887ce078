"""Command line: `python -m routing solve-vrptw FILE --time-limit S`."""

from __future__ import annotations

import argparse
import json
import sys

from routing.nodes import SolveOptions
from routing.vrptw import InstanceError, read_instance, solve_instance


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the process exit code."""
    parser = argparse.ArgumentParser(prog="python -m routing")
    commands = parser.add_subparsers(dest="command", required=True)
    vrptw = commands.add_parser("solve-vrptw", help="solve a Solomon-format VRPTW file")
    vrptw.add_argument("file")
    vrptw.add_argument("--time-limit", type=float, default=10.0, help="seconds (wall)")
    vrptw.add_argument("--solution-limit", type=int, default=None, help="deterministic budget")
    vrptw.add_argument("--parallel", choices=["auto", "on", "off"], default="auto")
    commands.add_parser(
        "compile", help="compile the ruin-and-recreate kernels into numba's on-disk cache"
    )
    args = parser.parse_args(argv)
    if args.command == "compile":
        from routing.ruin_recreate import warm_up

        warm_up()
        return 0
    if args.time_limit <= 0:
        print("error: --time-limit must be positive", file=sys.stderr)
        return 2
    try:
        instance = read_instance(args.file)
    except InstanceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    options = SolveOptions(
        time_limit_s=args.time_limit,
        solution_limit=args.solution_limit,
        parallel={"auto": None, "on": True, "off": False}[args.parallel],
    )
    result = solve_instance(instance, options)
    print(json.dumps({k: result[k] for k in ("vehicles", "distance", "routes")}))
    if result["unserved"]:
        print(f"error: {len(result['unserved'])} customers unserved", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
