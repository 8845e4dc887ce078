"""Resident memory of gunicorn web workers serving a mix of requests (issue 18).

    PYTHONPATH=. python benchmarks/web_rss.py \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/board_bench --minutes 3

Run after board_bench.py on the same database (the national day of 2,000 planned visits;
its coordinator). Adds a technician login and 100 devices with valid support pack IDs,
starts gunicorn as `dispatch serve` does (-w 2 --threads 4, an embedded task consumer in
each worker) on loopback, then for `--minutes` keeps three kinds
of clients busy: coordinators fetching the board's data of the national day (full answers),
technicians opening their tablet page, and coordinators taking calls (POST /api/v1/calls).
Prints each worker's RSS (VmRSS, and the peak VmHWM) every 30 s and at the end, with the
status counts. `--plan` adds one plan of the national day, which the embedded consumer of
a web worker then solves (the case of the soak's ~700 MiB workers).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import board_bench
import intake_load

TOKEN_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
TECH_EMAIL = "TKY0@oxt.example.jp"  # day_bench's first Tokyo technician
DEVICES = 100


def prepare(url: str) -> str:
    """The technician's login and devices with valid IDs; returns a coordinator token."""
    from sqlalchemy import func, select

    from dispatch import clock
    from dispatch.domain.support_hours import STANDARD
    from dispatch.extensions import db
    from dispatch.models import Device, Pack, PrinterModel, Site, User
    from dispatch.services.accounts import users
    from dispatch.services.trust.audit import SYSTEM
    from dispatch.services.unit_of_work import unit_of_work

    with intake_load._app(url).app_context():
        with unit_of_work():
            if db.session.scalar(select(User.id).where(User.email == TECH_EMAIL.lower())) is None:
                users.add_user(TECH_EMAIL, "technician", board_bench.PASSWORD, SYSTEM)
            if db.session.scalar(select(func.count(Device.id))
                                 .where(Device.serial.like("RSS%"))) == 0:
                model = db.session.scalar(select(PrinterModel).order_by(PrinterModel.id))
                sites = db.session.scalars(select(Site).order_by(Site.id).limit(DEVICES)).all()
                bought = date(2026, 4, 10)
                for n, site in enumerate(sites):
                    device = Device(serial=f"RSS{n:05d}", model_id=model.id, site_id=site.id,
                                    purchase_date=bought)
                    db.session.add(device)
                    db.session.flush()
                    db.session.add(Pack(
                        device_id=device.id, product="std1", purchased_on=bought,
                        support_hours=STANDARD.to_payload(), status="registered",
                        support_pack_id=intake_load.pack_id(n), nominal_start=bought,
                        uncapped_end=bought + timedelta(days=365),
                        coverage_start=bought + timedelta(days=10),
                        coverage_end=bought + timedelta(days=364), created_at=clock.now()))
        with unit_of_work():
            return users.create_token(board_bench.EMAIL, SYSTEM)


