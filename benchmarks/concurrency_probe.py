"""Twenty users at the same instant against gunicorn: how many answers are 5xx?

Run (a fresh SQLite file, or any database URL; it seeds what it needs):
  PYTHONPATH=. python benchmarks/concurrency_probe.py --database-url sqlite:////tmp/probe.sqlite3
It starts gunicorn (-w 4, production settings, CSRF on) on 127.0.0.1 and fires bursts of
`--users` requests released together by a barrier: POST /api/v1/calls, form logins with the
right password (one account each), form logins with wrong passwords for one account, and
POST /api/v1/visits/{id}/assignment of the visits those calls created. It prints the status
counts of each burst and the total of 5xx answers.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import sys
import threading
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from intake_load import PASSWORD, _app, pack_id, prepare, start_server  # noqa: E402

TOKEN_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def burst(port: int, users: int,
          send: Callable[[http.client.HTTPConnection, int, threading.Barrier], int]
          ) -> Counter[int]:
    """Run send(conn, n) for n < users in threads released at once → status counts."""
    barrier = threading.Barrier(users)
    statuses: Counter[int] = Counter()
    lock = threading.Lock()

    def run(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            status = send(conn, n, barrier)
        except OSError:
            status = 599  # no answer at all counts as a server error
        with lock:
            statuses[status] += 1

    threads = [threading.Thread(target=run, args=(n,)) for n in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def _answer(conn: http.client.HTTPConnection) -> tuple[int, bytes, str]:
    response = conn.getresponse()
    return response.status, response.read(), response.getheader("Set-Cookie") or ""


def login_sender(email_of: Callable[[int], str], password_of: Callable[[int], str]):
    def send(conn: http.client.HTTPConnection, n: int, barrier: threading.Barrier) -> int:
        conn.request("GET", "/login")
        _, page, cookie = _answer(conn)
        token = TOKEN_FIELD.search(page.decode()).group(1)
        body = (f"csrf_token={token}&email={email_of(n)}&password={password_of(n)}").encode()
        barrier.wait()
        conn.request("POST", "/login", body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie.split(";", 1)[0]})
        return _answer(conn)[0]
    return send


def api_sender(token: str, method: str, path_of: Callable[[int], str],
               body_of: Callable[[int], dict]):
    def send(conn: http.client.HTTPConnection, n: int, barrier: threading.Barrier) -> int:
        barrier.wait()
        conn.request(method, path_of(n), body=json.dumps(body_of(n)), headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json",
            "Idempotency-Key": uuid.uuid4().hex})
        return _answer(conn)[0]
    return send


def seed_people(url: str, users: int) -> list[tuple[int, int]]:
    """Login accounts probe{n}@…, two technicians; → [(visit id, version)] of open visits."""
    from sqlalchemy import select

    from dispatch.extensions import db
    from dispatch.models import ServiceBase, Technician, User, Visit
    from dispatch.services.accounts import users as accounts
    from dispatch.services.trust.audit import Actor
    from dispatch.services.unit_of_work import unit_of_work

    actor = Actor(label="probe")
    with _app(url).app_context():
        with unit_of_work():
            for n in range(users):
                email = f"probe{n}@oxt.example.jp"
                if db.session.scalar(select(User.id).where(User.email == email)) is None:
                    accounts.add_user(email, "coordinator", PASSWORD, actor)
            base = db.session.scalar(select(ServiceBase))
            if db.session.scalar(select(Technician.id)) is None:
                db.session.add_all([Technician(
                    name=f"技術者{k}", email=f"probe-tech{k}@oxt.example.jp", base_id=base.id,
                    shift_start=time(8, 30), shift_end=time(17, 30), skills=["COREFIDO"])
                    for k in range(2)])
        rows = db.session.scalars(select(Visit).where(Visit.status == "unassigned")
                                  .order_by(Visit.id.desc()).limit(users)).all()
        techs = db.session.scalars(select(Technician.id)).all()
        return [(v.id, v.version, techs[i % len(techs)]) for i, v in enumerate(rows)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--port", type=int, default=8793)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--users", type=int, default=20)
    args = parser.parse_args()
    users = args.users
    token = prepare(args.database_url, devices=users * 4)
    server = start_server(args.database_url, args.port, args.workers, 1, wait_s=180)
    results: dict[str, Counter[int]] = {}
    try:
        offset = int(datetime.now(UTC).timestamp()) % (users * 3)  # other devices each run
        results["POST /calls"] = burst(args.port, users, api_sender(
            token, "POST", lambda n: "/api/v1/calls",
            lambda n: {"serial": f"BN{offset + n:08d}", "support_pack_id": pack_id(offset + n),
                       "received_at": datetime.now(UTC).isoformat(), "symptom": "紙詰まり"}))
        visits = seed_people(args.database_url, users)
        results["logins (right password)"] = burst(args.port, users, login_sender(
            lambda n: f"probe{n}%40oxt.example.jp", lambda n: PASSWORD))
        results["logins (wrong password, one account)"] = burst(args.port, users, login_sender(
            lambda n: "bench%40oxt.example.jp", lambda n: f"wrong-{n}"))
        results["POST /visits/{id}/assignment"] = burst(args.port, len(visits), api_sender(
            token, "POST", lambda n: f"/api/v1/visits/{visits[n][0]}/assignment",
            lambda n: {"technician_id": visits[n][2], "pinned": True,
                       "version": visits[n][1]}))
    finally:
        server.terminate()
        server.wait(30)
    errors = 0
    for name, statuses in results.items():
        fives = sum(c for s, c in statuses.items() if s >= 500)
        errors += fives
        print(f"{name}: {sum(statuses.values())} requests, {dict(sorted(statuses.items()))}, "
              f"{fives} x 5xx")
    print(f"total 5xx: {errors}")


if __name__ == "__main__":
    main()
