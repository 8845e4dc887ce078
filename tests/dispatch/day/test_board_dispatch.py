"""Dispatch from the board (issue 16, rules.md §6): assign and pin through the assignment
service with its optimistic version, a 409 that says who changed what, live polling with
ETags, the visit detail, the day's figures and alerts."""

from __future__ import annotations

from datetime import date

from conftest import PASSWORD

from dispatch.extensions import db
from dispatch.models import Visit
from dispatch.services.day import planning
from dispatch.services.day import visits as visit_control
from dispatch.services.trust.audit import SYSTEM, Actor, record

DAY = date(2026, 11, 26)
DATA = "/board/data.json?date=2026-11-26"


def _login(client, make_user, email="desk@oxt.example.jp"):
    make_user("coordinator", email)
    client.post("/login", data={"email": email, "password": PASSWORD})


def _assign(client, visit_id, tech_id, version, pinned=False):
    return client.post(f"/board/visits/{visit_id}/assignment?date=2026-11-26",
                       json={"technician_id": tech_id, "pinned": pinned, "version": version})


def test_board_assignment_moves_and_pins_the_visit_with_its_version(day, client, make_user):
    base = day.base()
    first, second = day.tech(base), day.tech(base)
    visit = day.call()
    planning.plan_day(DAY, SYSTEM)
    db.session.flush()
    _login(client, make_user)
    loaded = db.session.get(Visit, visit.id)
    assert loaded.technician_id == first.id
    res = _assign(client, visit.id, second.id, loaded.version, pinned=True)
    assert res.status_code == 200
    routes = {r["technician_id"]: r for r in res.get_json()["routes"]}
    [moved] = routes[second.id]["stops"]
    assert (moved["visit_id"], moved["pinned"], moved["start"]) == (visit.id, True, None)
    assert routes[first.id]["stops"] == []


def test_a_stale_version_is_a_409_that_says_who_changed_what(day, client, make_user):
    base = day.base()
    first, second = day.tech(base), day.tech(base)
    visit = day.call()
    planning.plan_day(DAY, SYSTEM)
    seen = db.session.get(Visit, visit.id).version
    other = Actor(label="other@oxt.example.jp")
    visit_control.assign(visit.id, {"technician_id": second.id, "pinned": True,
                                    "version": seen}, other)
    db.session.flush()
    _login(client, make_user)
    res = _assign(client, visit.id, first.id, seen)
    body = res.get_json()
    assert res.status_code == 409
    assert body["changed_by"]["who"] == "other@oxt.example.jp"
    assert body["changed_by"]["action"] == "visit.assign"
    assert {"technician_id", "pinned"} <= set(body["changed_by"]["changed"])
    assert {"担当技術者", "固定"} <= set(body["changed_by"]["changed_labels"])
    assert body["changed_by"]["technician_id"] == second.id
    assert db.session.get(Visit, visit.id).technician_id == second.id


def test_board_data_answers_304_until_something_changes(day, client, make_user):
    base = day.base()
    day.tech(base)
    visit = day.call()
    db.session.flush()
    _login(client, make_user)
    first = client.get(DATA)
    etag = first.headers["ETag"]
    again = client.get(DATA, headers={"If-None-Match": etag})
    assert again.status_code == 304
    record(SYSTEM, "visit.en_route", "visit", visit.id, {}, {"status": "en_route"})
    db.session.flush()
    changed = client.get(DATA, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_visit_detail_has_customer_device_pack_symptom_and_history(day, client, make_user):
    base = day.base()
    tech = day.tech(base)
    visit = day.call(symptom="トナーが認識されない")
    visit_control.assign(visit.id, {"technician_id": tech.id, "pinned": True, "version": 1},
                         Actor(label="other@oxt.example.jp"))
    db.session.flush()
    _login(client, make_user)
    detail = client.get(f"/board/visits/{visit.id}.json").get_json()
    assert detail["customer"].startswith("顧客")
    assert detail["serial"].startswith("SN") and detail["support_pack_id"].startswith("SP")
    assert detail["symptom"] == "トナーが認識されない"
    assert detail["support_hours"].startswith("月〜金")
    assert detail["history"][0]["who"] == "other@oxt.example.jp"
    assert detail["history"][0]["action"] == "手動で割当"
    assert (detail["pinned"], detail["technician_id"]) == (True, tech.id)
    assert client.get("/board/visits/99999.json").status_code == 404


def test_history_names_the_changed_fields_in_words_not_column_names(day, client, make_user):
    base = day.base()
    tech = day.tech(base)
    visit = day.call()
    visit_control.assign(visit.id, {"technician_id": tech.id, "pinned": True, "version": 1},
                         Actor(label="other@oxt.example.jp"))
    db.session.flush()
    _login(client, make_user)
    [event] = client.get(f"/board/visits/{visit.id}.json").get_json()["history"]
    # sorted column names → the desk's words, in the same order
    assert event["changed"] == ["pinned", "sequence", "status", "technician_id"]
    assert event["changed_labels"] == ["固定", "訪問順", "状態", "担当技術者"]
    client.get("/lang/en")
    [event] = client.get(f"/board/visits/{visit.id}.json").get_json()["history"]
    assert event["changed_labels"] == ["pinned", "order on the route", "status", "technician"]


def test_every_audited_visit_and_call_field_has_a_label(app):
    from dispatch.services.day.visits import FIELDS
    from dispatch.services.intake.calls import CALL_FIELDS
    from dispatch.views.coordinator.board import field_labels

    # the moves' extra key, the no-attendant's reason, the insertion's method and plan
    extra = ("visit_service_date", "reason", "method", "plan")
    names = [*FIELDS, *CALL_FIELDS, *extra]
    with app.test_request_context():
        labels = field_labels(names)
    assert len(labels) == len(names) > 0
    assert [n for n, label in zip(names, labels, strict=True) if n == label] == []


def test_board_figures_and_the_alert_for_a_call_moved_twice(day, client, make_user):
    base = day.base()
    day.tech(base)
    day.call()
    again = day.call(35.66, 139.75)
    # Two earlier re-plans moved this call to a later day (services/day/moves.py audits it).
    for _ in range(2):
        record(SYSTEM, "visit.moved", "repair_call", again.call_id, {}, {})
    planning.plan_day(DAY, SYSTEM)
    db.session.flush()
    _login(client, make_user)
    data = client.get(DATA).get_json()
    assert data["kpis"]["planned"] + len(data["unassigned"]) == 2
    assert data["kpis"]["same_day_total"] == 2 and data["kpis"]["done"] == 0
    assert data["kpis"]["km_planned"] > 0
    [alert] = data["alerts"]
    assert (alert["kind"], alert["visit_id"], alert["times_moved"]) == (
        "moved_repeatedly", again.id, 2)


def test_board_plan_answers_201_with_the_board(day, client, make_user):
    base = day.base()
    day.tech(base)
    day.call()
    db.session.flush()
    _login(client, make_user)
    res = client.post("/board/plan?date=2026-11-26", json={})
    assert res.status_code == 201 and res.get_json()["plan_id"] is not None
