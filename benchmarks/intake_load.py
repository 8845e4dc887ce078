"""Load benchmark of POST /calls: gunicorn on loopback, PostgreSQL, 20 concurrent clients.

Run (uses and resets nothing but the database you give it):
  PYTHONPATH=. python benchmarks/intake_load.py \
      --database-url postgresql+psycopg://postgres@127.0.0.1:5432/intake_bench
Target: p95 ≤ 50 ms. It migrates the database, seeds devices with registered packs (once),
makes a coordinator token, starts gunicorn (-w 4) on 127.0.0.1, runs a bounded number of
requests from stdlib threads, prints p50/p95/p99 latency and throughput, stops gunicorn.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECRET = "benchmark-secret-key-that-is-long-enough-0123456789"
PASSWORD = "benchmark-password-2026"


_APPS: dict[str, object] = {}


def _app(url: str):
    """One app per process (blueprints can be registered once)."""
    if url not in _APPS:
        os.environ["DATABASE_URL"] = url
        os.environ["SECRET_KEY"] = SECRET
        from dispatch import create_app

        _APPS[url] = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET})
    return _APPS[url]


def prepare(url: str, devices: int) -> str:
    """Migrate, seed devices with registered packs if missing, return a coordinator token."""
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from dispatch.extensions import db
    from dispatch.models import Device, User
    from dispatch.services.accounts import users
    from dispatch.services.trust.audit import Actor
    from dispatch.services.unit_of_work import unit_of_work

    app = _app(url)
    actor = Actor(label="benchmark")
    with app.app_context():
        upgrade()
        if db.session.scalar(select(func.count(Device.id))) < devices:
            _seed(devices, actor)
        with unit_of_work():
            if db.session.scalar(
                    select(User.id).where(User.email == "bench@oxt.example.jp")) is None:
                users.add_user("bench@oxt.example.jp", "coordinator", PASSWORD, actor)
            return users.create_token("bench@oxt.example.jp", actor)


def pack_id(n: int) -> str:
    """Device n's support pack ID: a valid one (check character included), so calls are
    decided, not refused 422 as a typo (rules.md §5)."""
    from dispatch.domain.support_pack_id import ALPHABET, PREFIX, check_character

    body = "".join(ALPHABET[(n >> (5 * i)) & 31] for i in range(6, -1, -1))
    return PREFIX + body + check_character(body)


def _seed(count: int, actor) -> None:
    from dispatch import clock
    from dispatch.domain.periods import period_last_day
    from dispatch.domain.support_hours import STANDARD
    from dispatch.extensions import db
    from dispatch.models import Customer, Device, Pack, PrinterModel, ServiceBase, Site

    rng = random.Random(7)
    model = PrinterModel(code="C844dnw", name="COREFIDO C844dnw", series="COREFIDO",
                         kind="printer", lifetime_years=7, warranty_months=84,
                         print_limit=600_000, packs_offered=["std3"])
    db.session.add_all([model, ServiceBase(code="TKY", name="東京", lat=35.6812, lon=139.7671,
                                           service_radius_km=150, same_day_radius_km=60)])
    customer = Customer(name="ベンチマーク商事", created_at=clock.now())
    db.session.add(customer)
    db.session.flush()
    sites = []
    for i in range(50):  # spread over the same-day and the wider service area
        sites.append(Site(customer_id=customer.id, name=f"拠点{i}", address="東京都",
                          lat=35.68 + rng.uniform(-0.9, 0.9), lon=139.76 + rng.uniform(-0.9, 0.9),
                          manager_name="担当"))
    db.session.add_all(sites)
    db.session.flush()
    purchase = date(2026, 4, 10)
    end = period_last_day(purchase, years=3)
    for n in range(count):
        device = Device(serial=f"BN{n:08d}", model_id=model.id, site_id=sites[n % 50].id,
                        purchase_date=purchase)
        db.session.add(device)
        db.session.flush()
        db.session.add(Pack(device_id=device.id, product="std3", purchased_on=purchase,
                            support_hours=STANDARD.to_payload(), status="registered",
                            support_pack_id=pack_id(n), nominal_start=purchase,
                            uncapped_end=end, coverage_start=purchase + timedelta(days=10),
                            coverage_end=end, created_at=clock.now()))
    db.session.commit()


def start_server(url: str, port: int, workers: int, threads: int,
                 extra: tuple[str, ...] = (), wait_s: float = 30) -> subprocess.Popen:
    """gunicorn on loopback only (`extra`: more gunicorn options); waits until it answers."""
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET, "DISPATCH_ENV": "production",
           "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "dispatch:create_app()", "--no-control-socket",
         "-w", str(workers), "--threads", str(threads), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", *extra],
        cwd=ROOT, env=env,
    )
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/login")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit(f"gunicorn did not start within {wait_s:.0f} s")


def workers_cpu_seconds(master_pid: int) -> float:
    """CPU time (user + system) used so far by the gunicorn master's workers (Linux /proc):
    the work per call, which a machine loaded by others does not inflate as it does latency."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a process that ended meanwhile
        if int(fields[1]) == master_pid:  # fields: state, ppid, ..., utime (12th), stime
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def stop_server(proc: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL when a loaded machine keeps gunicorn's graceful stop past 30 s."""
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


def run_load(port: int, token: str, clients: int, total: int, seconds: float,
             devices: int, interval: float = 0.0) -> tuple[list[float], Counter, float]:
    """`clients` threads POST /calls until `total` requests or `seconds` have passed.

    With `interval` > 0 each client starts a call every `interval` seconds (a coordinator
    taking calls at a given pace; a late answer delays nothing but itself); with 0 each
    client sends its next call as soon as the last one is answered (saturation).
    """
    latencies: list[float] = []
    statuses: Counter = Counter()
    lock = threading.Lock()
    issued = iter(range(total))
    stop_at = time.monotonic() + seconds

    def client(seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        next_at = time.monotonic() + rng.random() * interval  # clients out of step
        while time.monotonic() < stop_at:
            if interval:
                time.sleep(max(0.0, next_at - time.monotonic()))
                next_at += interval
            with lock:
                if next(issued, None) is None:
                    return
            n = rng.randrange(devices)
            body = json.dumps({"serial": f"BN{n:08d}", "support_pack_id": pack_id(n),
                               "received_at": datetime.now(UTC).isoformat(),
                               "symptom": "紙詰まり", "print_count": rng.randrange(1000, 90_000)})
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                       "Idempotency-Key": uuid.uuid4().hex}
            began = time.perf_counter()
            conn.request("POST", "/api/v1/calls", body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            took = time.perf_counter() - began
            with lock:
                latencies.append(took)
                statuses[response.status] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, statuses, time.perf_counter() - began


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--workers", type=int, default=4)
    # Threads let one worker wait on several commits at once (PostgreSQL groups their
    # WAL flushes); with --threads 1 gunicorn uses its sync worker.
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--devices", type=int, default=3000)
    parser.add_argument("--interval", type=float, default=0.0,
                        help="seconds between one client's calls (0: back to back)")
    args = parser.parse_args()
    if not args.database_url.startswith("postgresql"):
        raise SystemExit("give a PostgreSQL --database-url (your own benchmark database)")
    token = prepare(args.database_url, args.devices)
    server = start_server(args.database_url, args.port, args.workers, args.threads)
    try:
        run_load(args.port, token, 4, 100, 20, args.devices)  # warm up every worker
        cpu_before = workers_cpu_seconds(server.pid)
        latencies, statuses, wall = run_load(args.port, token, args.clients, args.requests,
                                             args.seconds, args.devices, args.interval)
        cpu = workers_cpu_seconds(server.pid) - cpu_before
    finally:
        stop_server(server)
    ms = [v * 1000 for v in latencies]
    p95 = percentile(ms, 95)
    pace = f"one call every {args.interval:g} s each" if args.interval else "back to back"
    print(f"requests {len(ms)} in {wall:.1f} s with {args.clients} clients ({pace}), "
          f"{args.workers} gunicorn workers x {args.threads} threads; statuses {dict(statuses)}")
    print(f"throughput {len(ms) / wall:.0f} calls/s; latency p50 {percentile(ms, 50):.1f} ms, "
          f"p95 {p95:.1f} ms, p99 {percentile(ms, 99):.1f} ms (target p95 <= 50 ms: "
          f"{'met' if p95 <= 50 else 'NOT met'})")
    print(f"gunicorn workers' CPU {cpu * 1000 / len(ms):.1f} ms per call")


if __name__ == "__main__":
    main()