def login(port: int, email: str) -> tuple[http.client.HTTPConnection, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/login")
    response = conn.getresponse()
    page, cookie = response.read().decode(), response.getheader("Set-Cookie") or ""
    token = TOKEN_FIELD.search(page).group(1)  # type: ignore[union-attr]
    conn.request("POST", "/login", body=f"csrf_token={token}&email={email}&password="
                 f"{board_bench.PASSWORD}".encode(), headers={
                     "Content-Type": "application/x-www-form-urlencoded",
                     "Cookie": cookie.split(";", 1)[0]})
    response = conn.getresponse()
    response.read()
    session = (response.getheader("Set-Cookie") or cookie).split(";", 1)[0]
    return conn, session


def solver_libraries(master_pid: int) -> list[str]:
    """Which of numpy, numba, llvmlite, ortools the workers have mapped (/proc/<pid>/maps)."""
    found: set[str] = set()
    for pid, _, _ in rss_of_workers(master_pid):
        try:
            maps = Path(f"/proc/{pid}/maps").read_text()
        except OSError:
            continue
        found |= {name for name in ("numpy", "numba", "llvmlite", "ortools") if name in maps}
    return sorted(found)


def rss_of_workers(master_pid: int) -> list[tuple[int, int, int]]:
    """(pid, VmRSS MiB, VmHWM MiB) of each gunicorn worker."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) != master_pid:
                continue
            status = (stat.parent / "status").read_text()
        except OSError:
            continue
        kib = {line.split(":")[0]: int(line.split()[1]) for line in status.splitlines()
               if line.startswith(("VmRSS", "VmHWM"))}
        found.append((int(stat.parent.name), kib["VmRSS"] // 1024, kib["VmHWM"] // 1024))
    return sorted(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--port", type=int, default=8796)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="as `dispatch serve` (gthread)")
    parser.add_argument("--minutes", type=float, default=3)
    parser.add_argument("--plan", action="store_true",
                        help="also ask for one plan of the national day at the start: with no "
                        "DISPATCH_QUEUE_URL it is solved by a web worker's embedded consumer")
    parser.add_argument("--queue-url", help="a task queue server (redis://…): the web "
                        "workers then run no consumer, as with `dispatch worker` processes")
    args = parser.parse_args()
    token = prepare(args.database_url)
    if args.queue_url:
        os.environ.update(DISPATCH_QUEUE_URL=args.queue_url, DISPATCH_EMBEDDED_CONSUMER="0",
                          DISPATCH_QUEUE_NAME="web-rss-bench")
    else:  # as `dispatch serve` without a queue server: each worker runs a consumer thread
        os.environ["DISPATCH_EMBEDDED_CONSUMER"] = "1"
    server = intake_load.start_server(args.database_url, args.port, args.workers, args.threads)
    statuses: Counter[str] = Counter()
    lock = threading.Lock()
    stop_at = time.monotonic() + args.minutes * 60
    board = f"/board/data.json?date={board_bench.day_bench.DAY.isoformat()}"

    def note(kind: str, response: http.client.HTTPResponse) -> None:
        response.read()
        with lock:
            statuses[f"{kind} {response.status}"] += 1

    # A connection per request: gunicorn closes idle keep-alive connections after 2 s.
    def connect() -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", args.port, timeout=120)

    def coordinator() -> None:
        _, session = login(args.port, board_bench.EMAIL)
        while time.monotonic() < stop_at:
            conn = connect()
            conn.request("GET", board, headers={"Cookie": session})
            note("board", conn.getresponse())
            time.sleep(2)  # the board's poll (full answers here: no If-None-Match)

    def technician() -> None:
        _, session = login(args.port, TECH_EMAIL)
        while time.monotonic() < stop_at:
            conn = connect()
            conn.request("GET", "/tablet", headers={"Cookie": session})
            note("tablet", conn.getresponse())
            time.sleep(1)

    def intake(seed: int) -> None:
        rng = random.Random(seed)
        while time.monotonic() < stop_at:
            conn = connect()
            n = rng.randrange(DEVICES)
            conn.request("POST", "/api/v1/calls", body=json.dumps({
                "serial": f"RSS{n:05d}", "support_pack_id": intake_load.pack_id(n),
                "received_at": datetime.now(UTC).isoformat(), "symptom": "紙詰まり"}),
                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex,
                         "Content-Type": "application/json"})
            note("call", conn.getresponse())
            time.sleep(1)

    threads = ([threading.Thread(target=coordinator) for _ in range(2)]
               + [threading.Thread(target=technician) for _ in range(2)]
               + [threading.Thread(target=intake, args=(k,)) for k in range(4)])
    try:
        print(f"workers at start (pid, RSS MiB, peak MiB): {rss_of_workers(server.pid)}; "
              f"solver libraries mapped: {solver_libraries(server.pid) or 'none'}")
        for thread in threads:
            thread.start()
        if args.plan:
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=60)
            conn.request("POST", "/api/v1/plans", body=json.dumps(
                {"date": board_bench.day_bench.DAY.isoformat()}), headers={
                    "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
            note("plan", conn.getresponse())
        while time.monotonic() < stop_at:
            time.sleep(min(30, max(0.0, stop_at - time.monotonic())))
            print(f"{datetime.now(UTC):%H:%M:%S} workers (pid, RSS MiB, peak MiB): "
                  f"{rss_of_workers(server.pid)}", flush=True)
        for thread in threads:
            thread.join()
        print(f"answers: {dict(sorted(statuses.items()))}")
        print(f"workers at the end (pid, RSS MiB, peak MiB): {rss_of_workers(server.pid)}; "
              f"solver libraries mapped: {solver_libraries(server.pid) or 'none'}")
    finally:
        intake_load.stop_server(server)


if __name__ == "__main__":
    main()
