"""Mixed-load soak: calls, plans and work reports against gunicorn on PostgreSQL.

Run (uses and resets nothing but the database you give it):
  PYTHONPATH=. python benchmarks/soak.py \\
      --database-url postgresql+psycopg://postgres@127.0.0.1:5432/soak_bench --minutes 30

20 client threads on loopback, each a coordinator taking a repair call every --interval
seconds; one of them re-plans today every minute, and another fills in and signs the work
report of a planned visit every few seconds. Every minute it prints the error count and the
resident memory (RSS) of the gunicorn workers, so a leak shows as a rising column.
Bounded by --minutes; it stops by itself.
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
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import intake_load  # noqa: E402  (same seeding and server start)

# The day being planned: the service date of the latest onsite call (after the day's
# support hours every call goes to the next support day).
SERVICE_DAY: dict[str, str] = {}


def _request(port: int, token: str, method: str, path: str, body: object | None = None,
             key: str | None = None) -> tuple[int, object]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if key:
        headers["Idempotency-Key"] = key
    conn.request(method, "/api/v1" + path, body=json.dumps(body) if body is not None else None,
                 headers=headers)
    response = conn.getresponse()
    raw = response.read()
    conn.close()
    try:
        return response.status, json.loads(raw)
    except ValueError:
        return response.status, raw


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


def _sleep(seconds: float, stop_at: float) -> None:
    time.sleep(max(0.0, min(seconds, stop_at - time.monotonic())))


def _png() -> str:
    from dispatch.demo_data.reporting import signature_png

    return "data:image/png;base64," + base64.b64encode(signature_png()).decode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--interval", type=float, default=2.0)
    parser.add_argument("--port", type=int, default=8792)
    args = parser.parse_args()
    if not args.database_url.startswith("postgresql"):
        raise SystemExit("give a PostgreSQL --database-url (your own benchmark database)")
    from reports.keys import generate_signing_key, private_key_to_b64

    os.environ["DISPATCH_SIGNING_KEY"] = private_key_to_b64(generate_signing_key())
    token = intake_load.prepare(args.database_url, 2000)
    server = intake_load.start_server(args.database_url, args.port, 4, 1)
    for n in range(6):  # technicians for the plans (TKY is the seeded base)
        _request(args.port, token, "POST", "/technicians", {
            "name": f"技術員{n}", "email": f"soak{n}-{uuid.uuid4().hex[:6]}@oxt.example.jp",
            "base_code": "TKY", "shift_start": "08:30", "shift_end": "17:30",
            "skills": ["COREFIDO"]})
    stats: Counter = Counter()
    lock = threading.Lock()
    stop_at = time.monotonic() + args.minutes * 60
    image = _png()

    def note(kind: str, status: int) -> None:
        with lock:
            stats[kind] += 1
            if status >= 400 and not (kind == "report" and status in (404, 409)):
                stats["errors"] += 1
                stats[f"error {kind} {status}"] += 1

    def caller(seed: int) -> None:
        rng = random.Random(seed)
        while time.monotonic() < stop_at:
            n = rng.randrange(2000)
            status, body = _request(args.port, token, "POST", "/calls", {
                "serial": f"BN{n:08d}", "support_pack_id": f"SP-BN{n:08d}",
                "received_at": datetime.now(UTC).isoformat(), "symptom": "紙詰まり"},
                key=uuid.uuid4().hex)
            note("call", status)
            if status == 201 and body.get("service_date"):
                SERVICE_DAY["date"] = body["service_date"]
            _sleep(args.interval, stop_at)

    def planner() -> None:
        while time.monotonic() < stop_at:
            _sleep(20, stop_at)
            if "date" in SERVICE_DAY:
                status, _ = _request(args.port, token, "POST", "/plans",
                                     {"date": SERVICE_DAY["date"]})
                note("plan", status)
            _sleep(40, stop_at)

    def reporter() -> None:
        done: set[int] = set()
        while time.monotonic() < stop_at:
            _sleep(5, stop_at)
            if "date" not in SERVICE_DAY:
                continue
            status, plan = _request(args.port, token, "GET", f"/plans/{SERVICE_DAY['date']}")
            if status != 200:
                continue
            stops = [s for r in plan["routes"] for s in r["stops"] if s["visit_id"] not in done]
            if not stops:
                continue
            visit = stops[0]["visit_id"]
            done.add(visit)
            status, report = _request(args.port, token, "PUT", f"/visits/{visit}/report", {
                "arrived_at": (datetime.now(UTC) - timedelta(minutes=40)).isoformat(),
                "departed_at": datetime.now(UTC).isoformat(), "work_done": "ローラー清掃",
                "result": "resolved", "parts": [], "technical_changes": [],
                "data_initialized": False, "attendee_name": "担当者"})
            note("report", status)
            if status < 300:
                status, answer = _request(args.port, token, "POST",
                                          f"/reports/{report['id']}/signature",
                                          {"signer_name": "担当者", "image": image})
                note("signature", status)
                if status >= 400:
                    print("signature refused:", status, answer, flush=True)

    threads = [threading.Thread(target=caller, args=(i,)) for i in range(args.clients)]
    threads += [threading.Thread(target=planner), threading.Thread(target=reporter)]
    began = time.monotonic()
    for t in threads:
        t.start()
    try:
        while any(t.is_alive() for t in threads):
            for t in threads:
                t.join(timeout=max(0.1, min(60.0, stop_at - time.monotonic())))
                if time.monotonic() < stop_at:
                    break
            with lock:
                snapshot = dict(stats)
            print(f"{(time.monotonic() - began) / 60:5.1f} min  worker RSS "
                  f"{_worker_rss_kb(server.pid) / 1024:7.1f} MiB  {snapshot}", flush=True)
        for t in threads:
            t.join()
    finally:
        server.terminate()
        server.wait(10)
    print(f"done: {dict(stats)}; errors {stats['errors']}")


if __name__ == "__main__":
    main()
