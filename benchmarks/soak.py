"""Steady-state mixed-load soak: calls taken and closed, plans, technicians' progress and
signed work reports, against gunicorn on PostgreSQL.

Run (uses nothing but the database you give it; seeds it once):
  PYTHONPATH=. python benchmarks/soak.py \\
      --database-url postgresql+psycopg://postgres@127.0.0.1:5432/soak_bench --minutes 30

The load, all on loopback, bounded by --minutes (it stops by itself):
- 20 coordinators (--clients), each taking a repair call every 2 s (--interval): 10 calls/s,
  far above a real repair line, kept as the stress rate of issue 8. Half of the onsite calls
  are fixed on the phone at once (--phone-share, POST /calls/{id}/resolve-by-phone), and a
  coordinator keeps at most 10 onsite calls open (--open-per-client): past that, the oldest
  is closed by phone (the customer called back, fixed). A call whose technician is already
  on the way cannot be closed so (409 by design) and stays with the technician. So the
  open work stays bounded however long the soak runs.
- a planner: every minute, POST /plans for each service date that calls went to during
  that minute, and for the technicians' days.
- 20 technicians (--technicians) at one base; one reporter thread stands for them: every
  10 s (--report-every) one of them takes a planned visit of their day: en route (POST
  /visits/{id}/status), the work report (PUT /visits/{id}/report), the site manager's
  signature (POST /reports/{id}/signature), which completes the job. 180 jobs in 30
  minutes is about a full day for 20 technicians; when their day is full all the same (no
  planned visit left, visits moved away with NO_CAPACITY) they go on with the day those
  visits were moved to.

Every minute it prints per kind of request the count, p50/p95 latency, errors and by-design
answers, the last plans' sizes, and the resident memory (RSS) of the gunicorn workers. At
the end: totals, and the RSS at minute 5 against the last minute (a leak shows as a rise).

Errors: any 5xx, any connection error or timeout, and any 4xx not listed in BY_DESIGN
(matched on the status and the problem's detail, so an unexpected 409 still counts).
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import random
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict, deque
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import intake_load  # noqa: E402  (same seeding and server start)

DEVICES = 2000
ONSITE = ("same_day", "next_business_day")
KINDS = ("call", "resolve", "plan", "plan_get", "en_route", "report", "signature")

# 4xx answers the system gives by design under this load: (kind, status) → detail texts.
BY_DESIGN: dict[tuple[str, int], tuple[str, ...]] = {
    # The coordinator closes a call whose technician is already on the way or done, or
    # that a signature completed at that very moment (call_handling.resolve_by_phone).
    ("resolve", 409): ("is already", "changed by someone else"),
    # (No 409 of POST /plans is by design on PostgreSQL: the rows it writes are locked.)
    # The technician read the plan, then a re-plan or a coordinator's phone fix changed
    # the visit: the optimistic version check (visit_control.set_status).
    ("en_route", 409): ("changed by someone else", "cannot become"),
}


class Stats:
    """Latencies and outcomes per kind of request, per minute and for the whole run."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.minute: dict[str, list[float]] = defaultdict(list)
        self.total: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter = Counter()
        self.by_design: Counter = Counter()
        self.minute_errors: Counter = Counter()
        self.minute_by_design: Counter = Counter()
        self.plans: dict[str, str] = {}  # service date → size of its last plan
        self.completed = 0

    def note(self, kind: str, status: int, body: Any, seconds: float) -> bool:
        """Record one answer; True when it is a success."""
        detail = body.get("detail", "") if isinstance(body, dict) else str(body)[:120]
        with self.lock:
            self.minute[kind].append(seconds)
            self.total[kind].append(seconds)
            if 200 <= status < 300:
                return True
            if any(text in detail for text in BY_DESIGN.get((kind, status), ())):
                self.by_design[(kind, status)] += 1
                self.minute_by_design[(kind, status)] += 1
            else:
                self.errors[(kind, status, detail[:80])] += 1
                self.minute_errors[(kind, status)] += 1
            return False

    def take_minute(self) -> tuple[dict[str, list[float]], Counter, Counter, dict[str, str]]:
        with self.lock:
            taken = (self.minute, self.minute_errors, self.minute_by_design, dict(self.plans))
            self.minute = defaultdict(list)
            self.minute_errors, self.minute_by_design = Counter(), Counter()
            return taken


