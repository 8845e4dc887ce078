"""The registration queue page issues as many SQL statements for 50 waiting applications as
for 5 (each row's pack and device load with the row, not one statement per row)."""

from __future__ import annotations

from conftest import PASSWORD
from factories import device_payload
from read_counting import statements
from registration_factories import Flow

from dispatch.extensions import db


def _applications(flow: Flow, site_id: int, first: int, n: int) -> None:
    for i in range(first, first + n):
        serial = f"AK2{i:07d}"
        answer = flow.api.post("/devices", json=device_payload(site_id, serial=serial))
        assert answer.status_code == 201, answer.get_json()
        flow.apply(flow.pack(target_serial=serial)["id"], applied_on="2026-05-10")


def _count(client) -> int:
    db.session.expire_all()  # every row read again, as a fresh request would
    with statements() as seen:
        page = client.get("/registration/queue?on=2026-05-12")
        assert page.status_code == 200
    return len(seen)


def test_registration_queue_takes_the_same_statements_for_5_and_50_applications(
        app, flow, installed, make_user):
    email, _ = make_user("coordinator", "queue-pages@oxt.example.jp")
    client = app.test_client()
    client.post("/login", data={"email": email, "password": PASSWORD})
    _applications(flow, installed["site_id"], 0, 5)
    small = _count(client)
    _applications(flow, installed["site_id"], 5, 45)
    assert _count(client) == small
