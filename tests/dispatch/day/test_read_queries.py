"""Reads in constant queries: the board, the tablet and the technician list issue the same
number of SQL statements for 5 visits as for 50 (eager loading; a national day has 2,000)."""

from __future__ import annotations

from conftest import PASSWORD
from read_counting import statements

from dispatch.extensions import db

SMALL, LARGE = 5, 50


def _calls(day, base, tech, n: int) -> None:
    # Every visit on its own site and device (the worst case for lazy loading), assigned.
    for i in range(n):
        visit = day.call(35.60 + i * 0.002, 139.60 + i * 0.002)
        visit.technician_id = tech.id
        visit.sequence = i + 1
        visit.status = "planned"
    db.session.flush()


def _count(fetch, day, base, tech, n: int) -> int:
    _calls(day, base, tech, n)
    db.session.expire_all()  # every row read again: lazy loads would show per visit
    with statements() as seen:
        fetch()
    return len(seen)


def _login(client, make_user, role, email=None):
    email, _ = make_user(role, email)
    client.post("/login", data={"email": email, "password": PASSWORD})


def test_board_data_takes_the_same_statements_for_5_and_50_visits(day, client, make_user):
    base = day.base()
    tech = day.tech(base)
    _login(client, make_user, "coordinator")

    def fetch():
        assert client.get("/board/data.json?date=2026-11-26").status_code == 200

    small = _count(fetch, day, base, tech, SMALL)
    large = _count(fetch, day, base, tech, LARGE - SMALL)
    assert small == large


def test_tablet_takes_the_same_statements_for_5_and_50_visits(day, client, make_user):
    base = day.base()
    tech = day.tech(base)
    _login(client, make_user, "technician", tech.email)

    def fetch():
        page = client.get("/tablet")
        assert page.status_code == 200 and b"tablet-stop" in page.data

    small = _count(fetch, day, base, tech, SMALL)
    large = _count(fetch, day, base, tech, LARGE - SMALL)
    assert small == large


def test_technician_list_takes_the_same_statements_for_5_and_50_technicians(day, coordinator):
    def fetch():
        assert coordinator.get("/technicians").status_code == 200

    bases = [day.base(f"B{i:02d}") for i in range(LARGE)]
    for base in bases[:SMALL]:
        day.tech(base)
    db.session.flush()
    fetch()  # the token's first use records last_used_at (a write the later reads skip)
    db.session.expire_all()
    with statements() as seen:
        fetch()
    small = len(seen)
    for base in bases[SMALL:]:
        day.tech(base)
    db.session.flush()
    db.session.expire_all()
    with statements() as seen:
        fetch()
    assert len(seen) == small
