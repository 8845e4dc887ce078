"""Decisions per second of the coverage engine over a realistic mix of devices.

Run: PYTHONPATH=. python benchmarks/coverage_bench.py [--devices N] [--rounds R]
Target (task brief): at least 50,000 decisions per second in-process.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date, timedelta

from dispatch.domain.coverage import coverage_on
from dispatch.domain.eligibility import eligibility
from dispatch.domain.products import (
    DeviceFacts,
    DeviceKind,
    ModelTerms,
    PackProduct,
    PackRecord,
    PackStatus,
    Series,
)

MODELS = (
    ModelTerms("C650dnw", Series.OTHER, DeviceKind.PRINTER, 5, 6, 300_000, frozenset(PackProduct)),
    ModelTerms("C844dnw", Series.COREFIDO, DeviceKind.PRINTER, 7, 84, 600_000,
               frozenset(PackProduct)),
    ModelTerms("C931", Series.VINCI, DeviceKind.PRINTER, 5, 60, None,
               frozenset(PackProduct) - {PackProduct.STD7}),
)
HISTORIES = (  # typical pack histories: (product, days after device purchase, status)
    (),
    ((PackProduct.STD1, 20, PackStatus.REGISTERED),),
    ((PackProduct.STD3, 30, PackStatus.REGISTERED),),
    ((PackProduct.STD3, 30, PackStatus.REGISTERED), (PackProduct.EXT2, 900, PackStatus.APPLIED)),
    ((PackProduct.STD1, 10, PackStatus.REGISTERED), (PackProduct.EXT1, 300, PackStatus.REGISTERED),
     (PackProduct.EXT1, 700, PackStatus.REGISTERED)),
    ((PackProduct.STD5, 60, PackStatus.REGISTERED), (PackProduct.EXT1, 100, PackStatus.VOID)),
)


def make_cases(n: int, rng: random.Random):
    cases = []
    for _ in range(n):
        terms = rng.choice(MODELS)
        purchase = date(2018, 1, 1) + timedelta(days=rng.randrange(3000))
        device = DeviceFacts(purchase_date=purchase, print_count=rng.randrange(200_000),
                             print_count_on=purchase + timedelta(days=rng.randrange(30, 900)))
        packs = tuple(
            PackRecord(i, product, purchase + timedelta(days=days), status,
                       purchase + timedelta(days=days + 9) if status is PackStatus.REGISTERED
                       else None, "weekday")
            for i, (product, days, status) in enumerate(rng.choice(HISTORIES))
        )
        on = purchase + timedelta(days=rng.randrange(-10, 2900))
        cases.append((terms, device, packs, rng.choice(tuple(PackProduct)), on))
    return cases


def measure(label: str, decide, cases, rounds: int) -> float:
    # Best round, as timeit does: the machine may be shared, and slower rounds measure the
    # neighbours rather than the engine. CPU time (process_time) is shown beside wall time.
    walls, cpus = [], []
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        for case in cases:
            decide(case)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    n = len(cases)
    best, mean, per_cpu = n / min(walls), n * rounds / sum(walls), n / min(cpus)
    print(f"{label:<22} wall best {best:>9,.0f}/s  mean {mean:>9,.0f}/s  "
          f"cpu best {per_cpu:>9,.0f}/s  ({n:,} decisions x {rounds} rounds)")
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--devices", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    cases = make_cases(args.devices, random.Random(20261126))
    measure("coverage_on", lambda c: coverage_on(c[0], c[1], c[2], c[4]), cases, args.rounds)
    measure("eligibility (advice)", lambda c: eligibility(*c), cases, args.rounds)
    measure("eligibility (record)", lambda c: eligibility(*c, mode="record"), cases, args.rounds)


if __name__ == "__main__":
    main()
