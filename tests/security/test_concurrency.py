"""Twenty busy users at once: parallel calls, logins, assignments and signatures answer
0 × 5xx on the embedded SQLite file and on PostgreSQL (rules.md §9 "no 5xx").

Real threads, each with its own test client, app context and database session, against
the session's real database (an SQLite file, or PostgreSQL with TEST_DATABASE_URL), with
real commits; the tables are emptied afterwards. A request that raised is counted as 500
(TESTING propagates exceptions instead of answering 500).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import time
from typing import Any

import pytest
from conftest import PASSWORD
from factories import call_payload
from intake_world import World
from reporting_rows import data_url, make_visit, report_payload
from sqlalchemy import func, select

from dispatch.extensions import db
from dispatch.models import LoginAttempt, ServiceBase, Technician, Visit
from dispatch.models import WorkReport as ReportRow
from dispatch.services.reporting import reports
from dispatch.services.trust.audit import Actor
from dispatch.services.unit_of_work import unit_of_work

pytestmark = pytest.mark.committing

USERS = 20  # the twenty busy users
DESK = Actor(label="desk@oxt.example.jp", role="coordinator")


def in_parallel(app, count: int, request: Callable[[Any, int], Any]) -> Counter[int]:
    """Run request(client, n) for n < count in threads released together → status counts."""
    barrier = threading.Barrier(count)
    statuses: Counter[int] = Counter()
    lock = threading.Lock()

    def run(n: int) -> None:
        client = app.test_client()
        try:
            barrier.wait()
            status = request(client, n).status_code
        except Exception:  # noqa: BLE001 - an unhandled error is what a user sees as a 500
            status = 500
        finally:
            with app.app_context():
                db.session.remove()
        with lock:
            statuses[status] += 1

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert sum(statuses.values()) == count
    return statuses


def server_errors(statuses: Counter[int]) -> int:
    return sum(n for status, n in statuses.items() if status >= 500)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _world_with_devices(count: int) -> World:
    world = World()
    for n in range(count):
        world.covered(serial=f"AK2{n:07d}")
    return world


def _technicians(count: int) -> list[int]:
    with unit_of_work():
        base = db.session.scalar(select(ServiceBase))
        techs = [Technician(name=f"技術者{n}", email=f"tech{n}@oxt.example.jp", base_id=base.id,
                            shift_start=time(8, 30), shift_end=time(17, 30),
                            skills=["COREFIDO"]) for n in range(count)]
        db.session.add_all(techs)
        db.session.flush()
        return [t.id for t in techs]


def test_twenty_parallel_calls_are_all_taken(app, make_user, clean):
    with app.app_context():
        _world_with_devices(USERS)
        _, token = make_user("coordinator")

    statuses = in_parallel(app, USERS, lambda client, n: client.post(
        "/api/v1/calls", json=call_payload(f"AK2{n:07d}"), headers=bearer(token)))

    assert server_errors(statuses) == 0, statuses
    assert statuses == Counter({201: USERS})


def test_twenty_parallel_logins_all_succeed(app, make_user, clean):
    with app.app_context():
        emails = [make_user("coordinator")[0] for _ in range(USERS)]

    statuses = in_parallel(app, USERS, lambda client, n: client.post(
        "/login", data={"email": emails[n], "password": PASSWORD}))

    assert server_errors(statuses) == 0, statuses
    assert statuses == Counter({302: USERS})


def test_parallel_wrong_passwords_are_evaluated_at_most_the_limit(app, make_user, clean):
    # rules.md §8: five failures within the window lock the account; twenty attempts at
    # the same instant must not all be checked against a count that has not grown yet.
    limit = int(app.config["LOGIN_MAX_FAILURES"])
    with app.app_context():
        email, _ = make_user("coordinator")

    statuses = in_parallel(app, USERS, lambda client, n: client.post(
        "/login", data={"email": email, "password": f"wrong-password-{n}"}))

    assert server_errors(statuses) == 0, statuses
    assert statuses == Counter({401: limit, 429: USERS - limit})
    with app.app_context():
        assert db.session.scalar(select(func.count(LoginAttempt.id)).where(
            LoginAttempt.email == email)) == limit


def test_parallel_assignments_of_twenty_visits_all_succeed(app, make_user, clean):
    with app.app_context():
        _world_with_devices(USERS)
        _, token = make_user("coordinator")
        visits = []
        for n in range(USERS):
            created = app.test_client().post("/api/v1/calls", json=call_payload(f"AK2{n:07d}"),
                                             headers=bearer(token))
            assert created.status_code == 201, created.get_json()
        rows = db.session.scalars(select(Visit).order_by(Visit.id)).all()
        visits = [(v.id, v.version) for v in rows]
        techs = _technicians(2)
    assert len(visits) == USERS

    statuses = in_parallel(app, USERS, lambda client, n: client.post(
        f"/api/v1/visits/{visits[n][0]}/assignment", headers=bearer(token),
        json={"technician_id": techs[n % 2], "pinned": True, "version": visits[n][1]}))

    assert server_errors(statuses) == 0, statuses
    assert statuses == Counter({200: USERS})


def test_parallel_assignments_of_one_visit_give_one_winner(app, make_user, clean):
    with app.app_context():
        _world_with_devices(1)
        _, token = make_user("coordinator")
        created = app.test_client().post("/api/v1/calls", json=call_payload("AK20000000"),
                                         headers=bearer(token))
        assert created.status_code == 201, created.get_json()
        visit = db.session.scalars(select(Visit)).one()
        visit_id, version = visit.id, visit.version
        techs = _technicians(USERS)

    statuses = in_parallel(app, USERS, lambda client, n: client.post(
        f"/api/v1/visits/{visit_id}/assignment", headers=bearer(token),
        json={"technician_id": techs[n], "pinned": True, "version": version}))

    assert server_errors(statuses) == 0, statuses
    assert statuses == Counter({200: 1, 409: USERS - 1})


def test_ten_parallel_signatures_of_one_report_give_one_seal(app, make_user, clean):
    signers = 10
    with app.app_context():
        ids = make_visit(serial="AK29999999", commit=True)
        _, token = make_user("coordinator")
        with unit_of_work():
            report_id = reports.save_report(ids.visit_id, report_payload(), DESK)["id"]

    statuses = in_parallel(app, signers, lambda client, n: client.post(
        f"/api/v1/reports/{report_id}/signature", headers=bearer(token),
        json={"signer_name": f"佐藤 花子{n}", "image": data_url()}))

    assert server_errors(statuses) == 0, statuses
    assert statuses == Counter({200: 1, 409: signers - 1})
    with app.app_context():
        row = db.session.get(ReportRow, report_id)
        assert row.chain_index == 1 and row.status == "signed"


def test_parallel_saves_of_one_draft_with_photos_all_succeed_leaving_one_whole_set(app, make_user,
                                                                          clean):
    from reporting_rows import photo_jpeg, photo_url

    from dispatch.models import ReportPhoto
    from dispatch.services.reporting.verify import verify_report

    savers = 6
    with app.app_context():
        ids = make_visit(serial="AK29999998", commit=True)
        _, token = make_user("coordinator")
        with unit_of_work():
            report_id = reports.save_report(ids.visit_id, report_payload(), DESK)["id"]
    images = [photo_url(photo_jpeg(160, 120, shade=40 * n)) for n in range(savers)]

    statuses = in_parallel(app, savers, lambda client, n: client.put(
        f"/api/v1/visits/{ids.visit_id}/report", headers=bearer(token),
        json=report_payload(photos=[{"kind": "before", "image": images[n]}] * (n + 1))))

    # Each save waits for the one before and replaces its photos: no 5xx and no spurious
    # 409 (without the lock, PostgreSQL answered 409 to four or five of the six).
    assert statuses == Counter({200: savers}), statuses
    with app.app_context():
        row = db.session.get(ReportRow, report_id)
        stored = db.session.scalars(select(ReportPhoto).where(ReportPhoto.report_id == report_id)
                                    .order_by(ReportPhoto.position)).all()
        # One save's photos, whole: the draft's sealed list names exactly the stored rows.
        assert row.content["photos"] == [{"kind": p.kind, "sha256": p.sha256} for p in stored]
        assert len({p.sha256 for p in stored}) == 1
        with unit_of_work():
            reports.seal_and_complete(row, "佐藤 花子", reports.decode_signature_image(
                data_url()), DESK)
        assert verify_report(db.session.get(ReportRow, report_id))["valid"]
