"""Board and tablet pages: roles, JSON for the board, status buttons on the tablet."""

from __future__ import annotations

from datetime import date

from conftest import PASSWORD

from dispatch.extensions import db
from dispatch.models import Visit
from dispatch.services.day import planning
from dispatch.services.trust.audit import SYSTEM

DAY = date(2026, 11, 26)


def _login(client, make_user, role, email=None):
    email, _ = make_user(role, email)
    client.post("/login", data={"email": email, "password": PASSWORD})


def test_board_json_lists_routes_and_unassigned_with_japanese_reasons(day, client, make_user):
    base = day.base()
    day.tech(base)
    day.call(43.06, 141.35)  # unreachable: moved with CANNOT_ARRIVE_IN_HOURS
    planning.plan_day(DAY, SYSTEM)
    _login(client, make_user, "coordinator")
    page = client.get("/board?date=2026-11-26")
    assert page.status_code == 200 and b'id="map"' in page.data
    assert b"<script>" not in page.data  # no inline scripts (CSP)
    data = client.get("/board/data.json?date=2026-11-26").get_json()
    assert data["moved"][0]["reasons"] == ["対応時間内に到着できないため翌営業日へ移動"]
    assert data["bases"][0]["code"] == "TKY"


def test_technicians_cannot_open_the_board(app, client, make_user):
    _login(client, make_user, "technician")
    assert client.get("/board").status_code == 403


def test_tablet_lists_stops_with_map_links_and_marks_arrival(day, client, make_user):
    base = day.base()
    day.tech(base, email="tab@oxt.example.jp")
    visit = day.call()
    planning.plan_day(DAY, SYSTEM)
    _login(client, make_user, "technician", "tab@oxt.example.jp")
    assert client.get("/").headers["Location"].endswith("/tablet")
    page = client.get("/tablet").get_data(as_text=True)
    assert "geo:35.69,139.7" in page and "google.com/maps" in page
    assert f"/visits/{visit.id}/report" in page  # the report form, not a 404
    # A planned stop offers the table's next steps (domain/visit_status.py), not "done".
    assert 'value="en_route"' in page and 'value="arrived"' in page
    assert 'value="done"' not in page
    version = db.session.get(Visit, visit.id).version
    response = client.post(f"/tablet/visits/{visit.id}/status",
                           data={"status": "arrived", "version": version})
    assert response.status_code == 302
    assert db.session.get(Visit, visit.id).status == "arrived"


def test_board_plan_button_answers_202_and_polls_a_job_still_queued(day, client, make_user):
    """With no worker free the board gets the job to poll instead of a plan (rules.md §9)."""
    from huey.storage import MemoryStorage

    from dispatch.tasks import queue

    day.tech(day.base())
    day.call()
    db.session.flush()
    _login(client, make_user, "coordinator")
    queue.huey.use(MemoryStorage, False)  # a real queue that no consumer reads
    try:
        answer = client.post("/board/plan?date=2026-11-26", json={})
    finally:
        queue.huey.use(MemoryStorage, True)
    assert answer.status_code == 202
    assert answer.get_json()["status"] == "queued"
    # board.js polls the Location for the job's {status, progress}.
    job = client.get(answer.headers["Location"]).get_json()
    assert (job["status"], job["progress"], job["date"]) == ("queued", 0.0, "2026-11-26")


def test_board_plan_button_returns_the_board_when_the_job_finishes_in_time(day, client,
                                                                           make_user):
    day.tech(day.base())
    visit = day.call()
    db.session.flush()
    _login(client, make_user, "coordinator")
    answer = client.post("/board/plan?date=2026-11-26", json={})
    assert answer.status_code == 201
    data = answer.get_json()
    assert data["plan_job"]["status"] == "done"
    assert visit.id in [s["visit_id"] for r in data["routes"] for s in r["stops"]]