def _request(port: int, token: str, method: str, path: str, body: object | None = None,
             key: str | None = None, timeout: float = 60) -> tuple[int, Any, float]:
    """(status, JSON body, seconds); status 0 for a connection error or a timeout."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if key:
        headers["Idempotency-Key"] = key
    if path == "/plans" and method == "POST":
        headers["Prefer"] = "wait=60"  # a plan is a job; wait for it as the old call did
    began = time.perf_counter()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        conn.request(method, "/api/v1" + path,
                     body=json.dumps(body) if body is not None else None, headers=headers)
        response = conn.getresponse()
        raw = response.read()
        conn.close()
    except (OSError, http.client.HTTPException) as exc:
        return 0, f"{type(exc).__name__}: {exc}", time.perf_counter() - began
    took = time.perf_counter() - began
    try:
        return response.status, json.loads(raw), took
    except ValueError:
        return response.status, raw.decode(errors="replace"), took


def _worker_rss_kb(server_pid: int) -> int:
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            stat = Path(f"/proc/{pid}/stat").read_text().split()
            if int(stat[3]) == server_pid:  # a gunicorn worker of our master
                status = Path(f"/proc/{pid}/status").read_text()
                total += int(next(line.split()[1] for line in status.splitlines()
                                  if line.startswith("VmRSS")))
        except (OSError, StopIteration, ValueError):
            continue
    return total


def _wait_until(at: float, stop_at: float) -> bool:
    """Sleep until `at`; False when the soak ends first."""
    time.sleep(max(0.0, min(at, stop_at) - time.monotonic()))
    return time.monotonic() < stop_at


def _png() -> str:
    from dispatch.demo_data.reporting import signature_png

    return "data:image/png;base64," + base64.b64encode(signature_png()).decode()


def _ms(values: list[float], p: float) -> str:
    return f"{intake_load.percentile(values, p) * 1000:6.0f}" if values else "     -"


class Soak:
    """The coordinators, the planner and the technicians, sharing what they learnt."""

    def __init__(self, args: argparse.Namespace, token: str, stop_at: float) -> None:
        self.args, self.token, self.stop_at = args, token, stop_at
        self.stats = Stats()
        self.lock = threading.Lock()
        self.days_called: set[str] = set()  # service dates calls went to since the last plans
        self.planned: set[str] = set()
        # The days the technicians worked, the current one last. Earlier ones stay planned
        # every minute: their new visits roll over (NO_CAPACITY) towards the current one.
        self.work_days: list[str] = []
        self.image = _png()

    def call(self, kind: str, method: str, path: str, body: object | None = None,
             key: str | None = None, timeout: float = 60) -> tuple[bool, Any]:
        status, answer, took = _request(self.args.port, self.token, method, path, body, key,
                                        timeout)
        return self.stats.note(kind, status, answer, took), answer

    def coordinator(self, seed: int) -> None:
        rng = random.Random(seed)
        open_calls: deque[int] = deque()
        next_at = time.monotonic() + rng.random() * self.args.interval  # out of step
        while _wait_until(next_at, self.stop_at):
            next_at += self.args.interval
            n = rng.randrange(DEVICES)
            ok, answer = self.call("call", "POST", "/calls", {
                "serial": f"BN{n:08d}", "support_pack_id": intake_load.pack_id(n),
                "received_at": datetime.now(UTC).isoformat(), "symptom": "紙詰まり"},
                key=uuid.uuid4().hex)
            if not ok or answer.get("decision") not in ONSITE:
                continue
            with self.lock:
                self.days_called.add(answer["service_date"])
            if rng.random() < self.args.phone_share:  # diagnosed and fixed on the phone
                self.call("resolve", "POST", f"/calls/{answer['id']}/resolve-by-phone")
                continue
            open_calls.append(answer["id"])
            if len(open_calls) > self.args.open_per_client:  # the customer called back: fixed
                self.call("resolve", "POST", f"/calls/{open_calls.popleft()}/resolve-by-phone")

    def planner(self) -> None:
        next_at = time.monotonic() + 20
        while _wait_until(next_at, self.stop_at):
            next_at += 60
            with self.lock:
                days = set(self.days_called)
                self.days_called.clear()
                if not self.work_days and days:
                    self.work_days.append(min(days))
                days |= set(self.work_days)
            for day in sorted(days):
                ok, plan = self.call("plan", "POST", "/plans", {"date": day}, timeout=300)
                if ok:
                    stops = sum(len(r["stops"]) for r in plan["routes"])
                    with self.stats.lock:
                        self.stats.plans[day] = (f"{stops} on routes, {len(plan['moved'])} "
                                                 f"moved, solved in {plan['wall_seconds']} s")
                    with self.lock:
                        self.planned.add(day)

    def technicians(self) -> None:
        done: set[int] = set()
        while _wait_until(time.monotonic() + self.args.report_every, self.stop_at):
            with self.lock:
                day = self.work_days[-1] if self.work_days else None
                day = day if day in self.planned else None
            if day is None:
                continue
            ok, plan = self.call("plan_get", "GET", f"/plans/{day}")
            if not ok:
                continue
            stops = [s for r in plan["routes"] for s in r["stops"]
                     if s["status"] == "planned" and s["visit_id"] not in done]
            if not stops:
                self._next_day_when_full(plan)
                continue
            for stop in stops[:3]:  # a stop changed since the plan was read: the next one
                done.add(stop["visit_id"])
                ok, _ = self.call("en_route", "POST", f"/visits/{stop['visit_id']}/status",
                                  {"status": "en_route", "version": stop["version"]})
                if ok:
                    self._complete(stop["visit_id"])
                    break

    def _next_day_when_full(self, plan: dict[str, Any]) -> None:
        moved = [m["to"] for m in plan["moved"] if m["reason"] == "NO_CAPACITY"]
        if moved:
            with self.lock:
                self.work_days.append(min(moved))
            print(f"    technicians: {plan['date']} is full, on to {min(moved)}", flush=True)

    def _complete(self, visit_id: int) -> None:
        now = datetime.now(UTC)
        ok, report = self.call("report", "PUT", f"/visits/{visit_id}/report", {
            "arrived_at": (now - timedelta(minutes=40)).isoformat(),
            "departed_at": now.isoformat(), "work_done": "ローラー清掃", "result": "resolved",
            "parts": [], "technical_changes": [], "data_initialized": False,
            "attendee_name": "担当者"})
        if ok:
            ok, _ = self.call("signature", "POST", f"/reports/{report['id']}/signature",
                              {"signer_name": "担当者", "image": self.image})
            if ok:
                with self.stats.lock:
                    self.stats.completed += 1


def _print_minute(minute: int, rss_mib: float, soak: Soak) -> None:
    latencies, errors, by_design, plans = soak.stats.take_minute()
    print(f"--- minute {minute:3d}: worker RSS {rss_mib:7.1f} MiB, errors "
          f"{sum(errors.values())}, by design {sum(by_design.values())}, jobs completed "
          f"{soak.stats.completed}", flush=True)
    for kind in KINDS:
        values = latencies.get(kind, [])
        err = sum(n for (k, _), n in errors.items() if k == kind)
        design = sum(n for (k, _), n in by_design.items() if k == kind)
        print(f"    {kind:<10} {len(values):6d}  p50 {_ms(values, 50)} ms  p95 "
              f"{_ms(values, 95)} ms  errors {err:3d}  by design {design:3d}", flush=True)
    for day, size in sorted(plans.items()):
        print(f"    plan {day}: {size}", flush=True)


def _summary(soak: Soak, rss: dict[int, float]) -> None:
    stats = soak.stats
    print("=== summary", flush=True)
    for kind in KINDS:
        values = stats.total.get(kind, [])
        print(f"    {kind:<10} {len(values):7d}  p50 {_ms(values, 50)} ms  p95 "
              f"{_ms(values, 95)} ms  max {_ms(values, 100)} ms")
    print(f"    jobs completed with a signed report: {stats.completed}")
    for (kind, status), n in sorted(stats.by_design.items()):
        print(f"    by design: {kind} {status} x{n}")
    for (kind, status, detail), n in sorted(stats.errors.items()):
        print(f"    ERROR: {kind} {status} x{n}: {detail}")
    last = max(rss) if rss else 0
    at5 = rss.get(5)
    flat = f"{at5:.1f} MiB at minute 5 → {rss[last]:.1f} MiB at minute {last} " \
        f"({rss[last] - at5:+.1f} MiB)" if at5 is not None and last > 5 else "run < 6 minutes"
    first = f"minute 1 {rss[1]:.1f} MiB, " if 1 in rss else ""
    print(f"    worker RSS: {first}{flat}")
    print(f"    total errors: {sum(stats.errors.values())}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--interval", type=float, default=2.0)
    parser.add_argument("--phone-share", type=float, default=0.5)
    parser.add_argument("--open-per-client", type=int, default=10)
    parser.add_argument("--report-every", type=float, default=10.0)
    parser.add_argument("--technicians", type=int, default=20)
    parser.add_argument("--port", type=int, default=8792)
    args = parser.parse_args()
    if not args.database_url.startswith("postgresql"):
        raise SystemExit("give a PostgreSQL --database-url (your own benchmark database)")
    from reports.keys import generate_signing_key, private_key_to_b64

    os.environ["DISPATCH_SIGNING_KEY"] = private_key_to_b64(generate_signing_key())
    token = intake_load.prepare(args.database_url, DEVICES)
    # Sync workers as before; `dispatch serve`'s 120 s timeout, so only a runaway is killed.
    server = intake_load.start_server(args.database_url, args.port, 4, 1, ("--timeout", "120"))
    for n in range(args.technicians):  # TKY is the seeded base
        status, answer, _ = _request(args.port, token, "POST", "/technicians", {
            "name": f"技術者{n}", "email": f"soak{n}-{uuid.uuid4().hex[:6]}@oxt.example.jp",
            "base_code": "TKY", "shift_start": "08:30", "shift_end": "17:30",
            "skills": ["COREFIDO"]})
        assert status == 201, answer
    began = time.monotonic()
    soak = Soak(args, token, began + args.minutes * 60)
    threads = [threading.Thread(target=soak.coordinator, args=(i,)) for i in range(args.clients)]
    threads += [threading.Thread(target=soak.planner), threading.Thread(target=soak.technicians)]
    for t in threads:
        t.start()
    rss: dict[int, float] = {}
    try:
        minute = 0
        while minute == 0 or time.monotonic() < soak.stop_at:
            minute += 1
            time.sleep(max(0.0, min(began + 60 * minute, soak.stop_at) - time.monotonic()))
            if time.monotonic() >= soak.stop_at:
                for t in threads:  # the last answers count in the last minute
                    t.join()
            rss[minute] = _worker_rss_kb(server.pid) / 1024
            _print_minute(minute, rss[minute], soak)
    finally:
        server.terminate()
        server.wait(10)
    _summary(soak, rss)


if __name__ == "__main__":
    main()
